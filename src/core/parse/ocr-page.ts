import type { PageImage } from '../ocr/types.ts';
import { pagesPhrase, reasonOf, type ParseContext } from './context.ts';
import type { ParsedPage, TextRun } from './types.ts';

export type PageText = Pick<ParsedPage, 'runs' | 'textSource' | 'ocrConfidence' | 'textLayerNote'>;

/**
 * The text of a page whose text layer cannot be used (`why` says why): read
 * by the OCR engine from a rendered image when there is one, else none. A
 * failing engine costs that page its text, not the document: the note says so.
 * `keep` are runs that are real text all the same (form field values, a
 * scan's stamped footer) and stay when OCR cannot run.
 */
export async function ocrPageText(ctx: ParseContext, why: string, image: () => Promise<PageImage>, keep: TextRun[] = []): Promise<PageText> {
  if (!ctx.ocr) return { runs: keep, textSource: 'none', textLayerNote: `${why}; not OCRed: no OCR engine is available` };
  try {
    const result = await ctx.ocr.recognize(await image());
    ctx.signal?.throwIfAborted();
    return { runs: result.runs, textSource: 'ocr', ocrConfidence: result.confidence, textLayerNote: why };
  } catch (e) {
    if (ctx.signal?.aborted) throw e;
    return { runs: keep, textSource: 'none', textLayerNote: `${why}; OCR failed: ${reasonOf(e)}` };
  }
}

/** The document's warnings about OCR, one line per outcome. */
export function ocrWarnings(pages: ParsedPage[]): string[] {
  const warnings: string[] = [];
  const ocred = pages.filter((p) => p.textSource === 'ocr').map((p) => p.page);
  const notOcred = pages.filter((p) => p.textSource === 'none' && p.textLayerNote?.includes('no OCR engine')).map((p) => p.page);
  const failed = pages.filter((p) => p.textSource === 'none' && p.textLayerNote?.includes('OCR failed'));
  const one = (pages: unknown[]) => pages.length === 1;
  if (ocred.length) {
    warnings.push(`${pagesPhrase(ocred)} had no usable text layer and ${one(ocred) ? 'was' : 'were'} read by OCR; check ${one(ocred) ? 'its' : 'their'} text against the page.`);
  }
  if (notOcred.length) {
    warnings.push(`${pagesPhrase(notOcred)} ${one(notOcred) ? 'has' : 'have'} no usable text layer and no OCR engine is available: ${one(notOcred) ? 'its' : 'their'} text is missing.`);
  }
  if (failed.length) {
    const first = failed[0]!.textLayerNote!.replace(/^.*OCR failed: /, '');
    warnings.push(`OCR failed on ${pagesPhrase(failed.map((p) => p.page))} (${first}): ${one(failed) ? 'its' : 'their'} text is missing.`);
  }
  return warnings;
}
