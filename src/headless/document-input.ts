import { readFile, stat } from 'node:fs/promises';
import { ChittiError } from '../core/app/errors.ts';
import { createOcrEngine } from '../core/ocr/index.ts';
import { createDocumentParser, type ParsedDocument } from '../core/parse/index.ts';
import { stderrLogger } from './host.ts';
import { sourceWorkers } from './workers.ts';

/**
 * The document a workspace-free command (`chitti parse`, `chitti review`) is
 * given on the command line: read from disk with errors a user can act on,
 * then parsed the same way by both, so their output agrees on one file.
 */

/** The file's bytes; a folder, a missing file or an unreadable one is a ChittiError, not a raw errno. */
export async function readDocumentFile(file: string): Promise<Uint8Array> {
  try {
    if ((await stat(file)).isDirectory()) throw new ChittiError('INVALID_INPUT', `${file} is a folder: give one document.`);
    return new Uint8Array(await readFile(file));
  } catch (e) {
    if (e instanceof ChittiError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new ChittiError('NOT_FOUND', `${file} does not exist.`);
    throw new ChittiError('INVALID_INPUT', `${file} cannot be read (${code ?? 'error'}).`);
  }
}

/**
 * Parses in a parse worker (a heap limit and a watchdog: a hostile file stops
 * the worker, not the CLI), with the local OCR engine for pages without a
 * text layer unless `ocr` is false (--no-ocr).
 */
export async function parseDocumentInWorker(bytes: Uint8Array, ocr: boolean): Promise<ParsedDocument> {
  const engine = ocr ? createOcrEngine() : null;
  const parser = createDocumentParser({ workers: sourceWorkers, logger: stderrLogger() }, { ocr: engine, concurrency: 1 });
  try {
    return await parser.parse(bytes);
  } finally {
    await parser.close();
    await engine?.close();
  }
}
