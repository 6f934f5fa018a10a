/**
 * Housekeeping that cameras and operating systems leave in folders: Finder and
 * Explorer metadata (`.DS_Store`, `Thumbs.db`, `desktop.ini`), AppleDouble
 * `._*` files, and hidden system folders (`.Trashes`, `.Spotlight-V100`,
 * `.thumbnails`, …) with everything in them. An import skips it inside the
 * folders the user gives; a file or folder the user names (picks, drops or
 * types) is never skipped, so that it gets a reason if it is not imported.
 *
 * One rule for every way in: `chitti import` (src/core/ingest/walk.ts), the
 * browser's folder drop and picker (the renderer's collect-files.ts), and
 * `uploads.begin`, which drops such files before numbering its items so that
 * the renderer, applying the same function to the names it declares, sends
 * each file to the item number the core gave it.
 */

const JUNK_FILES = new Set(['thumbs.db', 'desktop.ini', '.ds_store']);

/** One entry found inside a folder: a hidden folder, an AppleDouble `._` entry, or OS metadata. */
export function isHousekeepingEntry(name: string, isDirectory: boolean): boolean {
  return (isDirectory && name.startsWith('.')) || name.startsWith('._') || JUNK_FILES.has(name.toLowerCase());
}

/**
 * Whether a file found in a folder the user gave is housekeeping, from its
 * `/`-separated path starting with that folder's name, as a browser gives it
 * (`webkitRelativePath`, a dropped entry's `fullPath`): `DCIM/.DS_Store`,
 * `CARD/.Trashes/501/IMG_1.jpg` and `DCIM/._IMG_1.jpg` are; `DCIM/IMG_1.jpg`
 * is not. The first segment is the folder the user chose and is kept whatever
 * its name; a path without a folder part is a file chosen by itself and is
 * never housekeeping.
 */
export function isHousekeeping(relativePath: string): boolean {
  const segments = relativePath.split('/').filter((s) => s !== '');
  const last = segments.length - 1;
  if (last < 1) return false;
  for (let i = 1; i < last; i++) if (isHousekeepingEntry(segments[i]!, true)) return true;
  return isHousekeepingEntry(segments[last]!, false);
}
