import { execFile } from 'node:child_process';
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import PDFDocument from 'pdfkit';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { parseDocument, renderPage } from '../../src/core/parse/index.ts';
import type { ParsedDocument, ParsedPage } from '../../src/core/parse/types.ts';
import { buildDocx, buildZip, declareSize, failingOcr, HOSTILE, inkOcr, ooxml, report, reportPdfs } from '../helpers/documents.ts';
import { REPO } from '../helpers/workspace.ts';

/**
 * Document parsing on the real reports in ../shared/data/reports, the
 * hostile files in ../shared/data/hostile, and small DOCX/RTF/TXT documents
 * made here. The worker host (createDocumentParser) is in parse-worker.test.ts.
 */

const read = async (file: string) => new Uint8Array(await readFile(file));
const textOf = (doc: ParsedDocument) => doc.pages.flatMap((p) => p.runs.map((r) => r.text)).join(' ');
const sources = (doc: ParsedDocument) => doc.pages.map((p) => p.textSource);

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'OK';
  } catch (e) {
    return (e as { code?: string }).code ?? `threw ${String(e)}`;
  }
}

function expectSaneRuns(page: ParsedPage) {
  for (const run of page.runs) {
    expect(run.text.trim()).toBe(run.text);
    expect(run.text.length).toBeGreaterThan(0);
    const [x0, y0, x1, y1] = run.bbox;
    expect(x1).toBeGreaterThanOrEqual(x0);
    expect(y1).toBeGreaterThan(y0);
    // Inside the page, give or take text that overhangs a margin.
    expect(x0).toBeGreaterThan(-20);
    expect(y0).toBeGreaterThan(-20);
    expect(x1).toBeLessThan(page.width + 20);
    expect(y1).toBeLessThan(page.height + 20);
    expect(run.fontSize).toBeGreaterThan(0);
  }
}

/** Page counts and a phrase each report really holds; pages whose text layer cannot be used. */
const REPORT_EXPECTATIONS: Record<string, { pages: number; text: string[]; notTextLayer?: number[] }> = {
  'api510-vessel-54-11-001-inservice.pdf': { pages: 25, text: ['54-11-001', 'Inspection Report For'] },
  'asme-ix-wpqr-304l.pdf': { pages: 4, text: ['WELDER PERFORMANCE QUALIFICATION (WPQ)', 'ARTHUR GUVAKUVA'], notTextLayer: [4] },
  'asme-ix-wps-sa304l.pdf': { pages: 2, text: ['WELDING PROCEDURE SPECIFICATION (WPS)', 'WPS-SA304L'] },
  'bridge-element-inspection-synthetic.pdf': { pages: 4, text: ['BRIDGE INSPECTION REPORT', 'Inspection Date: 2026-04-15'] },
  'bv-pre-shipment-inspection.pdf': { pages: 19, text: ['Inspection No.: 55G998A', 'ABC HOUSE'] },
  'msds-scanned-image-only.pdf': { pages: 8, text: [], notTextLayer: [1, 2, 3, 4, 5, 6, 7, 8] },
  'pid-drawing-broken-font-encoding.pdf': { pages: 1, text: [], notTextLayer: [1] },
  'residential-dampness-inspection.pdf': { pages: 17, text: ['Inspection Form', 'Flagged items'] },
  'trec-home-inspection-filled.pdf': { pages: 17, text: ['PROPERTY INSPECTION REPORT FORM', 'Binsr Demo', '08/13/2025'] },
  'trec-home-inspection-template-blank.pdf': { pages: 6, text: ['PROPERTY INSPECTION REPORT FORM', 'Name of Inspector'] },
  'txdot-elements-field-inspection-manual.pdf': { pages: 74, text: ['FIELD INSPECTION AND CODING', 'Reinforced Concrete Deck'] },
  'ut-examination-report-54-11-001.pdf': { pages: 6, text: ['Ultrasonic Examination Report', 'SAChem'] },
  'ut-thickness-readings-2025.pdf': { pages: 2, text: ['Inspection Date', '2311 Pipeline Rd'] },
};

