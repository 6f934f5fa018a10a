import { ChittiError } from '../app/errors.ts';

/** The error every engine reports a page it could not read with, so callers see one code whatever engine ran. */
export const ocrFailed = (why: string, cause?: unknown) => new ChittiError('OCR_FAILED', `OCR failed: ${why}.`, { cause });

/** First line of an error's message, capped: engine and runtime errors can carry stacks or whole model dumps. */
export const failureReason = (e: unknown) => (e instanceof Error ? e.message : String(e)).split('\n')[0]!.slice(0, 200);
