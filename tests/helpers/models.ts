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
