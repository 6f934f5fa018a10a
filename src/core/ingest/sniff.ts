import { fileTypeFromBuffer } from 'file-type';

/**
 * Content sniffing for imported files. The type of a file is decided by its
 * leading bytes, never by its name: the name only earns a remark
 * (`mislabelNote`) when it disagrees with the content.
 *
 * Accepted (kind 'image'): JPEG, PNG, TIFF (classic II/MM and BigTIFF), DICOM
 * (DICONDE) and binary PGM (P5). Accepted (kind 'document'): PDF, DOCX, RTF
 * and plain text (UTF-8, or UTF-16 with a byte-order mark). Everything that is
 * recognised but not an inspection file is refused with FILE_TYPE_NOT_ALLOWED
 * and a message naming what it is; everything else is FILE_UNKNOWN_TYPE.
 *
 * Sniffing is not validation: a truncated PNG or a PDF with a broken xref is
 * still a PNG or a PDF here, and decoders judge the rest later. Nothing is
 * inflated here except what `file-type` does itself to read an OOXML
 * package's `[Content_Types].xml` (it caps that at 1 MiB per entry).
 *
 * Polyglots (one file that is valid as two formats) are judged by their
 * LEADING magic, i.e. by what the bytes at offset 0 say, because that is the
 * format that readers keyed on the start of the file will use: a JPEG that is
 * also an MP3 is a JPEG, an HTML page that hides a PDF after its first tags is
 * HTML (refused). The exceptions are the formats whose signature is defined
 * at an offset by their own specification:
 *  - DICOM: 'DICM' at offset 128 wins over whatever the 128-byte preamble
 *    holds. PS3.10 §7.1 reserves the preamble for exactly this dual use (the
 *    pydicom samples CT_small/MR_small carry a TIFF header there), and a
 *    4-byte fixed-offset marker after a reserved preamble is the stronger
 *    signal.
 *  - PDF: readers (pdf.js, Acrobat, poppler) look for '%PDF-' anywhere in the
 *    first 1024 bytes, so a file whose start matches no other format but has
 *    the PDF header there is a PDF (e.g. the SNES/Mega Drive ROM + PDF
 *    polyglot). A PDF header after a recognised leading format does not count.
 *
 * Weak signatures: `file-type` names some formats from two or three printable
 * bytes ('BM' → BMP, 'MZ' → EXE, 'FORM' → AIFF, 'ID3' → MP3, …), and reads a
 * UTF-16LE byte-order mark as MPEG audio. A real file of such a binary format
 * never has a head that is entirely clean text, so when the whole head passes
 * the text test the text reading wins over a binary verdict.
 */

export interface SniffOk {
  ok: true;
  mime: string;
  kind: 'image' | 'document';
  /** e.g. 'PDF document', 'TIFF image' */
  label: string;
  /** usual extensions, lower case, without dot */
  extensions: string[];
}

export interface SniffRefused {
  ok: false;
  code: 'FILE_UNKNOWN_TYPE' | 'FILE_TYPE_NOT_ALLOWED';
  message: string;
}

/**
 * How many leading bytes the caller must pass (or the whole file, if it is
 * shorter). `file-type` needs about 4100 bytes for most formats, but it reads
 * further for two that matter here: a TIFF whose first IFD lies past 4 KiB
 * (12in16bit.tif has it at byte 20008) and a ZIP, where OOXML detection walks
 * the leading local entries. Word writes `[Content_Types].xml` first, so a
 * DOCX is settled within a few KiB; packages whose first entries are larger
 * than this (a big embedded image ahead of the XML parts) fall back to the
 * entry names seen within it, and to "a ZIP archive" when no part is seen.
 * 64 KiB is one cheap read and covers both with a wide margin.
 *
 * A head of SNIFF_BYTES or more is taken to be cut from a longer file (so a
 * multi-byte character split at its end does not make text invalid); a
 * shorter head is taken to be the whole file.
 */
export const SNIFF_BYTES = 65536;

interface Accepted {
  mime: string;
  kind: 'image' | 'document';
  label: string;
  /** the label with its article, for sentences */
  phrase: string;
  extensions: string[];
}

