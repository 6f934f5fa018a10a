import type { Dirent } from 'node:fs';
import { lstat, readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { displayName } from './names.ts';

export interface WalkedFile {
  source: string;
  name: string;
}

/**
 * Housekeeping that cameras and OSes leave in folders (Finder and Explorer
 * metadata, AppleDouble `._` files, hidden system folders such as .Trashes or
 * .thumbnails). Skipped inside folders only; any other file is reported.
 */
const JUNK_FILES = new Set(['thumbs.db', 'desktop.ini', '.ds_store']);
const isJunk = (name: string, isDir: boolean) =>
  (isDir && name.startsWith('.')) || name.startsWith('._') || JUNK_FILES.has(name.toLowerCase());

/**
 * Expands the user's paths into files, recursing into folders in name order
 * (stable, so a resumed walk yields the same list). Symbolic links to folders
 * are followed once (loops are cut by real path); anything that is not a
 * folder — missing, special, unreadable — stays in the list so that the
 * import reports a specific reason for it instead of dropping it silently.
 */
export async function expandPaths(paths: readonly string[], limit = 100_000): Promise<WalkedFile[]> {
  const out: WalkedFile[] = [];
  const seenDirs = new Set<string>();

  async function visit(p: string): Promise<void> {
    if (out.length >= limit) return;
    const info = await lstat(p).catch(() => null);
    const target = info?.isSymbolicLink() ? await stat(p).catch(() => null) : info;
    if (!target?.isDirectory()) {
      out.push({ source: p, name: displayName(p) });
      return;
    }
    const real = await realpath(p).catch(() => p);
    if (seenDirs.has(real)) return;
    seenDirs.add(real);
    let entries: Dirent[];
    try {
      entries = await readdir(p, { withFileTypes: true });
    } catch {
      out.push({ source: p, name: displayName(p) }); // reported as unreadable by the import
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      if (!isJunk(entry.name, entry.isDirectory())) await visit(path.join(p, entry.name));
    }
  }

  for (const p of paths) await visit(path.resolve(p));
  return out;
}