describe('PDF reports (../shared/data/reports), no OCR engine', () => {
  it('knows every report in the folder', () => {
    expect(reportPdfs()).toEqual(Object.keys(REPORT_EXPECTATIONS).sort());
  });

  it.each(Object.entries(REPORT_EXPECTATIONS))('%s: pages, text, and text-layer verdicts', async (name, expected) => {
    const doc = await parseDocument(await read(report(name)));
    expect(doc.format).toBe('pdf');
    expect(doc.pageCount).toBe(expected.pages);
    expect(doc.pages.map((p) => p.page)).toEqual(Array.from({ length: expected.pages }, (_, i) => i + 1));
    expect(doc.unreadablePages).toEqual([]);
    expect(doc.flow).toEqual([]);
    const text = textOf(doc);
    for (const phrase of expected.text) expect(text).toContain(phrase);
    // The garbage/scan heuristics flag exactly the pages that are scans or garbage, and no good page.
    const flagged = doc.pages.filter((p) => p.textSource !== 'text-layer').map((p) => p.page);
    expect(flagged).toEqual(expected.notTextLayer ?? []);
    for (const page of doc.pages) {
      expect(page.width).toBeGreaterThan(100);
      expect(page.height).toBeGreaterThan(100);
      expectSaneRuns(page);
      if (page.textSource === 'none') {
        expect(page.textLayerNote).toMatch(/not OCRed: no OCR engine is available$/);
      } else {
        expect(page.textLayerNote).toBeUndefined();
      }
    }
    if (flagged.length) expect(doc.warnings.join('\n')).toMatch(/no OCR engine is available/);
  });

  it('gives runs the real font, its weight and slant, and top-left boxes in points', async () => {
    const doc = await parseDocument(await read(report('bridge-element-inspection-synthetic.pdf')));
    const title = doc.pages[0]!.runs.find((r) => r.text === 'BRIDGE INSPECTION REPORT')!;
    expect(title).toMatchObject({ bold: true, italic: false, fontName: 'Helvetica-Bold', fontSize: 18 });
    // Near the top of a 792 pt page: the origin is the top-left corner.
    expect(title.bbox[1]).toBeLessThan(100);
    const date = doc.pages[0]!.runs.find((r) => r.text.startsWith('Inspection Date'))!;
    expect(date).toMatchObject({ bold: false, fontName: 'Helvetica', fontSize: 10 });
    expect(date.bbox[1]).toBeGreaterThan(title.bbox[3]);

    const manual = await parseDocument(await read(report('txdot-elements-field-inspection-manual.pdf')), { maxPages: 1 });
    const elements = manual.pages[0]!.runs.find((r) => r.text === '"Elements"')!;
    expect(elements).toMatchObject({ bold: true, italic: true, fontName: 'Arial,BoldItalic', fontSize: 30 });
    // Subset tags ('DDDDBK+') are not part of a font's name.
    expect(manual.pages[0]!.runs.every((r) => !/^[A-Z]{6}\+/.test(r.fontName ?? ''))).toBe(true);
  });

  it('joins what pdf.js splits into words and phrases, not glyphs', async () => {
    const doc = await parseDocument(await read(report('api510-vessel-54-11-001-inservice.pdf')), { maxPages: 3 });
    const runs = doc.pages.flatMap((p) => p.runs);
    const singleLetters = runs.filter((r) => /^\p{L}$/u.test(r.text)).length;
    expect(singleLetters / runs.length).toBeLessThan(0.05);
    expect(runs.some((r) => r.text === 'Report No.:')).toBe(true);
    const words = runs.reduce((n, r) => n + r.text.split(' ').length, 0);
    expect(words / runs.length).toBeGreaterThan(2);
  });

  it('reads the answers of a filled form: text fields and ticked boxes', async () => {
    const doc = await parseDocument(await read(report('trec-home-inspection-filled.pdf')), { maxPages: 3 });
    const page1 = doc.pages[0]!;
    const client = page1.runs.find((r) => r.text === 'Binsr Demo')!;
    expect(client.bbox[1]).toBeGreaterThan(100); // below the form's title, where the field is
    expect(page1.runs.some((r) => r.text === '251 N Bristol Ave, Los Angeles, CA 90049')).toBe(true);
    const boxes = doc.pages[2]!.runs.filter((r) => r.text === '☒' || r.text === '☐');
    expect(boxes.filter((r) => r.text === '☒').length).toBeGreaterThan(0);
    expect(boxes.filter((r) => r.text === '☐').length).toBeGreaterThan(0);
    // The blank form has the same fields, none filled in.
    const blank = await parseDocument(await read(report('trec-home-inspection-template-blank.pdf')), { maxPages: 1 });
    expect(textOf(blank)).not.toContain('Binsr Demo');
  });

  it('reads document metadata', async () => {
    const doc = await parseDocument(await read(report('trec-home-inspection-filled.pdf')), { maxPages: 1 });
    expect(doc.metadata).toEqual({ title: 'REI 7-6 Fillable', author: 'TREC', producer: 'Acrobat Distiller 17.0 (Windows)', created: '2021-08-30T16:47:33.000Z' });
    expect(doc.warnings).toContain('Only the first 1 of 17 pages were read.');
  });

  it('keeps the text layer of sparse pages over a blank full-page image (API 510 appendix pages)', async () => {
    const doc = await parseDocument(await read(report('api510-vessel-54-11-001-inservice.pdf')), { maxPages: 18 });
    const appendix = doc.pages[17]!;
    expect(appendix.textSource).toBe('text-layer');
    expect(appendix.runs.map((r) => r.text)).toEqual(expect.arrayContaining(['APPENDIX C', 'Inspection Drawings']));
  });
});