const JPEG: Accepted = { mime: 'image/jpeg', kind: 'image', label: 'JPEG image', phrase: 'a JPEG image', extensions: ['jpg', 'jpeg', 'jpe', 'jfif'] };
const PNG: Accepted = { mime: 'image/png', kind: 'image', label: 'PNG image', phrase: 'a PNG image', extensions: ['png'] };
const TIFF: Accepted = { mime: 'image/tiff', kind: 'image', label: 'TIFF image', phrase: 'a TIFF image', extensions: ['tif', 'tiff'] };
const DICOM: Accepted = { mime: 'application/dicom', kind: 'image', label: 'DICOM image', phrase: 'a DICOM image', extensions: ['dcm', 'dicom', 'dic'] };
const PGM: Accepted = { mime: 'image/x-portable-graymap', kind: 'image', label: 'PGM image', phrase: 'a PGM image', extensions: ['pgm', 'pnm'] };
const PDF: Accepted = { mime: 'application/pdf', kind: 'document', label: 'PDF document', phrase: 'a PDF document', extensions: ['pdf'] };
const DOCX: Accepted = {
  mime: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  kind: 'document',
  label: 'Word document (DOCX)',
  phrase: 'a Word document (DOCX)',
  extensions: ['docx'],
};
const RTF: Accepted = { mime: 'application/rtf', kind: 'document', label: 'RTF document', phrase: 'an RTF document', extensions: ['rtf'] };
const TEXT: Accepted = {
  mime: 'text/plain',
  kind: 'document',
  label: 'plain text',
  phrase: 'plain text',
  extensions: ['txt', 'text', 'log', 'md', 'markdown', 'csv', 'tsv', 'xml', 'json', 'ini', 'cfg', 'conf', 'yaml', 'yml', 'nfo', 'asc'],
};

const ACCEPTED_BY_MIME = new Map<string, Accepted>([JPEG, PNG, TIFF, DICOM, PGM, PDF, DOCX, RTF, TEXT].map((a) => [a.mime, a]));

function ok(a: Accepted): SniffOk {
  return { ok: true, mime: a.mime, kind: a.kind, label: a.label, extensions: [...a.extensions] };
}

const UNKNOWN_MESSAGE = 'content is not a recognised inspection file type';

function unknown(message = UNKNOWN_MESSAGE): SniffRefused {
  return { ok: false, code: 'FILE_UNKNOWN_TYPE', message };
}

function refused(message: string): SniffRefused {
  return { ok: false, code: 'FILE_TYPE_NOT_ALLOWED', message };
}

// ---------------------------------------------------------------------------
// Refusal messages for recognised, not allowed formats (file-type's `ext`).

