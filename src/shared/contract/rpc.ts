import type { ErrorShape } from './errors.ts';

/** Wire shape of one call's answer on every transport (IPC, HTTP, CLI --json). */
export type RpcResult<T> = { ok: true; result: T } | { ok: false; error: ErrorShape };

/** HTTP status for each error code on the loopback transport. */
export const HTTP_STATUS: Record<ErrorShape['code'], number> = {
  UNKNOWN_PROCEDURE: 404,
  INVALID_INPUT: 400,
  UNAUTHORIZED: 401,
  NOT_FOUND: 404,
  CONFLICT: 409,
  NOT_INITIALIZED: 503,
  ALREADY_INITIALIZED: 409,
  KEY_UNAVAILABLE: 503,
  KEY_MISSING: 503,
  KEY_REJECTED: 503,
  DATABASE_TOO_NEW: 503,
  DATABASE_CORRUPT: 500,
  STORE_CORRUPT: 500,
  DISK_FULL: 507,
  INTERNAL: 500,
  NOT_AN_IMAGE: 415,
  IMAGE_UNREADABLE: 422,
  PAYLOAD_TOO_LARGE: 413,
  IMAGE_TOO_LARGE: 413,
  MODEL_NOT_FOUND: 404,
  MODEL_INVALID: 422,
  MODEL_INTEGRITY: 422,
  INFERENCE_FAILED: 500,
  SIGNING_FAILED: 422,
  DOCUMENT_UNREADABLE: 422,
  DOCUMENT_ENCRYPTED: 422,
  DOCUMENT_TOO_LARGE: 413,
  OCR_FAILED: 500,
  CHECKLIST_INVALID: 422,
  CHECKLIST_NOT_FOUND: 404,
  NOT_A_DOCUMENT: 415,
};

/** The HTTP status for an error code (`/rpc`, `/res`, `/upload`, `chitti://res`); 500 for a code outside the table. */
export function httpStatusFor(code: ErrorShape['code']): number {
  // The core is trusted, but a code outside the table must not produce `undefined` as a status.
  return Object.hasOwn(HTTP_STATUS, code) ? HTTP_STATUS[code] : 500;
}
