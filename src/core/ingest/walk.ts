import type { Dirent } from 'node:fs';
import { lstat, readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { isHousekeepingEntry } from '../../shared/housekeeping.ts';
import { ChittiError } from '../app/errors.ts';
import { displayName } from './names.ts';

export interface WalkedFile {
  source: string;
  name: string;
}

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
    if (out.length >= limit) {
      // Refused whole rather than cut short: a silently partial import would look complete.
      throw new ChittiError('INVALID_INPUT', `These folders hold more than ${limit.toLocaleString('en')} files: import them in parts.`);
    }
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
      // Camera and OS housekeeping (src/shared/housekeeping.ts) is skipped inside folders only.
      if (!isHousekeepingEntry(entry.name, entry.isDirectory())) await visit(path.join(p, entry.name));
    }
  }

  for (const p of paths) await visit(path.resolve(p));
  return out;
}
