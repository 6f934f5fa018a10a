import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Core } from '../../src/core/app/core-api.ts';
import type { HeadlessCoreOptions } from '../../src/headless/host.ts';
import type { Analysis, Task } from '../../src/shared/contract/index.ts';
import { DETECTOR_ID, HOSTILE_IMAGES, copyModel, neuImage, testModelsDir } from '../helpers/models.ts';
import { ok, openTestCore, runCli, taskFinished, tempDir } from '../helpers/workspace.ts';

/** NEU-DET validation images (val.txt), one or two per class. */
const VAL = ['crazing_108', 'inclusion_111', 'patches_105', 'pitted_surface_103', 'rolled-in_scale_100', 'scratches_100', 'crazing_11', 'inclusion_14', 'patches_113', 'scratches_106'];

const coreOptions = (extra: HeadlessCoreOptions = {}): HeadlessCoreOptions => ({
  modelDirs: [{ dir: testModelsDir(), origin: 'built-in' }],
  ...extra,
  inference: { poolSize: 2, ...extra.inference },
});

/** Imports `paths` into a new job and waits for the import to end. */
async function jobWith(core: Core, name: string, paths: string[]): Promise<{ jobId: string; assets: Map<string, string> }> {
  const job = await ok(core, 'jobs.create', { name });
  const task = await ok(core, 'assets.import', { jobId: job.id, paths });
  await taskFinished(core, task.id).then((t) => expect(t.status).toBe('done'));
  const { assets } = await ok(core, 'assets.list', { jobId: job.id, limit: 1000 });
  return { jobId: job.id, assets: new Map(assets.map((a) => [a.originalName, a.id])) };
}

async function runDetect(core: Core, input: Record<string, unknown>): Promise<Task> {
  const task = await ok(core, 'detect.start', input);
  return taskFinished(core, task.id);
}

async function allAnalyses(core: Core, filter: Record<string, string>): Promise<Analysis[]> {
  return (await ok(core, 'analyses.list', { ...filter, limit: 1000 })).analyses;
}

/** How many analyses each asset of the job has (over every task). */
async function analysesPerAsset(core: Core, jobId: string): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const a of await allAnalyses(core, { jobId })) counts.set(a.assetId, (counts.get(a.assetId) ?? 0) + 1);
  return counts;
}

