import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { REPO } from './workspace.ts';

/**
 * Where tests find installed models: `CHITTI_MODELS_DIR` when set (a model
 * being evaluated), otherwise the repository's models/ folder (the built-in
 * ones). Fails loudly when there is none, rather than skipping.
 */
export function testModelsDir(): string {
  const dir = process.env.CHITTI_MODELS_DIR ? path.resolve(process.env.CHITTI_MODELS_DIR) : path.join(REPO, 'models');
  const models = existsSync(dir) ? readdirSync(dir).filter((d) => existsSync(path.join(dir, d, 'manifest.json'))) : [];
  if (models.length === 0) throw new Error(`No model in ${dir}: these tests need one (set CHITTI_MODELS_DIR to a folder of models).`);
  return dir;
}

/** NEU-DET validation images (steel surface defects), all 200×200 grey JPEGs. */
export const NEU_IMAGES = path.resolve(REPO, '../shared/data/neu-det/images');
export const neuImage = (id: string) => path.join(NEU_IMAGES, `${id}.jpg`);
export const HOSTILE_IMAGES = path.resolve(REPO, '../shared/data/hostile/image');

export const DETECTOR_ID = 'neu-det-fcos-mnv2';
export const SEGMENTER_ID = 'magnetic-tile-seg-mnv2';

/** Copies a shipped model into `root/<newId>` (optionally with a changed manifest), for tests that damage it. */
export async function copyModel(
  root: string, id: string, newId = id, edit: (manifest: Record<string, unknown>) => void = () => {},
): Promise<string> {
  const from = path.join(testModelsDir(), id);
  const to = path.join(root, newId);
  await mkdir(to, { recursive: true });
  await copyFile(path.join(from, 'model.onnx'), path.join(to, 'model.onnx'));
  const manifest = JSON.parse(await readFile(path.join(from, 'manifest.json'), 'utf8')) as Record<string, unknown>;
  manifest.id = newId;
  edit(manifest);
  await writeFile(path.join(to, 'manifest.json'), JSON.stringify(manifest));
  return to;
}