const IMAGE_NAMES: Record<string, string> = {
  gif: 'GIF', webp: 'WebP', bmp: 'BMP', heic: 'HEIC', avif: 'AVIF', jxl: 'JPEG XL', jp2: 'JPEG 2000', j2c: 'JPEG 2000',
  jpx: 'JPEG 2000', jpm: 'JPEG 2000', mj2: 'Motion JPEG 2000', jls: 'JPEG-LS', jxr: 'JPEG XR', ico: 'icon (ICO)', cur: 'cursor (CUR)',
  icns: 'Apple icon (ICNS)', psd: 'Photoshop (PSD)', xcf: 'GIMP (XCF)', flif: 'FLIF', bpg: 'BPG', ktx: 'KTX texture', apng: 'APNG',
};
const RAW_NAMES = new Set(['cr2', 'cr3', 'orf', 'arw', 'dng', 'nef', 'rw2', 'raf']);
const ARCHIVE_NAMES: Record<string, string> = {
  zip: 'a ZIP archive', tar: 'a TAR archive', 'tar.gz': 'a compressed TAR archive', rar: 'a RAR archive', gz: 'a gzip archive',
  bz2: 'a bzip2 archive', '7z': 'a 7-Zip archive', xz: 'an XZ archive', zst: 'a Zstandard archive', lz: 'an lzip archive',
  lz4: 'an LZ4 archive', lzh: 'an LZH archive', Z: 'a compress (.Z) archive', cab: 'a CAB archive', arj: 'an ARJ archive',
  cpio: 'a cpio archive', ace: 'an ACE archive', ar: 'an ar archive', deb: 'a Debian package', rpm: 'an RPM package',
  dmg: 'a disk image (DMG)', apk: 'an Android package (APK)', jar: 'a Java archive (JAR)', xpi: 'a browser extension (XPI)',
  crx: 'a browser extension (CRX)', asar: 'an Electron archive (ASAR)',
};
const EXECUTABLE_NAMES: Record<string, string> = {
  elf: 'ELF', exe: 'Windows PE', macho: 'Mach-O', wasm: 'WebAssembly', class: 'Java class', swf: 'Flash',
};
const OFFICE_NAMES: Record<string, string> = {
  xlsx: 'an XLSX spreadsheet', xlsm: 'a macro-enabled Excel workbook (XLSM)', xltx: 'an Excel template (XLTX)',
  xltm: 'a macro-enabled Excel template (XLTM)', pptx: 'a PPTX presentation', pptm: 'a macro-enabled PowerPoint presentation (PPTM)',
  ppsx: 'a PowerPoint show (PPSX)', ppsm: 'a macro-enabled PowerPoint show (PPSM)', potx: 'a PowerPoint template (POTX)',
  potm: 'a macro-enabled PowerPoint template (POTM)', docm: 'a macro-enabled Word document (DOCM)', dotx: 'a Word template (DOTX)',
  dotm: 'a macro-enabled Word template (DOTM)', vsdx: 'a Visio drawing (VSDX)', odt: 'an OpenDocument text (ODT)',
  ott: 'an OpenDocument text template (OTT)', ods: 'an OpenDocument spreadsheet (ODS)', ots: 'an OpenDocument spreadsheet template (OTS)',
  odp: 'an OpenDocument presentation (ODP)', otp: 'an OpenDocument presentation template (OTP)', odg: 'an OpenDocument drawing (ODG)',
  otg: 'an OpenDocument drawing template (OTG)', cfb: 'a legacy Microsoft Office / OLE2 file (DOC, XLS, PPT, MSG)',
  epub: 'an EPUB e-book', mobi: 'a Mobipocket e-book', chm: 'a compiled HTML help file (CHM)', pst: 'an Outlook mailbox (PST)',
  '3mf': 'a 3D model (3MF)',
};
const TEXT_FORMAT_NAMES: Record<string, string> = {
  ps: 'a PostScript file', eps: 'an EPS file', ics: 'an iCalendar file', vcf: 'a vCard file', vtt: 'a WebVTT subtitle file',
  pgp: 'a PGP file', reg: 'a Windows registry file',
};

/** Formats whose `file-type` verdict comes from text signatures: a clean-text head does not overrule them. */
const TEXTUAL_EXTS = new Set(['pdf', 'rtf', 'xml', ...Object.keys(TEXT_FORMAT_NAMES)]);

function describeRefusal(ext: string, mime: string): string {
  const image = IMAGE_NAMES[ext];
  if (image) return `${image} images are not accepted (use PNG, JPEG, TIFF, PGM or DICOM)`;
  if (RAW_NAMES.has(ext)) return `camera raw files (${ext.toUpperCase()}) are not accepted; export the image as TIFF or JPEG`;
  const archive = ARCHIVE_NAMES[ext];
  if (archive) return `${archive} is not an inspection file; unpack it and import the files inside`;
  const exe = EXECUTABLE_NAMES[ext];
  if (exe) return `an executable program (${exe}) is not an inspection file`;
  const office = OFFICE_NAMES[ext];
  if (office) return `${office} is not an inspection file; save it as PDF or DOCX`;
  const textFormat = TEXT_FORMAT_NAMES[ext];
  if (textFormat) return `${textFormat} is not an inspection file`;
  const name = ext.toUpperCase();
  if (mime.startsWith('image/')) return `${name} images are not accepted (use PNG, JPEG, TIFF, PGM or DICOM)`;
  if (mime.startsWith('audio/')) return `${name} audio is not an inspection file`;
  if (mime.startsWith('video/')) return `${name} video is not an inspection file`;
  if (mime.startsWith('font/') || ['eot', 'ttc'].includes(ext)) return `a font file (${name}) is not an inspection file`;
  if (mime.startsWith('model/')) return `a 3D model (${name}) is not an inspection file`;
  return `${name} content (${mime}) is not an inspection file`;
}

// ---------------------------------------------------------------------------
// Byte helpers.

