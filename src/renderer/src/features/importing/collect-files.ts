import { isHousekeeping, isHousekeepingEntry } from '../../../../shared/housekeeping.ts';
import type { ImportFile } from '../../api/client.ts';

/** What the drop zone needs of a DataTransfer item (the DOM's FileSystemEntry API). */
interface EntryLike {
  isFile: boolean;
  isDirectory: boolean;
  name: string;
  fullPath: string;
}
interface FileEntryLike extends EntryLike {
  file(success: (f: File) => void, failure: (e: unknown) => void): void;
}
interface DirectoryEntryLike extends EntryLike {
  createReader(): { readEntries(success: (entries: EntryLike[]) => void, failure: (e: unknown) => void): void };
}

const readFile = (entry: FileEntryLike) => new Promise<File>((resolve, reject) => entry.file(resolve, reject));

async function readDirectory(entry: DirectoryEntryLike): Promise<EntryLike[]> {
  const reader = entry.createReader();
  const all: EntryLike[] = [];
  // readEntries returns at most ~100 entries per call: call until it returns none.
  for (;;) {
    const batch = await new Promise<EntryLike[]>((resolve, reject) => reader.readEntries(resolve, reject));
    if (batch.length === 0) return all;
    all.push(...batch);
  }
}

async function walk(entry: EntryLike, out: ImportFile[], inFolder: boolean): Promise<void> {
  // Hidden folders (.Trashes, .thumbnails, …) are not even read; the final filter below decides for files.
  if (inFolder && entry.isDirectory && isHousekeepingEntry(entry.name, true)) return;
  if (entry.isFile) {
    out.push({ file: await readFile(entry as FileEntryLike), relativePath: entry.fullPath.replace(/^\//, '') });
  } else if (entry.isDirectory) {
    for (const child of await readDirectory(entry as DirectoryEntryLike)) await walk(child, out, true);
  }
}

/**
 * Leaves out camera and OS housekeeping found inside folders (`.DS_Store`,
 * `._*`, hidden folders), by the rule the core applies to a folder import and
 * to `uploads.begin` (src/shared/housekeeping.ts). A file the user picked or
 * dropped by itself has no folder part and is always kept.
 */
const withoutHousekeeping = (files: ImportFile[]) => files.filter((f) => !isHousekeeping(f.relativePath));

/**
 * Files from a drop, folders included (recursively), less folder
 * housekeeping. The core decides what each file is.
 */
export async function filesFromDrop(data: DataTransfer): Promise<ImportFile[]> {
  const entries = Array.from(data.items)
    .map((item) => (item.kind === 'file' ? (item.webkitGetAsEntry() as EntryLike | null) : null))
    .filter((e): e is EntryLike => e !== null);
  if (entries.length === 0) return filesFromInput(data.files);
  const out: ImportFile[] = [];
  for (const entry of entries) await walk(entry, out, false);
  return withoutHousekeeping(out);
}

/** Files from an <input type=file> (with `webkitdirectory`, each keeps its folder path, and folder housekeeping is left out). */
export function filesFromInput(list: FileList | null): ImportFile[] {
  return withoutHousekeeping(Array.from(list ?? []).map((file) => ({ file, relativePath: file.webkitRelativePath || file.name })));
}