describe('OCR of pages without a usable text layer', () => {
  it('renders the scanned MSDS at 300 dpi for the engine and keeps its boxes in points', async () => {
    const ocr = inkOcr();
    const doc = await parseDocument(await read(report('msds-scanned-image-only.pdf')), { ocr });
    expect(sources(doc)).toEqual(Array(8).fill('ocr'));
    expect(ocr.images).toHaveLength(8);
    for (const image of ocr.images) expect(image).toMatchObject({ dpi: 300, channels: 1, width: 2550, height: 3300 });
    for (const page of doc.pages) {
      expect(page.ocrConfidence).toBe(0.5);
      expect(page.textLayerNote).toMatch(/^no text layer: the page is an image \(100% of it\), a scan$/);
      const [x0, y0, x1, y1] = page.runs[0]!.bbox;
      // The ink of a scanned page lies within the page, in points, not pixels.
      expect(x0).toBeGreaterThanOrEqual(0);
      expect(y0).toBeGreaterThanOrEqual(0);
      expect(x1).toBeLessThanOrEqual(page.width);
      expect(y1).toBeLessThanOrEqual(page.height);
      expect(x1 - x0).toBeGreaterThan(page.width / 2);
    }
    expect(doc.warnings).toContain('pages 1-8 had no usable text layer and were read by OCR; check their text against the page.');
  });

  it('replaces a garbage text layer (broken font encoding) by OCR and says why', async () => {
    const ocr = inkOcr();
    const doc = await parseDocument(await read(report('pid-drawing-broken-font-encoding.pdf')), { ocr });
    const page = doc.pages[0]!;
    expect(page.textSource).toBe('ocr');
    expect(page.textLayerNote).toMatch(/^garbage text layer: only \d+% of its characters form words/);
    expect(page.runs.map((r) => r.text)).toEqual(['ink']);
  });

  it('OCRs only the scanned page of the welder qualification record', async () => {
    const ocr = inkOcr();
    const doc = await parseDocument(await read(report('asme-ix-wpqr-304l.pdf')), { ocr });
    expect(sources(doc)).toEqual(['text-layer', 'text-layer', 'text-layer', 'ocr']);
    expect(ocr.images).toHaveLength(1);
  });

  it('keeps the document when the engine fails, and says so per page', async () => {
    const doc = await parseDocument(await read(report('msds-scanned-image-only.pdf')), { ocr: failingOcr, maxPages: 2 });
    expect(sources(doc)).toEqual(['none', 'none']);
    expect(doc.pages[0]!.textLayerNote).toMatch(/; OCR failed: the model file is missing$/);
    expect(doc.warnings).toContain('OCR failed on pages 1-2 (the model file is missing): their text is missing.');
  });

  it('OCRs page images (PNG, JPEG, TIFF) as format "image", sized by their resolution', async () => {
    const scan = await renderPage(await read(report('msds-scanned-image-only.pdf')), 1, 150, { grey: true });
    const raw = { raw: { width: scan.width, height: scan.height, channels: 1 as const } };
    const files = {
      png: await sharp(scan.data, raw).withMetadata({ density: 150 }).png().toBuffer(),
      jpeg: await sharp(scan.data, raw).withMetadata({ density: 150 }).jpeg().toBuffer(),
      tiff: await sharp(scan.data, raw).withMetadata({ density: 150 }).tiff().toBuffer(),
    };
    for (const [kind, bytes] of Object.entries(files)) {
      const ocr = inkOcr();
      const doc = await parseDocument(new Uint8Array(bytes), { ocr });
      expect(doc.format, kind).toBe('image');
      expect(doc.pageCount).toBe(1);
      expect(doc.pages[0]).toMatchObject({ page: 1, width: 612, height: 792, textSource: 'ocr' });
      expect(ocr.images[0]).toMatchObject({ dpi: 300, width: 2550, height: 3300, channels: 1 });
    }
    const noEngine = await parseDocument(new Uint8Array(files.png));
    expect(noEngine.pages[0]).toMatchObject({ textSource: 'none', runs: [] });
  });
});

