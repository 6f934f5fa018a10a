import type { ErrorCode, ErrorShape } from '../../shared/contract/index.ts';

/** An error the core means to show to the caller, with a stable code. */
export class ChittiError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ChittiError';
    this.code = code;
  }
}

export const isChittiError = (e: unknown): e is ChittiError => e instanceof ChittiError;

const diskFull = (e: unknown) =>
  typeof e === 'object' && e !== null && ((e as { code?: string }).code === 'ENOSPC' || (e as { code?: string }).code === 'SQLITE_FULL');

/**
 * Maps anything thrown to the wire shape. Unexpected errors become INTERNAL
 * with a generic message: their text may hold paths or data, and is logged
 * by the host instead of being sent to the caller.
 */
export function toErrorShape(e: unknown): ErrorShape {
  if (isChittiError(e)) return { code: e.code, message: e.message };
  if (diskFull(e)) return { code: 'DISK_FULL', message: 'The disk is full: free some space and try again. Nothing was lost.' };
  return { code: 'INTERNAL', message: 'An unexpected error occurred; see the log for details.' };
}
