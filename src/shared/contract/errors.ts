import { z } from 'zod';

/**
 * Stable error codes. Scripts and the UI branch on these strings, so a code is
 * never renamed or reused for a different meaning; new codes are appended.
 */
export const ERROR_CODES = [
  'UNKNOWN_PROCEDURE',
  'INVALID_INPUT',
  'UNAUTHORIZED',
  'NOT_FOUND',
  'CONFLICT',
  'NOT_INITIALIZED',
  'ALREADY_INITIALIZED',
  'KEY_UNAVAILABLE',
  'KEY_MISSING',
  'KEY_REJECTED',
  'DATABASE_TOO_NEW',
  'DATABASE_CORRUPT',
  'STORE_CORRUPT',
  'DISK_FULL',
  'INTERNAL',
  'NOT_AN_IMAGE',
  'IMAGE_UNREADABLE',
  'PAYLOAD_TOO_LARGE',
  /** An image declares more pixels than Chitti decodes (a decompression bomb, or a scan beyond any real one). */
  'IMAGE_TOO_LARGE',
  /** No installed model has that id. */
  'MODEL_NOT_FOUND',
  /** A model's manifest is invalid, or its ONNX file cannot be loaded or does not have the inputs and outputs the manifest declares. */
  'MODEL_INVALID',
  /** A model's ONNX file does not have the sha256 its manifest declares: it was changed or damaged after it was installed. */
  'MODEL_INTEGRITY',
  /** The model failed while running on an image. */
  'INFERENCE_FAILED',
  /** A report could not be signed: the PKCS#12 file's passphrase is wrong, the file is not PKCS#12, or its certificate is not usable. Nothing was written. */
  'SIGNING_FAILED',
  /** A document could not be parsed at all: not a valid PDF/DOCX/RTF, damaged beyond reading, or no page can be read. */
  'DOCUMENT_UNREADABLE',
  /** A document is password-protected (encrypted); Chitti does not ask for or keep document passwords. */
  'DOCUMENT_ENCRYPTED',
  /** A document (or an archive inside it, e.g. DOCX) declares or inflates to more than Chitti reads: a decompression bomb or an absurd size. */
  'DOCUMENT_TOO_LARGE',
  /** OCR failed on a page (its engine could not run or the page image could not be made). */
  'OCR_FAILED',
  /** A checklist framework file is invalid: bad YAML, or a field that does not follow the format (the message names the path and the reason). */
  'CHECKLIST_INVALID',
  /** No checklist framework with that id is installed. */
  'CHECKLIST_NOT_FOUND',
  /** The asset is an image: the operation (parse, checklist review, page view) is for documents. */
  'NOT_A_DOCUMENT',
] as const;

export const ErrorCodeSchema = z.enum(ERROR_CODES);
export type ErrorCode = z.infer<typeof ErrorCodeSchema>;

export const ErrorShapeSchema = z.object({
  code: ErrorCodeSchema,
  message: z.string(),
});
export type ErrorShape = z.infer<typeof ErrorShapeSchema>;

/**
 * Why one file of an import batch was not imported. The batch goes on; each
 * failed file carries one of these codes and a human-readable message.
 */
export const FILE_ERROR_CODES = [
  'FILE_NOT_FOUND',
  'FILE_NOT_REGULAR',
  'FILE_UNREADABLE',
  'FILE_EMPTY',
  'FILE_TOO_LARGE',
  'FILE_UNKNOWN_TYPE',
  'FILE_TYPE_NOT_ALLOWED',
  'DISK_FULL',
  'STORE_WRITE_FAILED',
  'WORKER_CRASHED',
  /** An upload (`uploads.begin`) whose bytes never arrived: the sender went away or Chitti restarted; add the file again. */
  'UPLOAD_INTERRUPTED',
  /** Detection: the image cannot be decoded (truncated, corrupt, too many pixels, a format not supported yet). */
  'IMAGE_UNREADABLE',
  /** Detection: the asset is a document, not an image. */
  'NOT_AN_IMAGE',
  /** Detection: the model failed on this image (e.g. its worker crashed); the other images go on. */
  'INFERENCE_FAILED',
  /** Detection: the stored original is damaged or missing (it no longer matches its sha256). */
  'STORE_CORRUPT',
  /** Detection: the image declares more pixels than Chitti decodes. */
  'IMAGE_TOO_LARGE',
  /** Checklist review: the document cannot be read (damaged, not a document format Chitti parses). */
  'DOCUMENT_UNREADABLE',
  /** Checklist review: the document is password-protected. */
  'DOCUMENT_ENCRYPTED',
  /** Checklist review: the document (or an archive inside it) is too large to read: a bomb or an absurd size. */
  'DOCUMENT_TOO_LARGE',
  /** Checklist review: the asset is an image, not a document. */
  'NOT_A_DOCUMENT',
] as const;
export const FileErrorCodeSchema = z.enum(FILE_ERROR_CODES);
export type FileErrorCode = z.infer<typeof FileErrorCodeSchema>;
