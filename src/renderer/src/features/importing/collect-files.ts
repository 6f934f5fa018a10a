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

async function walk(entry: EntryLike, out: ImportFile[]): Promise<void> {
  if (entry.isFile) {
    out.push({ file: await readFile(entry as FileEntryLike), relativePath: entry.fullPath.replace(/^\//, '') });
  } else if (entry.isDirectory) {
    for (const child of await readDirectory(entry as DirectoryEntryLike)) await walk(child, out);
  }
}

/**
 * Files from a drop, folders included (recursively). The core decides what
 * each file is and skips folder housekeeping; this only gathers them.
 */
export async function filesFromDrop(data: DataTransfer): Promise<ImportFile[]> {
  const entries = Array.from(data.items)
    .map((item) => (item.kind === 'file' ? (item.webkitGetAsEntry() as EntryLike | null) : null))
    .filter((e): e is EntryLike => e !== null);
  if (entries.length === 0) return filesFromInput(data.files);
  const out: ImportFile[] = [];
  for (const entry of entries) await walk(entry, out);
  return out;
}

/** Files from an <input type=file> (with `webkitdirectory`, each keeps its folder path). */
export function filesFromInput(list: FileList | null): ImportFile[] {
  return Array.from(list ?? []).map((file) => ({ file, relativePath: file.webkitRelativePath || file.name }));
}
