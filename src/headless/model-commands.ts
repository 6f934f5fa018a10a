import type { Command } from 'commander';
import type { Core } from '../core/app/core-api.ts';
import { ChittiError } from '../core/app/errors.ts';
import type { InstalledModel } from '../core/inference/catalog.ts';
import { detectCommandOptions, detectFiles, type DetectOptions } from './detect-command.ts';
import { EXIT } from './exit-codes.ts';
import { table } from './format.ts';
import { headlessCatalog, headlessEngine } from './models.ts';

type Standalone = (fn: (dataDir: string, json: boolean) => Promise<number | void>) => Promise<void>;
type Run = (fn: (core: Core, opts: { json?: boolean }) => Promise<number | void>) => Promise<void>;

function metricsLine(m: InstalledModel): string {
  const metrics = m.manifest.metrics;
  const pick = (k: string) => (typeof metrics[k] === 'number' ? `${k} ${(metrics[k]).toFixed(3)}` : null);
  return ['map50', 'map50_95', 'mean_iou', 'mean_dice', 'recall_at_far'].map(pick).filter(Boolean).join(', ') || '—';
}

function describe(m: InstalledModel) {
  const { manifest: x } = m;
  return {
    id: x.id, version: x.version, task: x.task, title: x.title, classes: x.classes, origin: m.origin, dir: m.dir,
    input: x.input, tiling: x.tiling, postprocess: x.postprocess, metrics: x.metrics, training: x.training, licence: x.licence, sha256: x.sha256,
  };
}

const printOut = (json: boolean, value: unknown, human: () => string) => process.stdout.write((json ? JSON.stringify(value, null, 2) : human()) + '\n');

/** `chitti detect` and `chitti models …`. */
export function registerModelCommands(program: Command, deps: { standalone: Standalone; run: Run; detectJob?: (core: Core, jobId: string, o: DetectOptions, json: boolean) => Promise<number> }) {
  detectCommandOptions(
    program
      .command('detect [paths...]')
      .description('find defects in images (files or folders) with a local model; or run a detection job (--job)')
      .option('--job <jobId>', 'analyse the images of a job (stored as findings, audited)'),
  ).action((paths: string[], o: DetectOptions & { job?: string }) => {
    if (o.job) {
      if (!deps.detectJob) throw new ChittiError('INVALID_INPUT', '--job is not available.');
      const jobId = o.job;
      return deps.run((core, opts) => deps.detectJob!(core, jobId, o, Boolean(opts.json)));
    }
    if (paths.length === 0) throw new ChittiError('INVALID_INPUT', 'Give image files or folders, or --job ID.');
    if (o.format !== 'json' && o.format !== 'coco') throw new ChittiError('INVALID_INPUT', '--format must be json or coco.');
    return deps.standalone(async (dataDir) => {
      const engine = headlessEngine(headlessCatalog(dataDir), { workers: o.workers ? Number(o.workers) : undefined, crashOnSize: crashHook() });
      try {
        return await detectFiles(engine, paths, o);
      } finally {
        await engine.close();
      }
    });
  });

  const models = program.command('models').description('installed detection and segmentation models');
  models.command('list').description('list installed models').action(() =>
    deps.standalone(async (dataDir, json) => {
      const { models: list, problems } = await headlessCatalog(dataDir).scan();
      printOut(json, { models: list.map(describe), problems }, () =>
        [
          list.length === 0 ? 'No models installed.' : table([['ID', 'Version', 'Task', 'Classes', 'Metrics'], ...list.map((m) => [m.manifest.id, m.manifest.version, m.manifest.task, String(m.manifest.classes.length), metricsLine(m)])]),
          ...problems.map((p) => `Not usable: ${p.message}`),
        ].join('\n'),
      );
      return problems.length > 0 ? EXIT.PARTIAL : EXIT.OK;
    }),
  );
  models.command('info <id>').description('show a model\'s manifest: input, classes, thresholds, training data, metrics, licence').action((id: string) =>
    deps.standalone(async (dataDir, json) => {
      const m = await headlessCatalog(dataDir).get(id);
      printOut(json, describe(m), () => JSON.stringify(describe(m), null, 2));
    }),
  );
  models.command('verify [id]').description('recompute each model file\'s sha256 and compare it with its manifest').action((id: string | undefined) =>
    deps.standalone(async (dataDir, json) => {
      const catalog = headlessCatalog(dataDir);
      const ids = id ? [id] : (await catalog.list()).map((m) => m.manifest.id);
      const results: Array<{ id: string; ok: boolean; sha256: string; expected: string }> = [];
      for (const one of ids) {
        const r = await catalog.verify(one);
        results.push({ id: one, ok: r.ok, sha256: r.sha256, expected: r.model.manifest.sha256 });
      }
      printOut(json, results, () => results.map((r) => (r.ok ? `${r.id}: OK (sha256 ${r.sha256})` : `${r.id}: MISMATCH: file ${r.sha256}, manifest ${r.expected}`)).join('\n'));
      return results.every((r) => r.ok) ? EXIT.OK : EXIT.MODEL;
    }),
  );
}

/** Test-only fault injection (see InferenceWorkerData.crashOnSize): CHITTI_DEBUG_CRASH_ON_SIZE=WxH. */
function crashHook(): { width: number; height: number } | undefined {
  const m = /^(\d+)x(\d+)$/.exec(process.env.CHITTI_DEBUG_CRASH_ON_SIZE ?? '');
  return m ? { width: Number(m[1]), height: Number(m[2]) } : undefined;
}