const u16le = (b: Uint8Array, o: number): number => (b[o] ?? 0) | ((b[o + 1] ?? 0) << 8);
const u16be = (b: Uint8Array, o: number): number => ((b[o] ?? 0) << 8) | (b[o + 1] ?? 0);
const u32le = (b: Uint8Array, o: number): number => u16le(b, o) + u16le(b, o + 2) * 0x10000;

function startsWith(b: Uint8Array, sig: readonly number[], offset = 0): boolean {
  if (b.length < offset + sig.length) return false;
  return sig.every((v, i) => b[offset + i] === v);
}

function ascii(s: string): number[] {
  return [...s].map((c) => c.charCodeAt(0));
}

function indexOfBytes(b: Uint8Array, sig: readonly number[], from: number, to: number): number {
  const end = Math.min(to, b.length - sig.length);
  outer: for (let i = from; i <= end; i++) {
    for (let j = 0; j < sig.length; j++) if (b[i + j] !== sig[j]) continue outer;
    return i;
  }
  return -1;
}

// ---------------------------------------------------------------------------
// Text.

interface DecodedText {
  text: string;
  encoding: 'utf-8' | 'utf-16le' | 'utf-16be';
}

function decodeStrict(bytes: Uint8Array, encoding: 'utf-8' | 'utf-16le'): string | null {
  try {
    return new TextDecoder(encoding, { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return null;
  }
}

/** Where to cut a head that ends inside a multi-byte UTF-8 sequence (its length if it does not). */
function utf8CompleteLength(b: Uint8Array): number {
  for (let back = 1; back <= Math.min(4, b.length); back++) {
    const i = b.length - back;
    const c = b[i] ?? 0;
    if ((c & 0xc0) === 0x80) continue; // continuation byte: look further back
    const need = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
    return need > back ? i : b.length;
  }
  return b.length;
}

/**
 * Decodes the head as UTF-8 (optional BOM) or, with a BOM, UTF-16LE/BE.
 * Invalid sequences fail the decode; a sequence cut by the end of a
 * truncated head is dropped first.
 */
function decodeText(head: Uint8Array, truncated: boolean): DecodedText | null {
  if (startsWith(head, [0xff, 0xfe]) || startsWith(head, [0xfe, 0xff])) {
    const bigEndian = head[0] === 0xfe;
    let body = head.subarray(2);
    if (truncated) {
      body = body.subarray(0, body.length & ~1);
      const last = body.length >= 2 ? (bigEndian ? u16be(body, body.length - 2) : u16le(body, body.length - 2)) : 0;
      if (last >= 0xd800 && last <= 0xdbff) body = body.subarray(0, body.length - 2); // split surrogate pair
    }
    if (bigEndian) {
      // Swap to little-endian: TextDecoder's 'utf-16be' needs full ICU, which not every Node/Electron build has.
      const swapped = new Uint8Array(body.length);
      for (let i = 0; i + 1 < body.length; i += 2) {
        swapped[i] = body[i + 1] ?? 0;
        swapped[i + 1] = body[i] ?? 0;
      }
      if (body.length % 2 === 1) swapped[body.length - 1] = body[body.length - 1] ?? 0;
      body = swapped;
    }
    const text = decodeStrict(body, 'utf-16le');
    return text === null ? null : { text, encoding: bigEndian ? 'utf-16be' : 'utf-16le' };
  }
  let body = startsWith(head, [0xef, 0xbb, 0xbf]) ? head.subarray(3) : head;
  if (truncated) body = body.subarray(0, utf8CompleteLength(body));
  const text = decodeStrict(body, 'utf-8');
  return text === null ? null : { text, encoding: 'utf-8' };
}

/**
 * "Mostly printable": no NUL at all, and at most 1% of the characters are
 * control characters other than tab, line feed, vertical tab, form feed,
 * carriage return and SUB (the DOS end-of-file mark). C1 controls count as
 * control characters.
 */
function isMostlyPrintable(text: string): boolean {
  let bad = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0) return false;
    if ((c < 0x20 && !(c >= 0x09 && c <= 0x0d) && c !== 0x1a) || (c >= 0x7f && c <= 0x9f)) bad++;
  }
  return bad * 100 <= text.length;
}

/** The head read as clean text, or null. */
function readCleanText(head: Uint8Array, truncated: boolean): DecodedText | null {
  const decoded = decodeText(head, truncated);
  return decoded !== null && isMostlyPrintable(decoded.text) ? decoded : null;
}