describe('damaged and hostile PDFs', () => {
  it('refuses the "broken" reports clearly: neither holds a PDF', async () => {
    const header = parseDocument(await read(path.join(REPO, '../shared/data/reports/broken/generated-report-truncated.pdf')));
    await expect(header).rejects.toMatchObject({ code: 'DOCUMENT_UNREADABLE', message: expect.stringMatching(/only the HTTP response header of a download \(a application\/pdf file of 111714 bytes\)/) });
    const html = parseDocument(await read(path.join(REPO, '../shared/data/reports/broken/tank-report-stream-ends-early.pdf')));
    await expect(html).rejects.toMatchObject({ code: 'DOCUMENT_UNREADABLE', message: expect.stringMatching(/HTML pages are not accepted/) });
  });

  it('keeps the readable pages of a PDF with one damaged page', async () => {
    const bytes = await read(report('bridge-element-inspection-synthetic.pdf'));
    // Page 3's content stream (object 13) gets bytes that are not Flate data.
    const latin = Buffer.from(bytes).toString('latin1');
    const start = latin.indexOf('stream', latin.indexOf('13 0 obj')) + 7;
    for (let i = start + 20; i < start + 200; i++) bytes[i] = 0x41 + (i % 26);
    const doc = await parseDocument(bytes);
    expect(doc.pageCount).toBe(4);
    expect(doc.pages.map((p) => p.page)).toEqual([1, 2, 4]);
    expect(doc.unreadablePages).toEqual([{ page: 3, reason: expect.stringMatching(/flate/i) }]);
    expect(doc.warnings).toContain('page 3 could not be read; the rest of the document is kept.');
  });

  it('reads what arrived of a PDF that was cut short', async () => {
    const whole = await read(report('trec-home-inspection-filled.pdf'));
    const cut = whole.subarray(0, Math.floor(whole.length * 0.9));
    const doc = await parseDocument(cut);
    expect(doc.pages.length).toBeGreaterThan(10);
    expect(doc.unreadablePages.length).toBeGreaterThan(0);
    expect(textOf(doc)).toContain('PROPERTY INSPECTION REPORT FORM');
    expect(doc.warnings[0]).toMatch(/^The file ends early/);
    // Cut before its catalog, nothing can be found: a clear refusal, not a crash.
    await expect(parseDocument(whole.subarray(0, 4000))).rejects.toMatchObject({ code: 'DOCUMENT_UNREADABLE' });
  });

  const HOSTILE_PDFS: Record<string, { code: string; text?: string }> = {
    'GHOSTSCRIPT-698804-1-fuzzed.pdf': { code: 'OK' },
    'bad-PageLabels.pdf': { code: 'OK', text: 'PDF document with bad Page Labels.' },
    'bomb_giant.pdf': { code: 'OK', text: 'GIANT JBIG2 BOMB' },
    'boundingBox_invalid.pdf': { code: 'OK', text: 'Empty /MediaBox' },
    'helloworld-bad.pdf': { code: 'OK', text: 'Hello, world!' },
    'password-protected.pdf': { code: 'DOCUMENT_ENCRYPTED' },
    'pdfjsbad1586.pdf': { code: 'OK', text: 'pdf.js test' },
    'poppler-937-0-fuzzed.pdf': { code: 'DOCUMENT_UNREADABLE' },
    'xref_command_missing.pdf': { code: 'OK', text: 'Reduced test-case' },
  };

  it('knows every hostile PDF', async () => {
    expect((await readdir(path.join(HOSTILE, 'pdf'))).sort()).toEqual(Object.keys(HOSTILE_PDFS).sort());
  });

  it.each(Object.entries(HOSTILE_PDFS))('%s: parses or is refused with its code, and renders within the pixel cap', async (name, expected) => {
    const bytes = await read(path.join(HOSTILE, 'pdf', name));
    let doc: ParsedDocument | null = null;
    const code = await codeOf(parseDocument(bytes).then((d) => { doc = d; }));
    expect(code).toBe(expected.code);
    if (expected.text) expect(textOf(doc!)).toContain(expected.text);
    if (code === 'OK') {
      const image = await renderPage(bytes, 1, 300);
      expect(image.width * image.height).toBeLessThanOrEqual(40_000_000);
      expect(image.data.length).toBe(image.width * image.height * 4);
    }
  });

  it('scales a giant page down to the pixel cap, and refuses one too large even at 18 dpi', async () => {
    const pdf = (size: number) => new Promise<Uint8Array>((resolve) => {
      const doc = new PDFDocument({ size: [size, size], margin: 0 });
      const chunks: Buffer[] = [];
      doc.on('data', (c: Buffer) => chunks.push(c));
      doc.on('end', () => resolve(new Uint8Array(Buffer.concat(chunks))));
      doc.fontSize(size / 20).text('GIANT PAGE', 10, 10);
      doc.end();
    });
    const big = await pdf(14_400); // 200 inches square, the largest page PDF allows
    const image = await renderPage(big, 1, 300);
    expect(image.width * image.height).toBeLessThanOrEqual(40_000_000);
    expect(image.dpi).toBeLessThan(300);
    expect(Math.abs(image.width - 14_400 * image.dpi / 72)).toBeLessThan(2);
    const huge = await pdf(200_000);
    await expect(renderPage(huge, 1, 72)).rejects.toMatchObject({ code: 'DOCUMENT_TOO_LARGE' });
    // Parsing it still works: its text needs no pixels.
    expect(textOf(await parseDocument(huge))).toContain('GIANT PAGE');
  });

  it('renders pages for the viewer and refuses what cannot be rendered', async () => {
    const bytes = await read(report('ut-thickness-readings-2025.pdf'));
    const image = await renderPage(bytes, 2, 72);
    expect(image).toMatchObject({ width: 612, height: 792, channels: 4, dpi: 72 });
    await expect(renderPage(bytes, 3, 72)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(renderPage(bytes, 1, 5000)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    const docx = await buildDocx(ooxml.paragraph('text'));
    await expect(renderPage(docx, 1, 72)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });
});

describe('DOCX', () => {
  it('reads headings, paragraphs, bold, lists, tables, page breaks and core properties', async () => {
    const body = [
      ooxml.heading(1, 'Inspection Report'),
      ooxml.paragraph('Report No.: 54-11-001'),
      ooxml.paragraph('Summary of findings', { bold: true }),
      ooxml.heading(2, '1.0 Scope'),
      ooxml.listItem('Shell UT thickness'),
      ooxml.listItem('Nozzle N1', 1),
      ooxml.listItem('Visual inspection'),
      ooxml.table([['CML', 'Reading (in)'], ['7', '0.523'], ['8', '0.801\n(retest)']]),
      ooxml.pageBreak(),
      ooxml.paragraph('Signed: J. Smith'),
    ].join('');
    const doc = await parseDocument(await buildDocx(body, { title: 'Vessel 54-11-001', creator: 'J. Smith', created: '2025-09-24T10:00:00Z' }));
    expect(doc.format).toBe('docx');
    expect(doc.pages).toEqual([]);
    expect(doc.flow).toEqual([
      { kind: 'heading', level: 1, text: 'Inspection Report' },
      { kind: 'paragraph', text: 'Report No.: 54-11-001' },
      { kind: 'paragraph', text: 'Summary of findings', bold: true },
      { kind: 'heading', level: 2, text: '1.0 Scope' },
      { kind: 'list-item', level: 1, text: 'Shell UT thickness' },
      { kind: 'list-item', level: 2, text: 'Nozzle N1' },
      { kind: 'list-item', level: 1, text: 'Visual inspection' },
      { kind: 'table', rows: [['CML', 'Reading (in)'], ['7', '0.523'], ['8', '0.801\n(retest)']] },
      { kind: 'page-break' },
      { kind: 'paragraph', text: 'Signed: J. Smith' },
    ]);
    expect(doc.pageCount).toBe(2);
    expect(doc.metadata).toEqual({ title: 'Vessel 54-11-001', author: 'J. Smith', created: '2025-09-24T10:00:00.000Z' });
  });

  it('refuses a part that inflates past what it declares, while inflating', async () => {
    // ~2 MB of varied words: it compresses like real text (a few to one), so no ratio check stops it first.
    const words = Array.from({ length: 300_000 }, (_, i) => ((i * 7919) % 100_003).toString(36)).join(' ');
    const honest = await buildDocx(ooxml.paragraph(words));
    const lying = declareSize(honest, 'word/document.xml', 4000);
    await expect(parseDocument(lying)).rejects.toMatchObject({
      code: 'DOCUMENT_TOO_LARGE', message: expect.stringMatching(/word\/document\.xml inflates to more than the 4000 bytes it declares/),
    });
    // Honest, the same document is read.
    expect((await parseDocument(honest)).flow[0]).toMatchObject({ kind: 'paragraph' });
  });

  it('refuses an archive with too many entries before inflating anything', async () => {
    const parts: Record<string, string> = {};
    for (let i = 0; i < 5001; i++) parts[`word/media/image${i}.png`] = '';
    const zip = await buildZip({ ...parts, '[Content_Types].xml': '<Types/>', 'word/document.xml': '<w:document/>' });
    await expect(parseDocument(zip)).rejects.toMatchObject({ code: 'DOCUMENT_TOO_LARGE', message: expect.stringMatching(/5003 entries/) });
  });

  it('refuses the 1 GB DOCX bomb and the 336:1 XLSX bomb in a separate process, far below 1 GB of memory', async () => {
    const run = promisify(execFile);
    for (const file of ['docx-bomb-1gb.docx', 'ratio-bomb-336x.xlsx']) {
      const { stdout } = await run(process.execPath, ['--import', 'tsx', path.join(REPO, 'tests/helpers/parse-child.ts'), path.join(HOSTILE, 'archive', file)], { cwd: REPO });
      const result = JSON.parse(stdout.trim().split('\n').pop()!) as { ok: boolean; code: string; message: string; maxRssMb: number };
      expect(result, file).toMatchObject({ ok: false, code: 'DOCUMENT_TOO_LARGE', message: expect.stringMatching(/decompression bomb/) });
      // Node, tsx and the parser's modules alone take ~100 MiB; inflating either bomb would take 1 GB or more.
      expect(result.maxRssMb, file).toBeLessThan(250);
    }
  });

  it('says what a ZIP that is not a Word document is', async () => {
    const zip = await buildZip({ 'notes.txt': 'hello' });
    await expect(parseDocument(zip)).rejects.toMatchObject({ code: 'DOCUMENT_UNREADABLE', message: expect.stringMatching(/ZIP archive/) });
  });
});

describe('TXT and RTF', () => {
  const PLAIN = 'UT THICKNESS SURVEY\nReport No: 54-11-001\nInspector: Sam Okoye\n\nAll readings are in inches.\nNone is below t-min.\n\n- CML 7: 0.523\n- CML 8: 0.801\n  - retest: 0.802\n\fPage two.';
  const EXPECTED_FLOW = [
    { kind: 'paragraph', text: 'UT THICKNESS SURVEY\nReport No: 54-11-001\nInspector: Sam Okoye' },
    { kind: 'paragraph', text: 'All readings are in inches.\nNone is below t-min.' },
    { kind: 'list-item', level: 1, text: 'CML 7: 0.523' },
    { kind: 'list-item', level: 1, text: 'CML 8: 0.801' },
    { kind: 'list-item', level: 2, text: 'retest: 0.802' },
    { kind: 'page-break' },
    { kind: 'paragraph', text: 'Page two.' },
  ];

  it('reads UTF-8, UTF-16 with a byte-order mark, and Windows-1252 text the same', async () => {
    const utf16le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(PLAIN.replace(/\n/g, '\r\n'), 'utf16le')]);
    const utf16be = Buffer.from(utf16le);
    utf16be.swap16();
    for (const bytes of [Buffer.from(PLAIN), Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(PLAIN)]), utf16le, utf16be]) {
      const doc = await parseDocument(new Uint8Array(bytes));
      expect(doc).toMatchObject({ format: 'txt', pageCount: 2, pages: [], warnings: [] });
      expect(doc.flow).toEqual(EXPECTED_FLOW);
    }
    // Windows-1252: é, the en dash and the curly quotes are single bytes that are not UTF-8.
    const legacy = new Uint8Array([...Buffer.from('Weld at the caf'), 0xe9, 0x20, 0x96, 0x20, 0x93, ...Buffer.from('acceptable'), 0x94]);
    const doc = await parseDocument(legacy);
    expect(doc.flow).toEqual([{ kind: 'paragraph', text: 'Weld at the café – “acceptable”' }]);
    expect(doc.warnings).toEqual(['The text is not UTF-8: it was read as Windows-1252 (Latin-1).']);
  });

  const RTF = String.raw`{\rtf1\ansi\ansicpg1252\deff0
{\fonttbl{\f0\fswiss\fcharset0 Arial;}{\f1\fnil\fcharset204 Arial Cyr;}}
{\colortbl;\red0\green0\blue0;}
{\stylesheet{\s0 Normal;}{\s1\b\outlinelevel0 heading 1;}{\s2 heading 2;}}
{\info{\title Vessel 54-11-001}{\author J. Smith}}
{\*\generator Riched20 10.0;}
{\header \pard Confidential header\par}
\pard\s1 Inspection Report\par
\pard\s2 1.0 Scope\par
\pard Report No.: 54\'2d11\'2d001, temp 20\'b0C, caf\'e9 \'93ok\'94 \u8212? done\par
\pard{\b Summary of findings}\par
\pard\f1 \'cf\'f0\'e8\'e2\'e5\'f2\f0\par
{\pict\wmetafile8 0102030405}
\pard{\listtext\'b7\tab}\ls1\ilvl0 Shell UT\par
\pard{\listtext\'b7\tab}\ls1\ilvl1 Nozzle N1\par
\trowd\cellx2000\cellx4000
\pard\intbl CML\cell Reading\cell\row
\trowd\cellx2000\cellx4000
\pard\intbl 7\cell 0.523\par retest\cell\row
\pard After the table\tab with a tab\line and a line break\par
\page
\pard Page two \{braces\} and \\backslash\par
}`;

  it('reads RTF: headings, bold, code pages, \\u escapes, lists, tables, page breaks; skips what is not body text', async () => {
    const doc = await parseDocument(new Uint8Array(Buffer.from(RTF, 'latin1')));
    expect(doc.format).toBe('rtf');
    expect(doc.flow).toEqual([
      { kind: 'heading', level: 1, text: 'Inspection Report' },
      { kind: 'heading', level: 2, text: '1.0 Scope' },
      { kind: 'paragraph', text: 'Report No.: 54-11-001, temp 20°C, café “ok” — done' },
      { kind: 'paragraph', text: 'Summary of findings', bold: true },
      { kind: 'paragraph', text: 'Привет' },
      { kind: 'list-item', level: 1, text: 'Shell UT' },
      { kind: 'list-item', level: 2, text: 'Nozzle N1' },
      { kind: 'table', rows: [['CML', 'Reading'], ['7', '0.523\nretest']] },
      { kind: 'paragraph', text: 'After the table\twith a tab\nand a line break' },
      { kind: 'page-break' },
      { kind: 'paragraph', text: 'Page two {braces} and \\backslash' },
    ]);
    expect(doc.pageCount).toBe(2);
    expect(doc.metadata).toEqual({ title: 'Vessel 54-11-001', author: 'J. Smith' });
    expect(JSON.stringify(doc.flow)).not.toMatch(/Confidential|Riched|Arial|0102030405/);
  });

  it('refuses RTF nested beyond reason', async () => {
    const deep = `{\\rtf1 ${'{'.repeat(100_000)}x${'}'.repeat(100_000)}}`;
    await expect(parseDocument(new Uint8Array(Buffer.from(deep)))).rejects.toMatchObject({ code: 'DOCUMENT_UNREADABLE', message: expect.stringMatching(/nests groups more than 512 deep/) });
  });

  it('refuses what is not a document, saying what it is', async () => {
    await expect(parseDocument(new Uint8Array())).rejects.toMatchObject({ code: 'DOCUMENT_UNREADABLE', message: 'This file is empty.' });
    const dicom = await readdir(path.join(HOSTILE, 'dicom'));
    const dcm = await read(path.join(HOSTILE, 'dicom', dicom.find((f) => f.endsWith('.dcm'))!));
    await expect(parseDocument(dcm)).rejects.toMatchObject({ code: 'DOCUMENT_UNREADABLE', message: expect.stringMatching(/DICOM image, not a page/) });
  });
});