describe('a detect task on a job', () => {
  let tmp: { dir: string; cleanup: () => Promise<void> };
  let core: Core;
  let jobId: string;
  let assets: Map<string, string>;
  const images = VAL.slice(0, 3).map((id) => `${id}.jpg`);

  beforeAll(async () => {
    tmp = await tempDir('chitti-detect-');
    core = await openTestCore(path.join(tmp.dir, 'ws'), coreOptions());
    const notes = path.join(tmp.dir, 'notes.txt');
    await writeFile(notes, 'UT readings, shell course 2\n');
    ({ jobId, assets } = await jobWith(core, 'Steel strip', [
      ...VAL.slice(0, 3).map(neuImage), path.join(HOSTILE_IMAGES, 'truncated_jpeg.jpg'), notes,
    ]));
    expect(assets.size).toBe(5);
  });
  afterAll(async () => {
    await core.close();
    await tmp.cleanup();
  });

  it('lists the installed model', async () => {
    const { models, problems } = await ok(core, 'models.list', {});
    expect(problems).toEqual([]);
    const model = models.find((m) => m.task === 'detect');
    expect(model).toMatchObject({ origin: 'built-in', sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(model!.classes.length).toBeGreaterThan(0);
    expect(await ok(core, 'models.get', { id: model!.id })).toEqual(model);
    expect(await core.dispatch('models.get', { id: 'no-such-model' })).toMatchObject({ ok: false, error: { code: 'MODEL_NOT_FOUND' } });
  });

  it('analyses the images, fails the truncated one with IMAGE_UNREADABLE, and audits every analysis', async () => {
    const task = await runDetect(core, { jobId });
    expect(task).toMatchObject({ kind: 'detect', status: 'done', total: 4, processed: 4, analysed: 3, failed: 1, errorCode: null });

    const { items } = await ok(core, 'tasks.items', { taskId: task.id });
    // The job's images in the order the job lists them; the document is left out.
    const listed = (await ok(core, 'assets.list', { jobId })).assets.filter((a) => a.kind === 'image');
    expect(items.map((i) => [i.assetId, i.source, i.name])).toEqual(listed.map((a) => [a.id, a.id, a.originalName]));
    expect(items.find((i) => i.status === 'failed')).toMatchObject({ name: 'truncated_jpeg.jpg', errorCode: 'IMAGE_UNREADABLE', assetId: assets.get('truncated_jpeg.jpg') });

    const analyses = await allAnalyses(core, { taskId: task.id });
    expect(analyses).toHaveLength(4);
    const model = (await ok(core, 'models.list', {})).models.find((m) => m.task === 'detect')!;
    for (const a of analyses) expect(a).toMatchObject({ jobId, taskId: task.id, modelId: model.id, modelVersion: model.version, modelSha256: model.sha256 });
    const failed = analyses.find((a) => a.status === 'failed')!;
    expect(failed).toMatchObject({ assetId: assets.get('truncated_jpeg.jpg'), errorCode: 'IMAGE_UNREADABLE', width: null, findingCount: 0 });
    const done = analyses.filter((a) => a.status === 'done');
    expect(done.every((a) => a.width === 200 && a.height === 200 && a.errorCode === null)).toBe(true);
    // Steel with visible defects: the model proposes something on these.
    expect(done.reduce((s, a) => s + a.findingCount, 0)).toBeGreaterThan(0);

    const { entries } = await ok(core, 'audit.list', { limit: 1000 });
    const audited = entries.filter((e) => e.action === 'analysis.created');
    expect(audited.map((e) => e.entityId).sort()).toEqual(analyses.map((a) => a.id).sort());
    for (const e of audited) {
      const a = analyses.find((x) => x.id === e.entityId)!;
      expect(e.data).toMatchObject({ assetId: a.assetId, taskId: task.id, model: { id: model.id, version: model.version, sha256: model.sha256 }, status: a.status });
      if (a.status === 'done') expect(e.data).toMatchObject({ findings: a.findingCount });
      else expect(e.data).toMatchObject({ code: 'IMAGE_UNREADABLE' });
    }
    expect(entries.find((e) => e.action === 'task.finished' && e.entityId === task.id)?.data).toEqual({ analysed: 3, failed: 1, total: 4 });
    expect(await ok(core, 'audit.verify', {})).toMatchObject({ ok: true, problems: [] });
  });

  it('gives each asset its latest findings, with boxes inside the image', async () => {
    const { models } = await ok(core, 'models.list', {});
    const classes = new Set(models.flatMap((m) => m.classes));
    let total = 0;
    for (const name of images) {
      const assetId = assets.get(name)!;
      const { analysis, findings } = await ok(core, 'findings.list', { assetId });
      expect(analysis).toMatchObject({ assetId, status: 'done', findingCount: findings.length });
      total += findings.length;
      for (const f of findings) {
        expect(f).toMatchObject({ assetId, jobId, analysisId: analysis!.id, status: 'proposed', polygon: null });
        expect(classes.has(f.class)).toBe(true);
        expect(f.score).toBeGreaterThanOrEqual(lowestThreshold(analysis!));
        const [x1, y1, x2, y2] = f.box;
        expect(0 <= x1 && x1 <= x2 && x2 <= analysis!.width!).toBe(true);
        expect(0 <= y1 && y1 <= y2 && y2 <= analysis!.height!).toBe(true);
      }
      expect(findings.map((f) => f.score)).toEqual([...findings.map((f) => f.score)].sort((a, b) => b - a));
      expect(Object.values(analysis!.classCounts).reduce((s, n) => s + n, 0)).toBe(findings.length);
    }
    expect(total).toBeGreaterThan(0);
    expect(await ok(core, 'findings.list', { assetId: assets.get('truncated_jpeg.jpg') })).toEqual({ analysis: null, findings: [] });
  });

  it('applies a threshold given at the start to every class', async () => {
    const assetId = assets.get(images[0]!)!;
    const task = await runDetect(core, { jobId, assetIds: [assetId], threshold: 0.99 });
    expect(task).toMatchObject({ status: 'done', analysed: 1 });
    const { analysis, findings } = await ok(core, 'findings.list', { assetId });
    expect(analysis).toMatchObject({ taskId: task.id, settings: { threshold: 0.99 } });
    expect(findings.every((f) => f.score >= 0.99)).toBe(true);
  });

  it('refuses an unknown model with MODEL_NOT_FOUND, and assets of another job, before creating a task', async () => {
    const before = (await ok(core, 'tasks.list', {})).tasks.length;
    expect(await core.dispatch('detect.start', { jobId, modelId: 'no-such-model' })).toMatchObject({ ok: false, error: { code: 'MODEL_NOT_FOUND' } });
    const other = await ok(core, 'jobs.create', { name: 'Other' });
    expect(await core.dispatch('detect.start', { jobId: other.id, assetIds: [assets.get(images[0]!)] })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(await core.dispatch('detect.start', { jobId: 'job_00000000000000000000' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect((await ok(core, 'tasks.list', {})).tasks.length).toBe(before);
  });

  it('fails a document given by id with NOT_AN_IMAGE, and a job without images ends at once', async () => {
    const task = await runDetect(core, { jobId, assetIds: [assets.get('notes.txt')] });
    expect(task).toMatchObject({ status: 'done', total: 1, analysed: 0, failed: 1 });
    expect((await ok(core, 'tasks.items', { taskId: task.id })).items[0]).toMatchObject({ errorCode: 'NOT_AN_IMAGE' });
    const empty = await ok(core, 'jobs.create', { name: 'Empty' });
    expect(await ok(core, 'detect.start', { jobId: empty.id })).toMatchObject({ kind: 'detect', status: 'done', total: 0 });
  });
});

/** The lowest score any finding of this analysis needed. */
const lowestThreshold = (a: Analysis) => a.settings.threshold ?? Math.min(a.settings.scoreThreshold, ...Object.values(a.settings.classThresholds));

describe('a detect task that is cancelled, or stopped and resumed', () => {
  let tmp: { dir: string; cleanup: () => Promise<void> };
  let ws: string;
  beforeAll(async () => {
    tmp = await tempDir('chitti-detect-resume-');
    ws = path.join(tmp.dir, 'ws');
  });
  afterAll(() => tmp.cleanup());

  it('on cancel keeps the images analysed, marks the rest cancelled, and a new task does the rest once', async () => {
    const core = await openTestCore(ws, coreOptions({ detectDelayMs: 150 }));
    try {
      const { jobId } = await jobWith(core, 'Cancel', VAL.map(neuImage));
      let first: string | undefined;
      const finished = new Promise<Task>((resolve) => {
        const off = core.subscribe((name, payload) => {
          const { task } = payload as { task: Task };
          if (task.kind !== 'detect' || task.id !== (first ??= task.id)) return;
          if (name === 'task.progressed' && task.processed === 2) void core.dispatch('tasks.cancel', { taskId: task.id });
          if (name === 'task.finished') {
            off();
            resolve(task);
          }
        });
      });
      await ok(core, 'detect.start', { jobId });
      const task = await finished;
      expect(task.status).toBe('cancelled');
      expect(task.analysed).toBeGreaterThanOrEqual(2);
      expect(task.analysed).toBeLessThan(VAL.length);
      const { items: cancelled } = await ok(core, 'tasks.items', { taskId: task.id, status: 'cancelled' });
      expect(cancelled).toHaveLength(VAL.length - task.analysed);
      expect(cancelled[0]!.message).toMatch(/analysed/);

      const rest = await runDetect(core, { jobId, assetIds: cancelled.map((i) => i.assetId) });
      expect(rest).toMatchObject({ status: 'done', analysed: cancelled.length });
      const perAsset = await analysesPerAsset(core, jobId);
      expect(perAsset.size).toBe(VAL.length);
      expect([...perAsset.values()].every((n) => n === 1)).toBe(true);
    } finally {
      await core.close();
    }
  });

  it('stopped mid-way (the app closed), resumes in the next process and analyses each image exactly once', async () => {
    let jobId: string;
    let taskId: string;
    {
      const core = await openTestCore(ws, coreOptions({ detectDelayMs: 150 }));
      ({ jobId } = await jobWith(core, 'Stop', VAL.map(neuImage)));
      const two = new Promise<void>((resolve) => {
        core.subscribe((name, payload) => {
          if (name === 'task.progressed' && (payload as { task: Task }).task.kind === 'detect' && (payload as { task: Task }).task.processed >= 2) resolve();
        });
      });
      taskId = (await ok(core, 'detect.start', { jobId })).id;
      await two;
      await core.close();
    }
    const core = await openTestCore(ws, coreOptions({ create: false }));
    try {
      const left = await ok(core, 'tasks.get', { taskId });
      expect(left.status).toBe('running');
      expect(left.processed).toBeGreaterThanOrEqual(2);
      expect(left.processed).toBeLessThan(VAL.length);
      const finished = taskFinished(core, taskId);
      expect(await ok(core, 'tasks.resume', {})).toEqual({ resumed: [taskId] });
      expect(await finished).toMatchObject({ status: 'done', analysed: VAL.length, failed: 0 });
      const perAsset = await analysesPerAsset(core, jobId);
      expect(perAsset.size).toBe(VAL.length);
      expect([...perAsset.values()].every((n) => n === 1)).toBe(true);
      expect(await ok(core, 'audit.verify', {})).toMatchObject({ ok: true });
    } finally {
      await core.close();
    }
  });
});

describe('a detect task whose inference worker crashes on one image', () => {
  it('fails that image with INFERENCE_FAILED and analyses the others', async () => {
    const tmp = await tempDir('chitti-detect-crash-');
    try {
      const odd = path.join(tmp.dir, 'cropped.jpg');
      await sharp(neuImage(VAL[3]!)).extract({ left: 10, top: 20, width: 160, height: 120 }).jpeg().toFile(odd);
      const core = await openTestCore(path.join(tmp.dir, 'ws'), coreOptions({ inference: { poolSize: 2, crashOnSize: { width: 160, height: 120 } } }));
      try {
        const { jobId, assets } = await jobWith(core, 'Crash', [neuImage(VAL[0]!), odd, neuImage(VAL[1]!), neuImage(VAL[2]!)]);
        const task = await runDetect(core, { jobId });
        expect(task).toMatchObject({ status: 'done', total: 4, analysed: 3, failed: 1 });
        const { items } = await ok(core, 'tasks.items', { taskId: task.id, status: 'failed' });
        expect(items).toEqual([expect.objectContaining({ name: 'cropped.jpg', errorCode: 'INFERENCE_FAILED' })]);
        const { analyses } = await ok(core, 'analyses.list', { assetId: assets.get('cropped.jpg') });
        expect(analyses).toEqual([expect.objectContaining({ status: 'failed', errorCode: 'INFERENCE_FAILED' })]);
      } finally {
        await core.close();
      }
    } finally {
      await tmp.cleanup();
    }
  });
});

describe('a detect task stopped by a damaged model', () => {
  it('fails with MODEL_INTEGRITY, leaves its images pending, and runs them once the model is repaired and the task resumed', async () => {
    const tmp = await tempDir('chitti-detect-model-');
    try {
      const models = path.join(tmp.dir, 'models');
      const onnx = path.join(await copyModel(models, DETECTOR_ID), 'model.onnx');
      const core = await openTestCore(path.join(tmp.dir, 'ws'), coreOptions({ modelDirs: [{ dir: models, origin: 'user' }] }));
      try {
        await copyFile(onnx, `${onnx}.good`);
        await sharp({ create: { width: 8, height: 8, channels: 3, background: 'white' } }).png().toFile(onnx); // not the file the manifest pins
        const { jobId } = await jobWith(core, 'Damaged model', VAL.slice(0, 2).map(neuImage));
        const failed = await runDetect(core, { jobId, modelId: DETECTOR_ID });
        expect(failed).toMatchObject({ status: 'failed', errorCode: 'MODEL_INTEGRITY', processed: 0, total: 2 });

        await copyFile(`${onnx}.good`, onnx);
        const finished = taskFinished(core, failed.id);
        expect(await ok(core, 'tasks.resume', { taskId: failed.id })).toEqual({ resumed: [failed.id] });
        expect(await finished).toMatchObject({ status: 'done', analysed: 2, error: null, errorCode: null });
        const { entries } = await ok(core, 'audit.list', { entityId: failed.id });
        expect(entries.map((e) => e.action)).toEqual(['task.finished', 'task.reopened', 'task.failed', 'task.created']);
      } finally {
        await core.close();
      }
    } finally {
      await tmp.cleanup();
    }
  });
});

describe('`chitti detect --job` killed with SIGKILL half-way', () => {
  let tmp: { dir: string; cleanup: () => Promise<void> };
  let ws: string;
  let jobId: string;
  let killedAt = 0;
  const env = () => ({ CHITTI_MODELS_DIR: testModelsDir() });

  beforeAll(async () => {
    tmp = await tempDir('chitti-detect-kill-');
    ws = path.join(tmp.dir, 'ws');
    await mkdir(ws);
    const core = await openTestCore(ws);
    ({ jobId } = await jobWith(core, 'Kill', VAL.map(neuImage)));
    await core.close();
  });
  afterAll(() => tmp.cleanup());

  it('is killed with some images committed and some not', async () => {
    const r = await runCli(['--data-dir', ws, 'detect', '--job', jobId], { ...env(), CHITTI_DEBUG_DETECT_DELAY_MS: '250' }, {
      onStderr: (all, kill) => {
        const m = [...all.matchAll(/\[(\d+)\/(\d+)\]/g)].pop();
        if (m && Number(m[1]) >= 3 && !killedAt) {
          killedAt = Number(m[1]);
          kill();
        }
      },
    });
    expect(r.signal).toBe('SIGKILL');
    const core = await openTestCore(ws, { create: false });
    try {
      const task = (await ok(core, 'tasks.list', {})).tasks.find((t) => t.kind === 'detect');
      expect(task).toMatchObject({ status: 'running', total: VAL.length });
      expect(task!.processed).toBeGreaterThanOrEqual(killedAt);
      expect(task!.processed).toBeLessThan(VAL.length);
    } finally {
      await core.close();
    }
  });

  it('`chitti tasks resume` finishes it, each image analysed exactly once', async () => {
    const r = await runCli(['--data-dir', ws, 'tasks', 'resume'], env());
    expect(r.stderr).not.toMatch(/unexpected/i);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`${VAL.length} analysed, 0 failed, of ${VAL.length} images`));
    expect(r.stdout).toMatch(/\d+ findings?: /);

    const core = await openTestCore(ws, { create: false });
    try {
      const perAsset = await analysesPerAsset(core, jobId);
      expect(perAsset.size).toBe(VAL.length);
      expect([...perAsset.values()].every((n) => n === 1)).toBe(true);
      const { entries } = await ok(core, 'audit.list', { limit: 1000 });
      expect(entries.filter((e) => e.action === 'analysis.created')).toHaveLength(VAL.length);
      expect(await ok(core, 'audit.verify', {})).toMatchObject({ ok: true });
    } finally {
      await core.close();
    }
  });

  it('a second `chitti detect --job` reports findings per class and exits 6 when an image fails', async () => {
    const core = await openTestCore(ws, { create: false });
    const { jobId: partial } = await jobWith(core, 'Partial', [neuImage(VAL[0]!), path.join(HOSTILE_IMAGES, 'truncated_jpeg.jpg')]);
    await core.close();
    const r = await runCli(['--data-dir', ws, 'detect', '--job', partial], env());
    expect(r.code).toBe(6);
    expect(r.stdout).toMatch(/1 analysed, 1 failed, of 2 images/);
    expect(r.stdout).toMatch(/truncated_jpeg\.jpg {2}IMAGE_UNREADABLE: /);
    const json = await runCli(['--data-dir', ws, '--json', 'detect', '--job', partial, '--model', 'no-such-model'], env());
    expect(json.code).toBe(5);
    expect(json.stderr).toMatch(/MODEL_NOT_FOUND/);
  });
});