/** Elements that make a markup file HTML (WHATWG MIME sniffing's list, plus a few more). */
const HTML_ELEMENTS = new Set([
  'html', 'head', 'body', 'script', 'iframe', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'div', 'font', 'table', 'a', 'style', 'title',
  'b', 'br', 'p', 'meta', 'link', 'form', 'img', 'span', 'object', 'embed', 'frameset', 'frame', 'base', 'template', 'math',
]);

type Markup = 'html' | 'svg' | 'other';

/**
 * For text that starts (after BOM and whitespace) with '<': skips the XML
 * declaration, processing instructions, comments and the doctype, and
 * judges by the doctype or the root element. Unclosed prolog constructs end
 * the scan ('other').
 */
function classifyMarkup(text: string): Markup {
  let s = text.replace(/^[\ufeff\s]+/, '');
  for (let guard = 0; guard < 1000 && s.startsWith('<'); guard++) {
    if (s.startsWith('<?')) {
      const end = s.indexOf('?>');
      if (end < 0) return 'other';
      s = s.slice(end + 2).trimStart();
    } else if (s.startsWith('<!--')) {
      const end = s.indexOf('-->', 4);
      if (end < 0) return 'other';
      s = s.slice(end + 3).trimStart();
    } else if (/^<!doctype\s/i.test(s)) {
      const name = /^<!doctype\s+([^\s>[]+)/i.exec(s)?.[1]?.toLowerCase() ?? '';
      if (name === 'html') return 'html';
      if (name === 'svg' || name.endsWith(':svg')) return 'svg';
      const end = doctypeEnd(s);
      if (end < 0) return 'other';
      s = s.slice(end).trimStart();
    } else {
      const name = /^<([A-Za-z][\w.:-]*)/.exec(s)?.[1]?.toLowerCase();
      if (name === undefined) return 'other';
      const local = name.includes(':') ? name.slice(name.lastIndexOf(':') + 1) : name;
      if (local === 'svg') return 'svg';
      if (HTML_ELEMENTS.has(local)) return 'html';
      return 'other';
    }
  }
  return 'other';
}

/** Index just past a doctype declaration, allowing an internal subset in [...]; -1 if it does not end. */
function doctypeEnd(s: string): number {
  let inSubset = false;
  let quote = '';
  for (let i = 9; i < s.length; i++) {
    const c = s[i];
    if (quote) {
      if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '[') inSubset = true;
    else if (c === ']') inSubset = false;
    else if (c === '>' && !inSubset) return i + 1;
  }
  return -1;
}

/** Judges clean text: RTF, HTML / SVG (refused), or plain text. */
function judgeText(decoded: DecodedText): SniffOk | SniffRefused {
  const s = decoded.text.replace(/^[\ufeff\s]+/, '');
  if (s.startsWith('{\\rtf') && decoded.encoding === 'utf-8') return ok(RTF);
  if (s.startsWith('<')) {
    const markup = classifyMarkup(s);
    if (markup === 'html') return refused('HTML pages are not accepted (they can carry scripts); save the page as PDF');
    if (markup === 'svg') return refused('SVG images are not accepted (they can carry scripts); export the drawing as PNG');
  }
  return ok(TEXT);
}

/**
 * Text in a legacy 8-bit code page (Windows-1252, ISO-8859-x): no NUL or
 * stray controls, mostly ASCII, some bytes >= 0x80 that are not UTF-8.
 */
function looksLikeLegacyText(head: Uint8Array): boolean {
  let high = 0;
  for (const c of head) {
    if (c === 0) return false;
    if (c < 0x20 && !(c >= 0x09 && c <= 0x0d) && c !== 0x1a) return false;
    if (c >= 0x80) high++;
  }
  return head.length > 0 && high * 10 <= head.length;
}

// ---------------------------------------------------------------------------
// Formats file-type does not know or misses.

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Classic TIFF ('II*\0', 'MM\0*') or BigTIFF ('II+\0' / 'MM\0+' with offset size 8). */
function isTiffHeader(b: Uint8Array): boolean {
  if (startsWith(b, [0x49, 0x49, 0x2a, 0x00]) || startsWith(b, [0x4d, 0x4d, 0x00, 0x2a])) return true;
  if (startsWith(b, [0x49, 0x49, 0x2b, 0x00, 0x08, 0x00, 0x00, 0x00])) return true;
  return startsWith(b, [0x4d, 0x4d, 0x00, 0x2b, 0x00, 0x08, 0x00, 0x00]);
}

type Netpbm = 'P1' | 'P2' | 'P3' | 'P4' | 'P5' | 'P6' | 'P7';

/**
 * A Netpbm header: 'P1'..'P6', whitespace, then width, height and (except
 * for bitmaps) maxval as decimal numbers separated by whitespace or
 * '#' comments, and one whitespace byte before the raster. 'P7' (PAM) only
 * needs its magic line and a WIDTH/HEIGHT/DEPTH/MAXVAL/TUPLTYPE keyword.
 */
function netpbmMagic(b: Uint8Array): Netpbm | null {
  if (b[0] !== 0x50) return null;
  const digit = b[1] ?? 0;
  if (digit < 0x31 || digit > 0x37) return null;
  const magic = `P${String.fromCharCode(digit)}` as Netpbm;
  const isSpace = (c: number | undefined) => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d || c === 0x0b || c === 0x0c;
  if (!isSpace(b[2])) return null;
  if (magic === 'P7') {
    const line = new TextDecoder('latin1').decode(b.subarray(3, 64));
    return /^\s*(WIDTH|HEIGHT|DEPTH|MAXVAL|TUPLTYPE|#)/.test(line) ? magic : null;
  }
  const wanted = magic === 'P1' || magic === 'P4' ? 2 : 3;
  const values: number[] = [];
  let i = 2;
  const limit = Math.min(b.length, 1024);
  while (values.length < wanted) {
    while (i < limit && (isSpace(b[i]) || b[i] === 0x23)) {
      if (b[i] === 0x23) while (i < limit && b[i] !== 0x0a && b[i] !== 0x0d) i++;
      else i++;
    }
    const start = i;
    let value = 0;
    for (let c = b[i] ?? 0; i < limit && c >= 0x30 && c <= 0x39 && i - start < 10; c = b[++i] ?? 0) value = value * 10 + (c - 0x30);
    if (i === start) return null;
    values.push(value);
    // A number must end at whitespace or a comment, or at the end of a tiny file.
    if (i < b.length && !isSpace(b[i]) && b[i] !== 0x23) return null;
  }
  const [width = 0, height = 0, maxval = 1] = values;
  if (width < 1 || height < 1 || maxval < 1 || maxval > 65535) return null;
  return magic;
}

const DICOM_VRS = new Set([
  'AE', 'AS', 'AT', 'CS', 'DA', 'DS', 'DT', 'FD', 'FL', 'IS', 'LO', 'LT', 'OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'PN', 'SH', 'SL',
  'SQ', 'SS', 'ST', 'SV', 'TM', 'UC', 'UI', 'UL', 'UN', 'UR', 'US', 'UT', 'UV',
]);
const DICOM_LONG_VRS = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'SV', 'UC', 'UN', 'UR', 'UT', 'UV']);

