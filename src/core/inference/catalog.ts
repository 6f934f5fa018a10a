import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { ChittiError } from '../app/errors.ts';
import { ManifestSchema, type ModelManifest } from './manifest.ts';

export const MODEL_FILE = 'model.onnx';
export const MANIFEST_FILE = 'manifest.json';

export interface InstalledModel {
  manifest: ModelManifest;
  dir: string;
  /** 'built-in' for models shipped with Chitti, 'user' for ones added to the workspace. */
  origin: 'built-in' | 'user';
  modelBytes: number;
}

export interface ModelProblem {
  dir: string;
  message: string;
}

const invalid = (dir: string, why: string) => new ChittiError('MODEL_INVALID', `The model in ${dir} cannot be used: ${why}.`);

export async function readManifest(dir: string): Promise<ModelManifest> {
  let text: string;
  try {
    text = await readFile(path.join(dir, MANIFEST_FILE), 'utf8');
  } catch {
    throw invalid(dir, `it has no readable ${MANIFEST_FILE}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw invalid(dir, `${MANIFEST_FILE} is not valid JSON`);
  }
  const parsed = ManifestSchema.safeParse(json);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw invalid(dir, `${MANIFEST_FILE} is invalid at ${first?.path.join('.') || '(root)'}: ${first?.message ?? 'unknown problem'}`);
  }
  if (parsed.data.id !== path.basename(dir)) throw invalid(dir, `its manifest id "${parsed.data.id}" differs from its folder name`);
  return parsed.data;
}

export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export function integrityError(model: { manifest: ModelManifest; dir: string }, actual: string): ChittiError {
  return new ChittiError(
    'MODEL_INTEGRITY',
    `Model ${model.manifest.id} ${model.manifest.version} was not loaded: its ${MODEL_FILE} has sha256 ${actual.slice(0, 12)}…, its manifest says ${model.manifest.sha256.slice(0, 12)}…. The file was changed or damaged; reinstall the model.`,
  );
}

/**
 * The models installed on this machine: built-in ones shipped with Chitti and
 * the workspace's own (`<data>/models`). A user model with the id of a
 * built-in one is refused rather than silently preferred.
 */
export class ModelCatalog {
  private cache: Promise<{ models: InstalledModel[]; problems: ModelProblem[] }> | null = null;

  constructor(private readonly roots: Array<{ dir: string; origin: InstalledModel['origin'] }>) {}

  /** Re-reads the folders on the next call (after a model was added). */
  refresh(): void {
    this.cache = null;
  }

  async scan(): Promise<{ models: InstalledModel[]; problems: ModelProblem[] }> {
    this.cache ??= this.read();
    return this.cache;
  }

  async list(): Promise<InstalledModel[]> {
    return (await this.scan()).models;
  }

  async get(id: string): Promise<InstalledModel> {
    const { models, problems } = await this.scan();
    const found = models.find((m) => m.manifest.id === id);
    if (found) return found;
    const broken = problems.find((p) => path.basename(p.dir) === id);
    if (broken) throw new ChittiError('MODEL_INVALID', broken.message);
    const known = models.map((m) => m.manifest.id).join(', ') || 'none';
    throw new ChittiError('MODEL_NOT_FOUND', `No model "${id}" is installed (installed: ${known}).`);
  }

  /** The first installed model for a task: the default when none is named. */
  async defaultFor(task: ModelManifest['task']): Promise<InstalledModel> {
    const m = (await this.list()).find((x) => x.manifest.task === task);
    if (!m) throw new ChittiError('MODEL_NOT_FOUND', `No ${task === 'detect' ? 'detection' : 'segmentation'} model is installed.`);
    return m;
  }

  /** Recomputes the ONNX file's sha256 and compares it with the manifest. */
  async verify(id: string): Promise<{ model: InstalledModel; sha256: string; ok: boolean }> {
    const model = await this.get(id);
    const sha256 = await sha256File(path.join(model.dir, MODEL_FILE));
    return { model, sha256, ok: sha256 === model.manifest.sha256 };
  }

  private async read() {
    const models: InstalledModel[] = [];
    const problems: ModelProblem[] = [];
    for (const root of this.roots) {
      let entries: string[];
      try {
        // Folders, and links to folders (a model kept elsewhere and linked in).
        const all = await readdir(root.dir, { withFileTypes: true });
        const isDir = async (e: (typeof all)[number]) => e.isDirectory() || (e.isSymbolicLink() && (await stat(path.join(root.dir, e.name)).then((s) => s.isDirectory(), () => false)));
        entries = (await Promise.all(all.map(async (e) => ((await isDir(e)) ? e.name : null)))).filter((n): n is string => n !== null).sort();
      } catch {
        continue; // no such folder: nothing installed there
      }
      for (const name of entries) {
        const dir = path.join(root.dir, name);
        try {
          const manifest = await readManifest(dir);
          const size = await stat(path.join(dir, MODEL_FILE)).then((s) => s.size, () => null);
          if (size === null) throw invalid(dir, `it has no ${MODEL_FILE}`);
          if (models.some((m) => m.manifest.id === manifest.id)) throw invalid(dir, `another installed model already has the id "${manifest.id}"`);
          models.push({ manifest, dir, origin: root.origin, modelBytes: size });
        } catch (e) {
          problems.push({ dir, message: e instanceof Error ? e.message : String(e) });
        }
      }
    }
    return { models, problems };
  }
}
