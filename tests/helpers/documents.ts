import { readdirSync } from 'node:fs';
import path from 'node:path';
import yazl from 'yazl';
import type { OcrEngine, OcrResult, PageImage } from '../../src/core/ocr/types.ts';
import { SHARED_DATA } from './workspace.ts';

/** Real documents (../shared/data/reports, hostile/) and small documents made here (DOCX, RTF, TXT) for the parser tests. */

export const REPORTS = path.join(SHARED_DATA, 'reports');
export const report = (name: string) => path.join(REPORTS, name);
export const HOSTILE = path.join(SHARED_DATA, 'hostile');
export const reportPdfs = () => readdirSync(REPORTS).filter((f) => f.endsWith('.pdf')).sort();

/** A ZIP of the given parts, deflated by yazl (as Word's packages are). */
export function buildZip(parts: Record<string, string | Uint8Array>): Promise<Uint8Array> {
  const zip = new yazl.ZipFile();
  for (const [name, content] of Object.entries(parts)) {
    zip.addBuffer(Buffer.from(typeof content === 'string' ? Buffer.from(content, 'utf8') : content), name, { mtime: new Date(2026, 0, 1) });
  }
  zip.end();
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    zip.outputStream.on('data', (c: Buffer) => chunks.push(c));
    zip.outputStream.on('end', () => resolve(new Uint8Array(Buffer.concat(chunks))));
    zip.outputStream.on('error', reject);
  });
}

const W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"';
const CONTENT_TYPES = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>
<Override PartName="/word/numbering.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml"/>
<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>
</Types>`;
const ROOT_RELS = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>
</Relationships>`;
const DOC_RELS = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering" Target="numbering.xml"/>
</Relationships>`;
const NUMBERING = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:numbering ${W}>
<w:abstractNum w:abstractNumId="0"><w:lvl w:ilvl="0"><w:numFmt w:val="bullet"/></w:lvl><w:lvl w:ilvl="1"><w:numFmt w:val="bullet"/></w:lvl></w:abstractNum>
<w:abstractNum w:abstractNumId="1"><w:lvl w:ilvl="0"><w:numFmt w:val="decimal"/></w:lvl></w:abstractNum>
<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>
<w:num w:numId="2"><w:abstractNumId w:val="1"/></w:num>
</w:numbering>`;

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** WordprocessingML building blocks for test documents. */
export const ooxml = {
  heading: (level: number, text: string) => `<w:p><w:pPr><w:pStyle w:val="Heading${level}"/></w:pPr><w:r><w:t>${esc(text)}</w:t></w:r></w:p>`,
  paragraph: (text: string, opts: { bold?: boolean } = {}) =>
    `<w:p><w:r>${opts.bold ? '<w:rPr><w:b/></w:rPr>' : ''}<w:t xml:space="preserve">${esc(text)}</w:t></w:r></w:p>`,
  listItem: (text: string, level = 0, numId = 1) =>
    `<w:p><w:pPr><w:numPr><w:ilvl w:val="${level}"/><w:numId w:val="${numId}"/></w:numPr></w:pPr><w:r><w:t>${esc(text)}</w:t></w:r></w:p>`,
  table: (rows: string[][]) =>
    `<w:tbl>${rows.map((r) => `<w:tr>${r.map((c) => `<w:tc>${c.split('\n').map((line) => `<w:p><w:r><w:t>${esc(line)}</w:t></w:r></w:p>`).join('')}</w:tc>`).join('')}</w:tr>`).join('')}</w:tbl>`,
  pageBreak: () => '<w:p><w:r><w:br w:type="page"/></w:r></w:p>',
};

/** A DOCX whose body is `body` (WordprocessingML paragraphs and tables), with bullet and numbered lists defined. */
export function buildDocx(body: string, core: { title?: string; creator?: string; created?: string } = {}): Promise<Uint8Array> {
  const coreXml = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
${core.title ? `<dc:title>${esc(core.title)}</dc:title>` : ''}${core.creator ? `<dc:creator>${esc(core.creator)}</dc:creator>` : ''}${core.created ? `<dcterms:created xsi:type="dcterms:W3CDTF">${core.created}</dcterms:created>` : ''}
</cp:coreProperties>`;
  return buildZip({
    '[Content_Types].xml': CONTENT_TYPES,
    '_rels/.rels': ROOT_RELS,
    'word/_rels/document.xml.rels': DOC_RELS,
    'word/document.xml': `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document ${W}><w:body>${body}</w:body></w:document>`,
    'word/numbering.xml': NUMBERING,
    'docProps/core.xml': coreXml,
  });
}

/**
 * Rewrites the uncompressed size a ZIP declares for one entry (local header and
 * central directory), as a crafted bomb does to pass a check of declared sizes.
 */
export function declareSize(zip: Uint8Array, entryName: string, size: number): Uint8Array {
  const out = new Uint8Array(zip);
  const view = new DataView(out.buffer);
  const name = Buffer.from(entryName);
  for (let i = 0; i + 46 < out.length; i++) {
    const sig = view.getUint32(i, true);
    if (sig === 0x04034b50 && Buffer.from(out.subarray(i + 30, i + 30 + name.length)).equals(name) && view.getUint16(i + 26, true) === name.length) {
      if (view.getUint32(i + 22, true) !== 0) view.setUint32(i + 22, size, true);
    } else if (sig === 0x02014b50 && view.getUint16(i + 28, true) === name.length && Buffer.from(out.subarray(i + 46, i + 46 + name.length)).equals(name)) {
      view.setUint32(i + 24, size, true);
    }
  }
  return out;
}

/**
 * An OCR engine for tests that reads where the ink is: one run covering the
 * page image's dark pixels, converted to points with the image's dpi, as a
 * real engine's boxes are. It keeps every image it was given.
 */
export function inkOcr(): OcrEngine & { images: PageImage[] } {
  const images: PageImage[] = [];
  return {
    id: 'ink',
    images,
    recognize(image: PageImage): Promise<OcrResult> {
      images.push({ ...image, data: new Uint8Array(0) });
      let [x0, y0, x1, y1] = [Infinity, Infinity, -1, -1];
      for (let y = 0; y < image.height; y++) {
        for (let x = 0; x < image.width; x++) {
          const v = image.data[(y * image.width + x) * image.channels]!;
          if (v < 128) { x0 = Math.min(x0, x); y0 = Math.min(y0, y); x1 = Math.max(x1, x); y1 = Math.max(y1, y); }
        }
      }
      if (x1 < 0) return Promise.resolve({ runs: [], confidence: 0 });
      const k = 72 / image.dpi;
      return Promise.resolve({
        runs: [{ text: 'ink', bbox: [x0 * k, y0 * k, (x1 + 1) * k, (y1 + 1) * k], fontSize: 10, bold: false, italic: false }],
        confidence: 0.5,
      });
    },
    close: () => Promise.resolve(),
  };
}

/** An OCR engine that always fails, as one whose model files are missing does. */
export const failingOcr: OcrEngine = {
  id: 'broken',
  recognize: () => Promise.reject(new Error('the model file is missing')),
  close: () => Promise.resolve(),
};