/**
 * DICOM without the 128-byte preamble and 'DICM' (old or stripped files):
 * accepted only when the head opens with at least three well-formed
 * little-endian data elements of group 0x0002 (file meta, always explicit
 * VR) or 0x0008 (explicit or implicit VR), with strictly ascending element
 * numbers, valid VR codes, even value lengths that fit in the head. A chance
 * match needs the same two group bytes at three exact computed offsets plus
 * the VR and length constraints, so this does not fire on other content (no
 * text can start with 0x02 0x00 or 0x08 0x00).
 */
function isDicomWithoutPreamble(b: Uint8Array): boolean {
  const group = u16le(b, 0);
  if (group !== 0x0002 && group !== 0x0008) return false;
  const vr0 = String.fromCharCode(b[4] ?? 0, b[5] ?? 0);
  const explicit = DICOM_VRS.has(vr0);
  if (!explicit && group === 0x0002) return false;
  let offset = 0;
  let lastElement = -1;
  let count = 0;
  while (count < 3) {
    if (offset + 8 > b.length) return false;
    if (u16le(b, offset) !== group) return false;
    const element = u16le(b, offset + 2);
    if (element <= lastElement) return false;
    lastElement = element;
    let length: number;
    let header: number;
    if (explicit) {
      const vr = String.fromCharCode(b[offset + 4] ?? 0, b[offset + 5] ?? 0);
      if (!DICOM_VRS.has(vr)) return false;
      if (DICOM_LONG_VRS.has(vr)) {
        if (offset + 12 > b.length || u16le(b, offset + 6) !== 0) return false;
        length = u32le(b, offset + 8);
        header = 12;
      } else {
        length = u16le(b, offset + 6);
        header = 8;
      }
    } else {
      length = u32le(b, offset + 4);
      header = 8;
    }
    count++;
    if (length === 0xffffffff) return count >= 3; // undefined length (sequence): cannot step over it here
    if (length % 2 !== 0) return false;
    offset += header + length;
  }
  return true;
}

