import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { fileTypeFromBuffer } from 'file-type';
import { describe, expect, it } from 'vitest';
import { SNIFF_BYTES, mislabelNote, sniffContent, type SniffOk, type SniffRefused } from '../../src/core/ingest/sniff.ts';

const HOSTILE = path.resolve(import.meta.dirname, '../../../shared/data/hostile');

const DOCX_MIME = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

/** The bytes the importer passes: the first SNIFF_BYTES of the file. */
function head(rel: string): Uint8Array {
  const all = readFileSync(path.join(HOSTILE, rel));
  return new Uint8Array(all.subarray(0, SNIFF_BYTES));
}

async function sniffOk(bytes: Uint8Array): Promise<SniffOk> {
  const r = await sniffContent(bytes);
  if (!r.ok) throw new Error(`expected an accepted type, got ${r.code}: ${r.message}`);
  return r;
}

async function sniffRefused(bytes: Uint8Array): Promise<SniffRefused> {
  const r = await sniffContent(bytes);
  if (r.ok) throw new Error(`expected a refusal, got ${r.mime}`);
  return r;
}

const utf8 = (s: string) => new Uint8Array(Buffer.from(s, 'utf8'));
const bytes = (...parts: (string | number[] | Uint8Array)[]) =>
  new Uint8Array(Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.from(p)))));

/** Deterministic pseudo-random bytes (xorshift32), so a chance signature cannot make the test flaky. */
function pseudoRandom(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}

