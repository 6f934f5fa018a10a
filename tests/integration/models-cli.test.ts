import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DETECTOR_ID, copyModel, testModelsDir } from '../helpers/models.ts';
import { SHARED_DATA, runCli, tempDir } from '../helpers/workspace.ts';

const image = (id: string) => path.join(SHARED_DATA, 'neu-det/images', `${id}.jpg`);

describe('chitti detect (files) and chitti models', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir());
    // No workspace: detect on files and models need none.
    env = { CHITTI_HOME: path.join(dir, 'home'), CHITTI_MODELS_DIR: testModelsDir() };
  });
  afterAll(() => cleanup());

  it('prints JSON lines in original-image pixels', async () => {
    const r = await runCli(['detect', image('scratches_100'), image('patches_105'), '--threshold', '0.2'], env);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { file: string; width: number; model: string; detections: Array<{ class: string; score: number; box: number[] }> });
    expect(lines.map((l) => path.basename(l.file))).toEqual(['scratches_100.jpg', 'patches_105.jpg']);
    for (const l of lines) {
      expect(l.width).toBe(200);
      expect(l.model).toMatch(new RegExp(`^${DETECTOR_ID}@`));
      for (const d of l.detections) {
        expect(d.score).toBeGreaterThanOrEqual(0.2);
        expect(d.box[0]).toBeGreaterThanOrEqual(0);
        expect(d.box[2]).toBeLessThanOrEqual(200);
        expect(d.box[2]).toBeGreaterThan(d.box[0]!);
      }
    }
  });

  it('writes a COCO results list to --out', async () => {
    const out = path.join(dir, 'coco.json');
    const r = await runCli(['detect', image('scratches_100'), '--format', 'coco', '--out', out, '--threshold', '0.2'], env);
    expect(r.code, r.stderr).toBe(0);
    const coco = JSON.parse(await readFile(out, 'utf8')) as Array<{ image_id: number; category_id: number; bbox: number[]; score: number }>;
    expect(coco.length).toBeGreaterThan(0);
    for (const c of coco) {
      expect(c.image_id).toBe(1);
      expect(c.category_id).toBeGreaterThanOrEqual(1);
      expect(c.category_id).toBeLessThanOrEqual(6);
      expect(c.bbox).toHaveLength(4);
    }
  });

  it('lists, describes and verifies the installed models', async () => {
    const list = await runCli(['--json', 'models', 'list'], env);
    expect(list.code, list.stderr).toBe(0);
    const { models } = JSON.parse(list.stdout) as { models: Array<{ id: string; sha256: string; licence: string }> };
    expect(models.map((m) => m.id)).toContain(DETECTOR_ID);
    const info = await runCli(['--json', 'models', 'info', DETECTOR_ID], env);
    expect(JSON.parse(info.stdout)).toMatchObject({ id: DETECTOR_ID, task: 'detect', classes: expect.arrayContaining(['scratches']) });
    const verify = await runCli(['models', 'verify', DETECTOR_ID], env);
    expect(verify.code, verify.stderr).toBe(0);
    expect(verify.stdout).toMatch(/OK \(sha256 [0-9a-f]{64}\)/);
  });

  it('exits 10 when a model file was altered, and 5 for a model that is not installed', async () => {
    const models = path.join(dir, 'altered-models');
    const copy = await copyModel(models, DETECTOR_ID);
    const onnx = await readFile(path.join(copy, 'model.onnx'));
    onnx.writeUInt8(onnx.readUInt8(100) ^ 1, 100);
    await writeFile(path.join(copy, 'model.onnx'), onnx);
    const altered = { ...env, CHITTI_MODELS_DIR: models };
    const verify = await runCli(['models', 'verify'], altered);
    expect(verify.code).toBe(10);
    expect(verify.stdout).toMatch(/MISMATCH/);
    const detect = await runCli(['detect', image('scratches_100')], altered);
    expect(detect.code).toBe(10);
    expect(detect.stderr).toMatch(/MODEL_INTEGRITY/);
    const missing = await runCli(['detect', image('scratches_100'), '--model', 'nope'], env);
    expect(missing.code).toBe(5);
    expect(missing.stderr).toMatch(/MODEL_NOT_FOUND: No model "nope"/);
  });
});