const PDF_HEADER = ascii('%PDF-');

// ---------------------------------------------------------------------------
// ZIP: the entry names in the head, read from local file headers (nothing is inflated).

function zipEntryNames(b: Uint8Array): string[] {
  const names: string[] = [];
  const utf8 = new TextDecoder('utf-8');
  let offset = 0;
  while (names.length < 1024 && offset + 30 <= b.length && u32le(b, offset) === 0x04034b50) {
    const flags = u16le(b, offset + 6);
    const compressedSize = u32le(b, offset + 18);
    const nameLength = u16le(b, offset + 26);
    const extraLength = u16le(b, offset + 28);
    if (offset + 30 + nameLength > b.length) break;
    names.push(utf8.decode(b.subarray(offset + 30, offset + 30 + nameLength)));
    const dataStart = offset + 30 + nameLength + extraLength;
    const hasDescriptor = (flags & 0x08) !== 0;
    if ((hasDescriptor && compressedSize === 0) || compressedSize === 0xffffffff) {
      // Size unknown here (streamed entry, or ZIP64): go to the next local header, if any.
      const next = indexOfBytes(b, [0x50, 0x4b, 0x03, 0x04], dataStart, b.length);
      if (next < 0) break;
      offset = next;
      continue;
    }
    offset = dataStart + compressedSize;
    if (hasDescriptor) offset += u32le(b, offset) === 0x08074b50 ? 16 : 12;
  }
  return names;
}

/** file-type said "zip": look at the part names for an OOXML package it could not settle within the head. */
function judgeZip(head: Uint8Array): SniffOk | SniffRefused {
  const names = zipEntryNames(head);
  const isPackage = names.includes('[Content_Types].xml') || names.includes('_rels/.rels');
  const has = (prefix: string) => names.some((n) => n.startsWith(prefix));
  if (has('xl/')) return refused(`${OFFICE_NAMES.xlsx} is not an inspection file; save it as PDF or DOCX`);
  if (has('ppt/')) return refused(`${OFFICE_NAMES.pptx} is not an inspection file; save it as PDF or DOCX`);
  if (isPackage && has('word/')) {
    if (names.includes('word/vbaProject.bin')) return refused(`${OFFICE_NAMES.docm} is not an inspection file; save it as PDF or DOCX`);
    return ok(DOCX);
  }
  return refused(describeRefusal('zip', 'application/zip'));
}

// ---------------------------------------------------------------------------

async function fileTypeOf(head: Uint8Array): Promise<{ ext: string; mime: string } | undefined> {
  try {
    const result = await fileTypeFromBuffer(head);
    return result ? { ext: result.ext, mime: result.mime } : undefined;
  } catch {
    return undefined; // a parser limit or malformed structure: fall back to the checks below
  }
}