// --- a minimal ZIP writer (local headers, central directory, end record) -------------------------

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(data: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of data) c = (CRC_TABLE[(c ^ b) & 0xff] ?? 0) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function zip(entries: { name: string; data: Uint8Array | string; store?: boolean }[]): Uint8Array {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const raw = typeof e.data === 'string' ? Buffer.from(e.data, 'utf8') : Buffer.from(e.data);
    const body = e.store ? raw : deflateRawSync(raw);
    const name = Buffer.from(e.name, 'utf8');
    const crc = crc32(raw);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(e.store ? 0 : 8, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(raw.length, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(e.store ? 0 : 8, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(raw.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, body);
    centrals.push(central, name);
    offset += local.length + name.length + body.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return new Uint8Array(Buffer.concat([...locals, cd, end]));
}

const CONTENT_TYPES = (main: string) =>
  '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' +
  '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
  '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
  '<Default Extension="xml" ContentType="application/xml"/>' +
  `<Override PartName="/${main}" ContentType="${
    main.startsWith('word/')
      ? 'application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml'
      : 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml'
  }"/></Types>`;
const RELS = (main: string) =>
  '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' +
  '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
  `<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="${main}"/>` +
  '</Relationships>';
const DOCUMENT_XML =
  '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' +
  '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>' +
  'Ultrasonic thickness readings, shell course 2</w:t></w:r></w:p></w:body></w:document>';

// --- hostile samples ---------------------------------------------------------------------------------

/** What every hostile sample sniffs as: a MIME type, or the refusal code and a word of its message. */
const HOSTILE_EXPECTED: Record<string, string | { code: SniffRefused['code']; mentions: string }> = {
  'archive/docx-bomb-1gb.docx': DOCX_MIME, // sniffing reads the head only; nothing is inflated
  'archive/ratio-bomb-336x.xlsx': { code: 'FILE_TYPE_NOT_ALLOWED', mentions: 'XLSX' }, // one entry, xl/styles.xml
  'dicom/CT_small.dcm': 'application/dicom', // TIFF header in the preamble, DICM at 128
  'dicom/JPEG2000.dcm': 'application/dicom',
  'dicom/MR_small.dcm': 'application/dicom', // TIFF header in the preamble
  'dicom/MR_small_RLE.dcm': 'application/dicom', // TIFF header in the preamble
  'dicom/MR_truncated.dcm': 'application/dicom', // TIFF header in the preamble
  'dicom/SC_rgb_rle_16bit.dcm': 'application/dicom',
  'dicom/badVR.dcm': 'application/dicom',
  'dicom/minimal-corkami.dcm': 'application/dicom',
  'image/12in16bit.tif': 'image/tiff', // first IFD at byte 20008: file-type needs more than 4100 bytes
  'image/16bit.MM.deflate.tif': 'image/tiff', // big-endian
  'image/16bit.cropped.tif': 'image/tiff',
  'image/broken.png': 'image/png', // signature then garbage: file-type gives up, the signature decides
  'image/broken_data_stream.png': 'image/png',
  'image/broken_exif_dpi.jpg': 'image/jpeg',
  'image/crash-0c7e0e8e11ce787078f00b5b0ca409a167f070e0.tif': 'image/tiff',
  'image/crash-0da013a13571cc8eb457a39fee8db18f8a3c7127.tif': 'image/tiff',
  'image/crash-2020-10-test.tif': 'image/tiff',
  'image/decompression_bomb.gif': { code: 'FILE_TYPE_NOT_ALLOWED', mentions: 'GIF' },
  'image/decompression_bomb_extents.gif': { code: 'FILE_TYPE_NOT_ALLOWED', mentions: 'GIF' },
  'image/hopper_16bit.pgm': 'image/x-portable-graymap',
  'image/png-bomb-20000x20000.png': 'image/png',
  'image/seek_too_large.tif': 'image/tiff', // BigTIFF header, 16 bytes
  'image/small-invalid.jpg': 'image/jpeg',
  'image/smallest-invalid.png': 'image/png',
  'image/tiff_16bit_RGB.tiff': 'image/tiff',
  'image/truncated_end_chunk.png': 'image/png',
  'image/truncated_image.png': 'image/png',
  'image/truncated_jpeg.jpg': 'image/jpeg',
  'pdf/GHOSTSCRIPT-698804-1-fuzzed.pdf': 'application/pdf',
  'pdf/bad-PageLabels.pdf': 'application/pdf',
  'pdf/bomb_giant.pdf': 'application/pdf',
  'pdf/boundingBox_invalid.pdf': 'application/pdf',
  'pdf/helloworld-bad.pdf': 'application/pdf',
  'pdf/password-protected.pdf': 'application/pdf',
  'pdf/pdfjsbad1586.pdf': 'application/pdf',
  'pdf/poppler-937-0-fuzzed.pdf': 'application/pdf',
  'pdf/xref_command_missing.pdf': 'application/pdf',
  'polyglot/mp3-jpeg-polyglot.jpg': 'image/jpeg', // leading JPEG magic wins over the MP3 inside
  'polyglot/snes_md.pdf': 'application/pdf', // ROM bytes, then '%PDF-' at offset 48
};

describe('sniffContent on the hostile samples', () => {
  it('covers every file in the hostile folder', () => {
    const present = readdirSync(HOSTILE, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .flatMap((d) => readdirSync(path.join(HOSTILE, d.name)).map((f) => `${d.name}/${f}`))
      .sort();
    expect(present).toEqual(Object.keys(HOSTILE_EXPECTED).sort());
  });

  for (const [rel, expected] of Object.entries(HOSTILE_EXPECTED)) {
    it(`${rel} → ${typeof expected === 'string' ? expected : expected.code}`, async () => {
      const r = await sniffContent(head(rel));
      if (typeof expected === 'string') {
        expect(r).toMatchObject({ ok: true, mime: expected });
      } else {
        expect(r).toMatchObject({ ok: false, code: expected.code });
        expect(r.ok ? '' : r.message).toContain(expected.mentions);
      }
    });
  }

  it('gives kinds and labels', async () => {
    expect(await sniffOk(head('pdf/bomb_giant.pdf'))).toEqual({
      ok: true,
      mime: 'application/pdf',
      kind: 'document',
      label: 'PDF document',
      extensions: ['pdf'],
    });
    expect(await sniffOk(head('image/16bit.cropped.tif'))).toMatchObject({ kind: 'image', label: 'TIFF image' });
    expect(await sniffOk(head('dicom/MR_small.dcm'))).toMatchObject({ kind: 'image', label: 'DICOM image' });
    expect(await sniffOk(head('archive/docx-bomb-1gb.docx'))).toMatchObject({ kind: 'document', extensions: ['docx'] });
  });

  it('all DICOM samples have the preamble; four carry a TIFF header in it and are still DICOM', () => {
    const files = readdirSync(path.join(HOSTILE, 'dicom'));
    for (const f of files) expect(Buffer.from(head(`dicom/${f}`).subarray(128, 132)).toString('latin1')).toBe('DICM');
    const tiffPreamble = files.filter((f) => Buffer.from(head(`dicom/${f}`).subarray(0, 4)).equals(Buffer.from('II*\0', 'latin1')));
    expect(tiffPreamble.sort()).toEqual(['CT_small.dcm', 'MR_small.dcm', 'MR_small_RLE.dcm', 'MR_truncated.dcm']);
  });

  it('needs more than file-type’s 4100 bytes for a TIFF whose IFD lies further in', async () => {
    // This is why SNIFF_BYTES is 64 KiB: file-type alone gives up on the short head.
    expect(await fileTypeFromBuffer(head('image/12in16bit.tif').subarray(0, 4100))).toBeUndefined();
    expect(await sniffOk(head('image/12in16bit.tif').subarray(0, 4100))).toMatchObject({ mime: 'image/tiff' });
  });
});

describe('DICOM without the preamble', () => {
  it('accepts the real samples with the 128-byte preamble and DICM cut off (file meta group 0002 first)', async () => {
    for (const f of readdirSync(path.join(HOSTILE, 'dicom'))) {
      expect(await sniffOk(head(`dicom/${f}`).subarray(132)), f).toMatchObject({ mime: 'application/dicom' });
    }
  });

  it('accepts a bare data set that starts at group 0008 (explicit VR, as in MR_small after its meta group)', async () => {
    const all = head('dicom/MR_small.dcm');
    // (0002,0000) UL holds the meta group's length after its 12-byte header.
    const metaEnd = 132 + 12 + Buffer.from(all).readUInt32LE(132 + 8);
    expect(Buffer.from(all).readUInt16LE(metaEnd)).toBe(0x0008);
    expect(await sniffOk(all.subarray(metaEnd))).toMatchObject({ mime: 'application/dicom' });
  });

  it('accepts an implicit-VR group 0008 data set', async () => {
    const el = (element: number, value: string) => {
      const v = Buffer.from(value.length % 2 ? `${value} ` : value, 'latin1');
      const h = Buffer.alloc(8);
      h.writeUInt16LE(0x0008, 0);
      h.writeUInt16LE(element, 2);
      h.writeUInt32LE(v.length, 4);
      return [...h, ...v];
    };
    const ds = bytes(el(0x0008, 'ORIGINAL\\PRIMARY'), el(0x0016, '1.2.840.10008.5.1.4.1.1.1'), el(0x0020, '20240501'), el(0x0060, 'DX'));
    expect(await sniffOk(ds)).toMatchObject({ mime: 'application/dicom' });
    // Two elements are not enough evidence; a broken chain is not DICOM.
    expect((await sniffContent(ds.subarray(0, 8 + 16 + 8 + 26))).ok).toBe(false);
    const broken = ds.slice();
    broken[8 + 16 + 1] = 0x00; // second element's number below the first's
    broken[8 + 16 + 2] = 0x00;
    expect((await sniffContent(broken)).ok).toBe(false);
  });
});

describe('PDF', () => {
  const pdf = head('pdf/helloworld-bad.pdf');

  it('accepts binary junk before the header within the first 1024 bytes, as readers do', async () => {
    const junk = pseudoRandom(900, 7);
    junk[0] = 0x13;
    expect(await sniffOk(bytes(junk, pdf))).toMatchObject({ mime: 'application/pdf' });
    expect(await sniffOk(bytes('HTTP/1.1 200 OK\r\nContent-Type: application/pdf\r\n\r\n', pdf))).toMatchObject({ mime: 'application/pdf' });
  });

  it('does not look past 1024 bytes for the header', async () => {
    const junk = pseudoRandom(1100, 9);
    junk[0] = 0x13;
    expect(await sniffRefused(bytes(junk, pdf))).toMatchObject({ code: 'FILE_UNKNOWN_TYPE' });
  });

  it('judges polyglots by their leading magic', async () => {
    const png = head('image/smallest-invalid.png');
    expect(await sniffOk(bytes(png.subarray(0, 8), '%PDF-1.4\n1 0 obj\n<<>>\nendobj\n', png.subarray(8)))).toMatchObject({ mime: 'image/png' });
    const html = await sniffRefused(utf8('<html><body>hi</body></html>\n%PDF-1.4\n1 0 obj\n<<>>\nendobj\n'));
    expect(html).toMatchObject({ code: 'FILE_TYPE_NOT_ALLOWED' });
    expect(html.message).toContain('HTML');
  });

  it('keeps a text that merely mentions the header a text', async () => {
    expect(await sniffOk(utf8('Note: the export starts with %PDF-1.7 but the viewer refuses it.\n'))).toMatchObject({ mime: 'text/plain' });
  });
});

describe('OOXML packages', () => {
  const wordOrder = () =>
    zip([
      { name: '[Content_Types].xml', data: CONTENT_TYPES('word/document.xml') },
      { name: '_rels/.rels', data: RELS('word/document.xml') },
      { name: 'word/document.xml', data: DOCUMENT_XML },
    ]);

  it('accepts a DOCX laid out as Word writes it ([Content_Types].xml first)', async () => {
    expect(await sniffOk(wordOrder())).toMatchObject({ mime: DOCX_MIME, label: 'Word document (DOCX)' });
  });

  it('accepts a DOCX whose [Content_Types].xml lies beyond the head, from the part names it can see', async () => {
    // LibreOffice-style order with a large incompressible picture early: the head ends inside it.
    const docx = zip([
      { name: '_rels/.rels', data: RELS('word/document.xml') },
      { name: 'word/document.xml', data: DOCUMENT_XML },
      { name: 'word/media/image1.jpeg', data: pseudoRandom(200_000, 3), store: true },
      { name: '[Content_Types].xml', data: CONTENT_TYPES('word/document.xml') },
    ]);
    const cut = docx.subarray(0, SNIFF_BYTES);
    expect(await fileTypeFromBuffer(cut)).toMatchObject({ ext: 'zip' }); // file-type cannot settle it
    expect(await sniffOk(cut)).toMatchObject({ mime: DOCX_MIME });
  });

  it('refuses an XLSX, a macro-enabled DOCM and a plain ZIP by name', async () => {
    const xlsx = zip([
      { name: '[Content_Types].xml', data: CONTENT_TYPES('xl/workbook.xml') },
      { name: '_rels/.rels', data: RELS('xl/workbook.xml') },
      { name: 'xl/workbook.xml', data: '<workbook/>' },
    ]);
    expect(await sniffRefused(xlsx)).toEqual({ ok: false, code: 'FILE_TYPE_NOT_ALLOWED', message: expect.stringContaining('an XLSX spreadsheet is not an inspection file') });

    const docm = zip([
      { name: '_rels/.rels', data: RELS('word/document.xml') },
      { name: 'word/document.xml', data: DOCUMENT_XML },
      { name: 'word/vbaProject.bin', data: pseudoRandom(100_000, 5), store: true },
    ]);
    expect((await sniffRefused(docm.subarray(0, SNIFF_BYTES))).message).toContain('DOCM');

    const plain = zip([{ name: 'photos/IMG_0001.jpg', data: head('image/truncated_jpeg.jpg') }]);
    expect((await sniffRefused(plain)).message).toContain('a ZIP archive is not an inspection file');

    // Word parts without [Content_Types].xml or _rels/.rels are not a package.
    const loose = zip([{ name: 'word/document.xml', data: DOCUMENT_XML }]);
    expect((await sniffRefused(loose)).message).toContain('ZIP archive');
  });
});

describe('text', () => {
  it('accepts empty-ish text', async () => {
    expect(await sniffOk(utf8('\n'))).toMatchObject({ mime: 'text/plain', kind: 'document', label: 'plain text' });
    expect(await sniffOk(utf8(' '))).toMatchObject({ mime: 'text/plain' });
    expect(await sniffOk(utf8('ok'))).toMatchObject({ mime: 'text/plain' });
    expect(await sniffOk(bytes([0xef, 0xbb, 0xbf]))).toMatchObject({ mime: 'text/plain' }); // a BOM and nothing else
  });

  it('refuses zero bytes as unrecognised', async () => {
    expect(await sniffRefused(new Uint8Array(0))).toMatchObject({ code: 'FILE_UNKNOWN_TYPE' });
  });

  it('accepts UTF-8 with umlauts, with and without a BOM', async () => {
    const note = 'Prüfbericht Nr. 17 – Schweißnaht an der Ölleitung: Porosität ≤ 2 mm, Befund „i. O.“\r\n\tGeprüft: Jürgen\n';
    expect(await sniffOk(utf8(note))).toMatchObject({ mime: 'text/plain' });
    expect(await sniffOk(utf8(`\ufeff${note}`))).toMatchObject({ mime: 'text/plain' });
  });

  it('accepts UTF-16LE and UTF-16BE with a BOM (file-type alone calls the LE BOM MPEG audio)', async () => {
    const le = bytes([0xff, 0xfe], Buffer.from('Wanddicke 12,4 mm – Prüfer Müller\r\n', 'utf16le'));
    expect((await fileTypeFromBuffer(le))?.mime).toBe('audio/mpeg');
    expect(await sniffOk(le)).toMatchObject({ mime: 'text/plain' });
    const be = bytes([0xfe, 0xff], Buffer.from('Wanddicke 12,4 mm – Prüfer Müller\r\n', 'utf16le').swap16());
    expect(await sniffOk(be)).toMatchObject({ mime: 'text/plain' });
  });

  it('accepts a long text cut inside a multi-byte character by the head', async () => {
    const line = 'Ölstand geprüft, Wanddicke 12,4 mm.\n';
    const text = Buffer.from('x'.repeat(SNIFF_BYTES - 1) + line.repeat(10), 'utf8');
    const cut = new Uint8Array(text.subarray(0, SNIFF_BYTES));
    expect(cut[cut.length - 1]).toBe(0xc3); // first byte of 'Ö'
    expect(await sniffOk(cut)).toMatchObject({ mime: 'text/plain' });
    // A whole (short) file that ends mid-character is not valid UTF-8.
    expect((await sniffContent(utf8('Prüfbericht').subarray(0, 3))).ok).toBe(false);
    // More than SNIFF_BYTES may be passed; only the head is judged.
    expect(await sniffOk(new Uint8Array(text))).toMatchObject({ mime: 'text/plain' });
  });

  it('accepts texts that begin with a binary format’s short signature', async () => {
    // file-type reads these as BMP, Windows EXE and AIFF audio.
    for (const t of ['BMW 320d, Hauptuntersuchung\n', 'MZ-7 weld map\n', 'FORM 12: visual inspection\n', 'ID3 tags removed\n']) {
      expect(await sniffOk(utf8(t)), t).toMatchObject({ mime: 'text/plain' });
    }
  });

  it('accepts RTF, also after leading whitespace', async () => {
    const rtf = '{\\rtf1\\ansi\\deff0{\\fonttbl{\\f0 Arial;}}\\f0 Pr\\u252?fbericht\\par}';
    expect(await sniffOk(utf8(rtf))).toMatchObject({ mime: 'application/rtf', kind: 'document', label: 'RTF document' });
    expect(await sniffOk(utf8(`\r\n${rtf}`))).toMatchObject({ mime: 'application/rtf' });
  });

  it('accepts XML that is neither HTML nor SVG as text', async () => {
    expect(await sniffOk(utf8('<?xml version="1.0"?>\n<readings unit="mm"><r>12.4</r></readings>'))).toMatchObject({ mime: 'text/plain' });
  });

  it('refuses text in a legacy 8-bit encoding with a specific message', async () => {
    const latin1 = bytes(Buffer.from('Prüfbericht: Schweißnaht an der Ölleitung in Ordnung.\n', 'latin1'));
    const r = await sniffRefused(latin1);
    expect(r.code).toBe('FILE_UNKNOWN_TYPE');
    expect(r.message).toContain('UTF-8');
  });

  it('refuses text full of control characters', async () => {
    expect(await sniffRefused(utf8('\u0001\u0002\u0003abc\u0004\u0005'))).toMatchObject({ code: 'FILE_UNKNOWN_TYPE' });
    expect(await sniffRefused(utf8('abc\u0000def'))).toMatchObject({ code: 'FILE_UNKNOWN_TYPE' });
  });
});

describe('HTML and SVG are refused', () => {
  const html = [
    '<!DOCTYPE HTML>\n<html><body>Report</body></html>',
    '\ufeff  \r\n\t<!doctype html><title>x</title>',
    '   <HTML lang="de">',
    '<head><meta charset="utf-8"></head>',
    '<body onload="x()">',
    '<SCRIPT>alert(1)</SCRIPT>',
    '<!-- saved from url=(0014)about:internet -->\n<html>',
    '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "x">\n<html xmlns="http://www.w3.org/1999/xhtml"/>',
    '<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"><body/></html>',
  ];
  for (const t of html) {
    it(`HTML: ${JSON.stringify(t.slice(0, 40))}`, async () => {
      const r = await sniffRefused(utf8(t));
      expect(r.code).toBe('FILE_TYPE_NOT_ALLOWED');
      expect(r.message).toContain('HTML');
    });
  }

  it('HTML in UTF-16LE', async () => {
    const r = await sniffRefused(bytes([0xff, 0xfe], Buffer.from('<!DOCTYPE html><html></html>', 'utf16le')));
    expect(r).toMatchObject({ code: 'FILE_TYPE_NOT_ALLOWED' });
    expect(r.message).toContain('HTML');
  });

  const svg = [
    '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>',
    '<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n<!-- Generator: Adobe Illustrator -->\n' +
      '<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd" [\n<!ENTITY ns "x">\n]>\n<svg version="1.1"/>',
    '<?xml version="1.0"?>\n<svg:svg xmlns:svg="http://www.w3.org/2000/svg"/>',
  ];
  for (const t of svg) {
    it(`SVG: ${JSON.stringify(t.slice(0, 40))}`, async () => {
      const r = await sniffRefused(utf8(t));
      expect(r.code).toBe('FILE_TYPE_NOT_ALLOWED');
      expect(r.message).toContain('SVG');
    });
  }
});

describe('other binary content', () => {
  it('refuses random bytes as unrecognised', async () => {
    const r = await sniffRefused(pseudoRandom(SNIFF_BYTES, 12345));
    expect(r).toEqual({ ok: false, code: 'FILE_UNKNOWN_TYPE', message: 'content is not a recognised inspection file type' });
  });

  it('refuses executables by name', async () => {
    const elf = bytes([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0x3e, 0, 1, 0, 0, 0], new Uint8Array(40));
    expect(await sniffRefused(elf)).toEqual({ ok: false, code: 'FILE_TYPE_NOT_ALLOWED', message: 'an executable program (ELF) is not an inspection file' });
    const pe = bytes('MZ', [0x90, 0, 3, 0, 0, 0, 4, 0, 0, 0, 0xff, 0xff], new Uint8Array(100));
    expect((await sniffRefused(pe)).message).toContain('Windows PE');
    const macho = bytes([0xcf, 0xfa, 0xed, 0xfe, 7, 0, 0, 1, 3, 0, 0, 0], new Uint8Array(20));
    expect((await sniffRefused(macho)).message).toContain('Mach-O');
  });

  it('refuses audio, archives and other images by name', async () => {
    const mp3 = bytes('ID3', [3, 0, 0, 0, 0, 0, 10], new Uint8Array(10), [0xff, 0xfb, 0x90, 0x64], new Uint8Array(400));
    expect(await sniffRefused(mp3)).toMatchObject({ code: 'FILE_TYPE_NOT_ALLOWED', message: 'MP3 audio is not an inspection file' });
    const gz = bytes([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3], new Uint8Array(20));
    expect((await sniffRefused(gz)).message).toContain('gzip archive');
    const bmp = bytes('BM', [0x3e, 0, 0, 0, 0, 0, 0, 0, 0x36, 0, 0, 0, 0x28, 0, 0, 0], new Uint8Array(40));
    expect((await sniffRefused(bmp)).message).toBe('BMP images are not accepted (use PNG, JPEG, TIFF, PGM or DICOM)');
  });
});

describe('images file-type does not settle', () => {
  it('accepts a 16-bit binary PGM and refuses the other Netpbm variants', async () => {
    const pgm = bytes('P5\n# 16-bit radiograph sample\n4 2\n65535\n', new Uint8Array(16).fill(0x80));
    expect(await sniffOk(pgm)).toMatchObject({ mime: 'image/x-portable-graymap', kind: 'image', label: 'PGM image' });
    expect((await sniffRefused(utf8('P2\n2 2\n255\n0 1\n2 3\n'))).message).toContain('P2');
    expect((await sniffRefused(bytes('P6\n1 1\n255\n', [1, 2, 3]))).message).toContain('PPM');
    // 'P5' followed by prose is text, not an image.
    expect(await sniffOk(utf8('P5 rev. B of the procedure\n'))).toMatchObject({ mime: 'text/plain' });
  });

  it('accepts BigTIFF headers in both byte orders', async () => {
    expect(await sniffOk(bytes([0x49, 0x49, 0x2b, 0, 8, 0, 0, 0, 16, 0, 0, 0, 0, 0, 0, 0], new Uint8Array(32)))).toMatchObject({ mime: 'image/tiff' });
    expect(await sniffOk(bytes([0x4d, 0x4d, 0, 0x2b, 0, 8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 16], new Uint8Array(32)))).toMatchObject({ mime: 'image/tiff' });
  });
});

describe('mislabelNote', () => {
  it('notes a PDF named .jpg', async () => {
    const pdf = await sniffOk(head('pdf/bad-PageLabels.pdf'));
    expect(mislabelNote('Befund.jpg', pdf)).toBe('named .jpg but the content is a PDF document');
    expect(mislabelNote('C:\\scans\\Befund.JPG', pdf)).toBe('named .jpg but the content is a PDF document');
  });

  it('agrees on any usual extension, in any case', async () => {
    const jpeg = await sniffOk(head('image/truncated_jpeg.jpg'));
    expect(jpeg.mime).toBe('image/jpeg');
    expect(mislabelNote('weld.JPEG', jpeg)).toBeNull();
    expect(mislabelNote('weld.jpg', jpeg)).toBeNull();
    expect(mislabelNote('plate.TIF', await sniffOk(head('image/16bit.cropped.tif')))).toBeNull();
    expect(mislabelNote('notes.csv', await sniffOk(utf8('a;b\n1;2\n')))).toBeNull();
  });

  it('is null without an extension', async () => {
    const dicom = await sniffOk(head('dicom/CT_small.dcm'));
    expect(mislabelNote('IM000001', dicom)).toBeNull();
    expect(mislabelNote('.hidden', dicom)).toBeNull();
    expect(mislabelNote('trailing.', dicom)).toBeNull();
    expect(mislabelNote('1.2.840.113619.2.55.3.604688119', dicom)).toBeNull(); // a UID, not an extension
  });

  it('uses the right article', async () => {
    expect(mislabelNote('spec.pdf', await sniffOk(utf8('{\\rtf1 x}')))).toBe('named .pdf but the content is an RTF document');
    expect(mislabelNote('scan.pdf', await sniffOk(utf8('hello')))).toBe('named .pdf but the content is plain text');
    expect(mislabelNote('scan.tif', await sniffOk(head('dicom/CT_small.dcm')))).toBe('named .tif but the content is a DICOM image');
  });
});
