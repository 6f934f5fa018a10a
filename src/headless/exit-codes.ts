import type { ErrorCode } from '../shared/contract/index.ts';

/** Exit codes scripts can rely on; documented in README.md. */
export const EXIT = {
  OK: 0,
  FAILURE: 1,
  USAGE: 2,
  NOT_INITIALIZED: 3,
  KEY: 4,
  NOT_FOUND: 5,
  PARTIAL: 6,
  AUDIT_FAILED: 7,
  CONFLICT: 8,
  DISK_FULL: 9,
  /** The model is damaged, altered (sha256) or not usable: reinstall it. */
  MODEL: 10,
  /** A report could not be signed (wrong passphrase, not a PKCS#12 file, certificate not valid now). */
  SIGNING: 11,
  /** A document cannot be read: damaged, encrypted, or refused as a bomb. */
  DOCUMENT: 12,
  /** A checklist framework file is invalid. */
  CHECKLIST: 13,
  INTERRUPTED: 130,
} as const;

export function exitCodeFor(code: ErrorCode): number {
  switch (code) {
    case 'INVALID_INPUT':
    case 'UNKNOWN_PROCEDURE':
      return EXIT.USAGE;
    case 'NOT_INITIALIZED':
    case 'ALREADY_INITIALIZED':
    case 'DATABASE_TOO_NEW':
      return EXIT.NOT_INITIALIZED;
    case 'KEY_UNAVAILABLE':
    case 'KEY_MISSING':
    case 'KEY_REJECTED':
      return EXIT.KEY;
    case 'NOT_FOUND':
    case 'MODEL_NOT_FOUND':
    case 'CHECKLIST_NOT_FOUND':
      return EXIT.NOT_FOUND;
    case 'MODEL_INVALID':
    case 'MODEL_INTEGRITY':
      return EXIT.MODEL;
    case 'CONFLICT':
      return EXIT.CONFLICT;
    case 'DISK_FULL':
      return EXIT.DISK_FULL;
    case 'SIGNING_FAILED':
      return EXIT.SIGNING;
    case 'DOCUMENT_UNREADABLE':
    case 'DOCUMENT_ENCRYPTED':
    case 'DOCUMENT_TOO_LARGE':
      return EXIT.DOCUMENT;
    case 'CHECKLIST_INVALID':
      return EXIT.CHECKLIST;
    default:
      return EXIT.FAILURE;
  }
}