/** Decides the type of a file from its leading bytes (see SNIFF_BYTES for how many). */
export async function sniffContent(input: Uint8Array): Promise<SniffOk | SniffRefused> {
  const truncated = input.length >= SNIFF_BYTES;
  const head = input.length > SNIFF_BYTES ? input.subarray(0, SNIFF_BYTES) : input;
  if (head.length === 0) return unknown('content is empty, so its type cannot be recognised');

  // DICOM's marker sits after a 128-byte preamble reserved for dual formats (see the top of this file).
  if (startsWith(head, ascii('DICM'), 128)) return ok(DICOM);

  // A UTF-16 byte-order mark reads as MPEG audio to file-type: settle text first.
  if (startsWith(head, [0xff, 0xfe]) || startsWith(head, [0xfe, 0xff])) {
    const decoded = readCleanText(head, truncated);
    if (decoded) return judgeText(decoded);
  }

  const detected = await fileTypeOf(head);
  if (detected) {
    switch (detected.ext) {
      case 'jpg':
        return ok(JPEG);
      case 'png':
        return ok(PNG);
      case 'apng':
        return ok(PNG); // an animated PNG is a PNG; decoders show its default image
      case 'tif':
        return ok(TIFF);
      case 'dcm':
        return ok(DICOM);
      case 'pdf':
        return ok(PDF);
      case 'rtf':
        return ok(RTF);
      case 'docx':
        return ok(DOCX);
      case 'zip':
        return judgeZip(head);
      case 'xml': {
        const decoded = readCleanText(head, truncated);
        if (decoded) return judgeText(decoded);
        return unknown('content is XML that is not UTF-8 text; save it as UTF-8');
      }
      default:
        break;
    }
    if (!TEXTUAL_EXTS.has(detected.ext)) {
      const decoded = readCleanText(head, truncated);
      if (decoded) return judgeText(decoded); // a weak binary signature matched the start of a text
    }
    return refused(describeRefusal(detected.ext, detected.mime));
  }

  // Leading magic that file-type does not know or rejects for a broken structure.
  if (startsWith(head, PNG_SIGNATURE)) return ok(PNG);
  if (isTiffHeader(head)) return ok(TIFF);
  if (startsWith(head, [0xff, 0xd8, 0xff])) return ok(JPEG);
  const netpbm = netpbmMagic(head);
  if (netpbm === 'P5') return ok(PGM);
  if (netpbm === 'P2') return refused('ASCII PGM images (P2) are not accepted; save the image as binary PGM (P5)');
  if (netpbm === 'P3' || netpbm === 'P6') return refused('PPM colour images are not accepted (use PNG, JPEG, TIFF, PGM or DICOM)');
  if (netpbm === 'P1' || netpbm === 'P4') return refused('PBM bitmaps are not accepted (use PNG, JPEG, TIFF, PGM or DICOM)');
  if (netpbm === 'P7') return refused('PAM images are not accepted (use PNG, JPEG, TIFF, PGM or DICOM)');
  if (isDicomWithoutPreamble(head)) return ok(DICOM);

  const decoded = readCleanText(head, truncated);
  const pdfAt = indexOfBytes(head, PDF_HEADER, 0, 1024 + PDF_HEADER.length - 1);
  if (pdfAt >= 0) {
    if (!decoded) return ok(PDF); // binary junk before the header, as readers tolerate
    // Text before the header: a leading HTML/SVG stays what it starts as; a text that only mentions
    // '%PDF-' stays text unless PDF objects follow the header.
    const asText = judgeText(decoded);
    if (!asText.ok) return asText;
    const afterHeader = new TextDecoder('latin1').decode(head.subarray(pdfAt, Math.min(head.length, pdfAt + 4096)));
    return /\d+\s+\d+\s+obj\b/.test(afterHeader) ? ok(PDF) : asText;
  }
  if (decoded) return judgeText(decoded);
  if (looksLikeLegacyText(head)) {
    return unknown('content looks like text in a legacy encoding (not UTF-8); save it as UTF-8 text');
  }
  return unknown();
}

/**
 * A remark when the name's extension disagrees with the content, e.g.
 * 'named .jpg but the content is a PDF document'; null when it agrees or
 * there is no extension. Only the last path segment counts; a leading dot
 * ('.notes') is not an extension, and neither is an all-digit suffix
 * (DICOM files are often named by UID, '1.2.840.113619.2.55.3').
 */
export function mislabelNote(fileName: string, sniff: SniffOk): string | null {
  const base = fileName.split(/[\\/]/).pop() ?? '';
  const dot = base.lastIndexOf('.');
  if (dot <= 0 || dot === base.length - 1) return null;
  const ext = base.slice(dot + 1).toLowerCase();
  if (!/^[a-z0-9]{1,10}$/.test(ext) || !/[a-z]/.test(ext)) return null;
  if (sniff.extensions.includes(ext)) return null;
  const phrase = ACCEPTED_BY_MIME.get(sniff.mime)?.phrase ?? `a ${sniff.label}`;
  return `named .${ext} but the content is ${phrase}`;
}
