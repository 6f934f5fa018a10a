import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ChittiError, isChittiError } from '../app/errors.ts';
import { MAX_FRAMEWORK_BYTES, parseFramework, type Framework } from './framework.ts';

/** The frameworks shipped with Chitti. */
export const BUILT_IN_CHECKLISTS = fileURLToPath(new URL('../../../resources/checklists', import.meta.url));

export type FrameworkOrigin = 'builtin' | 'user' | 'file';

export interface LoadedFramework extends Framework {
  origin: FrameworkOrigin;
  /** The file it was read from. */
  file: string;
}

export interface FrameworkSummary {
  id: string;
  version: string;
  title: string;
  description?: string;
  origin: 'builtin' | 'user';
  itemCount: number;
  file: string;
}

export interface FrameworkProblem {
  file: string;
  message: string;
}

export interface ChecklistRegistryOptions {
  /** Built-in frameworks; default resources/checklists. */
  builtinDir?: string;
  /** The user's own frameworks, e.g. `<workspace>/checklists`; absent or missing folder = none. */
  userDir?: string | null;
}

const isFrameworkFile = (name: string) => /\.ya?ml$/i.test(name) && !name.startsWith('.');

/** Reads one framework file, refusing what is not a small regular file. */
export async function loadFrameworkFile(file: string): Promise<Framework> {
  const shown = path.basename(file);
  let info;
  try {
    info = await stat(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new ChittiError('CHECKLIST_NOT_FOUND', `No checklist file at ${file}.`);
    throw new ChittiError('CHECKLIST_INVALID', `${shown}: the file cannot be read (${code ?? 'error'}).`);
  }
  if (!info.isFile()) throw new ChittiError('CHECKLIST_INVALID', `${shown}: not a file.`);
  if (info.size > MAX_FRAMEWORK_BYTES) throw new ChittiError('CHECKLIST_INVALID', `${shown}: the file is larger than ${MAX_FRAMEWORK_BYTES / 1024} KB; a framework is a short list of items.`);
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (e) {
    throw new ChittiError('CHECKLIST_INVALID', `${shown}: the file cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'}).`);
  }
  const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
  if (text.includes('\uFFFD')) throw new ChittiError('CHECKLIST_INVALID', `${shown}: not UTF-8 text.`);
  return parseFramework(text.replace(/^\uFEFF/, ''), shown);
}

/**
 * Built-in frameworks plus the user's folder. A user file with the id of a
 * built-in one replaces it (an organisation can pin its own version); two
 * user files with one id are both refused, since results record the id and
 * could not say which file they came from. Files are re-read on every call,
 * so a framework dropped into the folder is seen without a restart.
 */
export class ChecklistRegistry {
  private readonly builtinDir: string;
  private readonly userDir: string | null;

  constructor(options: ChecklistRegistryOptions = {}) {
    this.builtinDir = options.builtinDir ?? BUILT_IN_CHECKLISTS;
    this.userDir = options.userDir ?? null;
  }

  /** Every usable framework, and why each unusable file was refused. */
  async list(): Promise<{ frameworks: FrameworkSummary[]; problems: FrameworkProblem[] }> {
    const { byId, problems } = await this.scan();
    const frameworks = [...byId.values()].map((f) => ({
      id: f.id, version: f.version, title: f.title, ...(f.description ? { description: f.description.trim() } : {}),
      origin: f.origin as 'builtin' | 'user', itemCount: f.items.length, file: f.file,
    }));
    return { frameworks: frameworks.sort((a, b) => a.id.localeCompare(b.id)), problems };
  }

  /**
   * A framework by id (user folder first, then built-in) or by path (anything
   * with a path separator or a .yaml/.yml extension, resolved from `cwd`).
   */
  async get(idOrPath: string, cwd = process.cwd()): Promise<LoadedFramework> {
    if (looksLikePath(idOrPath)) {
      const file = path.resolve(cwd, idOrPath);
      return { ...(await loadFrameworkFile(file)), origin: 'file', file };
    }
    const { byId, problems, conflicts } = await this.scan();
    const conflict = conflicts.get(idOrPath);
    if (conflict) throw new ChittiError('CHECKLIST_INVALID', conflict);
    const found = byId.get(idOrPath);
    if (found) return found;
    const known = [...byId.keys()].sort();
    const broken = problems.length ? ` ${problems.length} file${problems.length === 1 ? ' was' : 's were'} refused: ${problems.map((p) => `${path.basename(p.file)} (${p.message})`).join('; ')}.` : '';
    throw new ChittiError('CHECKLIST_NOT_FOUND', `No checklist framework "${idOrPath}". Installed: ${known.length ? known.join(', ') : 'none'}.${broken}`);
  }

  private async scan(): Promise<{ byId: Map<string, LoadedFramework>; problems: FrameworkProblem[]; conflicts: Map<string, string> }> {
    const byId = new Map<string, LoadedFramework>();
    const problems: FrameworkProblem[] = [];
    const conflicts = new Map<string, string>();
    for (const f of await this.readDir(this.builtinDir, 'builtin', problems)) byId.set(f.id, f);
    const user = await this.readDir(this.userDir, 'user', problems);
    const userIds = new Map<string, string>();
    for (const f of user) {
      const other = userIds.get(f.id);
      if (other) {
        const message = `Two files in ${this.userDir} declare the framework id "${f.id}": ${path.basename(other)} and ${path.basename(f.file)}. Give each its own id.`;
        conflicts.set(f.id, message);
        problems.push({ file: f.file, message });
        byId.delete(f.id);
        continue;
      }
      userIds.set(f.id, f.file);
      byId.set(f.id, f);
    }
    return { byId, problems, conflicts };
  }

  private async readDir(dir: string | null, origin: 'builtin' | 'user', problems: FrameworkProblem[]): Promise<LoadedFramework[]> {
    if (!dir) return [];
    let names: string[];
    try {
      names = (await readdir(dir)).filter(isFrameworkFile).sort();
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      problems.push({ file: dir, message: `the folder cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'})` });
      return [];
    }
    const out: LoadedFramework[] = [];
    for (const name of names) {
      const file = path.join(dir, name);
      try {
        out.push({ ...(await loadFrameworkFile(file)), origin, file });
      } catch (e) {
        if (!isChittiError(e)) throw e;
        problems.push({ file, message: e.message });
      }
    }
    return out;
  }
}

function looksLikePath(s: string): boolean {
  return s.includes('/') || s.includes('\\') || /\.ya?ml$/i.test(s);
}
