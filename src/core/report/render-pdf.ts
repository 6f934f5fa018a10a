import { ChittiError } from '../app/errors.ts';
import {
  BAD_INK, BOTTOM, CONTENT_WIDTH, INK, MARGIN, MUTED, RULE, bytesLabel, className, dash, day, openDocument, orDash, pageFurniture, plural, px, stamp,
  type Column, type Row,
} from './pdf-layout.ts';
import { reportClassColour, textOn } from './palette.ts';
import type { ReportData, ReportFinding, ReportImage, ReportModel } from './report-data.ts';

/**
 * The inspection report as a PDF (A4, pdfkit). Built from ReportData alone,
 * plus the pixels of the images it shows, which `images` renders on demand,
 * one at a time, so a job of hundreds of images never has them all in memory.
 *
 * Layout: a first page with the job, the review status and the summary by
 * class and decision, and the list of images; then each image with accepted
 * findings on its own page, the findings drawn on it as vector outlines with
 * their references, and its findings table; a contact sheet of the images
 * without accepted findings; the models; an appendix of rejected findings
 * (listed, never drawn); and last the audit chain head. Every page has the
 * job in its header and "Page i of n" in its footer.
 */

/** A rendering of an image for the report: JPEG bytes and their size in pixels. */
export interface Rendition {
  jpeg: Buffer;
  width: number;
  height: number;
  /** The 16-bit → 8-bit display window it was made with (null for 8-bit images). */
  window: { low: number; high: number } | null;
}

export interface ReportImageSource {
  /** The image as displayed, fitting in maxSide × maxSide; throws a ChittiError when it cannot be shown. */
  rendition(image: ReportImage, maxSide: number): Promise<Rendition>;
}

export interface SignatureSlot {
  /** Adds the signature dictionary and its empty /Contents to the document, before it ends. */
  addPlaceholder(doc: PDFKit.PDFDocument): void;
  /** Who signs, for the report's last page. */
  signer: string;
}

export interface RenderOptions {
  /** A slot for a digital signature, filled after rendering (see sign.ts). */
  signature?: SignatureSlot;
}

/** Longest side of an image drawn with its findings, in pixels: about 220 dpi across the page's 7-inch content width. */
export const FULL_IMAGE_PIXELS = 1600;
const SHEET_IMAGE_PIXELS = 480;


export function locationLabel(f: Pick<ReportFinding, 'box'>): string {
  const [x1, y1, x2, y2] = f.box;
  return `${px(x1)},${px(y1)}–${px(x2)},${px(y2)}`;
}
export function sizeLabel(f: Pick<ReportFinding, 'box'>): string {
  const [x1, y1, x2, y2] = f.box;
  return `${px(x2 - x1)}×${px(y2 - y1)}`;
}
export const scoreLabel = (f: Pick<ReportFinding, 'score'>) => (f.score === null ? '—' : f.score.toFixed(2));

// ------------------------------------------------------------------ drawing findings

interface Frame {
  x: number;
  y: number;
  width: number;
  height: number;
  /** Points per image pixel. */
  scale: number;
}

/** Fits an image of w×h pixels in a box, at its top, centred horizontally or at its left. */
function fitFrame(w: number, h: number, box: { x: number; y: number; width: number; height: number }, align: 'centre' | 'left' = 'centre'): Frame {
  const scale = Math.min(box.width / w, box.height / h);
  const width = w * scale;
  const height = h * scale;
  return { x: align === 'left' ? box.x : box.x + (box.width - width) / 2, y: box.y, width, height, scale };
}

function drawFindings(doc: PDFKit.PDFDocument, frame: Frame, findings: ReportFinding[], colourOf: (c: string) => string): void {
  doc.save();
  doc.rect(frame.x, frame.y, frame.width, frame.height).clip();
  const at = (x: number, y: number): [number, number] => [frame.x + x * frame.scale, frame.y + y * frame.scale];
  const outline = (f: ReportFinding) => {
    if (f.polygon && f.polygon.length >= 3) doc.polygon(...f.polygon.map(([x, y]) => at(x, y)));
    else {
      const [x1, y1] = at(f.box[0], f.box[1]);
      const [x2, y2] = at(f.box[2], f.box[3]);
      doc.rect(x1, y1, Math.max(0.5, x2 - x1), Math.max(0.5, y2 - y1));
    }
  };
  // A dark halo under each coloured line keeps it visible on bright and dark film alike.
  for (const f of findings) {
    outline(f);
    doc.lineWidth(3).lineJoin('miter').strokeColor('#000000', 0.55).stroke();
  }
  for (const f of findings) {
    outline(f);
    doc.lineWidth(1.4).strokeColor(colourOf(f.class), 1).stroke();
  }
  // Labels last, on top of every outline: "<ref> <class>" on the class colour, or the ref alone where the
  // full label would cover another finding or its label (crowded images stay readable; the table names the class).
  doc.font('condBold').fontSize(7);
  type Rect = { x: number; y: number; w: number; h: number };
  const overlaps = (a: Rect, b: Rect) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
  const boxes = findings.map((f) => {
    const [x1, y1] = at(f.box[0], f.box[1]);
    const [x2, y2] = at(f.box[2], f.box[3]);
    return { x: x1, y: y1, w: x2 - x1, h: y2 - y1 };
  });
  const rectFor = (own: Rect, label: string): Rect => {
    const h = 9.5;
    const w = doc.widthOfString(label) + 4;
    const x = Math.min(Math.max(own.x, frame.x), frame.x + frame.width - w);
    const y = own.y - h >= frame.y ? own.y - h : own.y; // above the box, or inside it at the image's top edge
    return { x, y, w, h };
  };
  // Every finding keeps room for at least its ref; a full label must not cover that room, a box, or a label before it.
  const minimal = findings.map((f, i) => rectFor(boxes[i]!, f.ref));
  const placed: Rect[] = [];
  findings.forEach((f, i) => {
    const full = `${f.ref} ${className(f.class)}`;
    const wide = rectFor(boxes[i]!, full);
    const others = (list: Rect[]) => list.some((r, j) => j !== i && overlaps(r, wide));
    const crowded = placed.some((r) => overlaps(r, wide)) || others(boxes) || others(minimal);
    const label = crowded ? f.ref : full;
    const r = crowded ? minimal[i]! : wide;
    placed.push(r);
    const colour = colourOf(f.class);
    doc.rect(r.x, r.y, r.w, r.h).fillColor(colour, 1).fill();
    doc.fillColor(textOn(colour)).text(label, r.x + 2, r.y + 1.2, { lineBreak: false });
  });
  doc.restore();
}

// ------------------------------------------------------------------ sections

/** Finding ids (fnd_ + 20 characters) fit on one line at this size. */
const ID_SIZE = 6.3;
const findingColumns: Column[] = [
  { header: 'Ref', width: 30 },
  { header: 'Finding id', width: 101, font: 'mono', size: ID_SIZE },
  { header: 'Class', width: 58 },
  { header: 'Location (px)', width: 74 },
  { header: 'Size (px)', width: 38 },
  { header: 'Score', width: 30, align: 'right' },
  { header: 'Decision', width: 43 },
  { header: 'Reviewer', width: 50 },
  { header: 'Note', width: 87 },
];

function findingNote(f: ReportFinding): string {
  const parts: string[] = [];
  if (f.proposed) {
    const changes: string[] = [];
    if (f.proposed.class !== f.class) changes.push(`class ${className(f.proposed.class)}`);
    if (locationLabel({ box: f.proposed.box }) !== locationLabel(f)) changes.push(`box ${locationLabel({ box: f.proposed.box })}`);
    if (changes.length) parts.push(`Model proposed ${changes.join(', ')}.`);
  }
  if (f.source === 'reviewer') parts.push('Added by the reviewer.');
  if (f.note) parts.push(f.note);
  return parts.join(' ');
}

function findingRow(f: ReportFinding, colourOf: (c: string) => string): Row {
  return [
    { text: f.ref, font: 'condBold' },
    f.id,
    { text: className(f.class), swatch: colourOf(f.class) },
    locationLabel(f),
    sizeLabel(f),
    scoreLabel(f),
    f.status,
    f.decidedBy ? `${f.decidedBy}\n${day(f.decidedAt)}` : dash,
    findingNote(f),
  ];
}

function imageState(img: ReportImage): string {
  if (img.state === 'not-analysed') return 'not analysed';
  if (img.state === 'failed') return `analysis failed: ${orDash(img.problem)}`;
  return `${img.analysis!.modelId} ${img.analysis!.modelVersion}`;
}

function imageFacts(img: ReportImage, rendition: Rendition | null): string {
  const facts = [
    img.width && img.height ? `${img.width}×${img.height} px` : 'size unknown',
    img.bitsPerSample ? `${img.bitsPerSample}-bit` : null,
    img.mime,
    bytesLabel(img.fileBytes),
    `sha256 ${img.sha256}`,
  ].filter(Boolean);
  const lines = [facts.join(' · ')];
  if (img.analysis) lines.push(`Analysed ${stamp(img.analysis.at)} by ${img.analysis.modelId} ${img.analysis.modelVersion}${img.analysis.threshold !== null ? `, threshold ${img.analysis.threshold} for every class` : ''}.`);
  if (rendition?.window) lines.push(`16-bit samples shown through the display window ${rendition.window.low}–${rendition.window.high} (mapped linearly to 8 bits); the findings were made on the original samples.`);
  return lines.join('\n');
}

function metricRows(model: ReportModel): { headline: string; perClass: { columns: string[]; rows: string[][] } | null; notes: string[] } {
  const metrics = model.installed?.metrics ?? {};
  const label: Record<string, string> = {
    map50: 'mAP@0.5', map50_95: 'mAP@0.5:0.95', mean_iou: 'mean IoU', mean_dice: 'mean Dice', ap50: 'AP@0.5', ap50_95: 'AP@0.5:0.95', iou: 'IoU', dice: 'Dice',
    split: 'Evaluated on', measured: 'Measured', measured_with: 'Measured with',
  };
  const name = (k: string) => label[k] ?? k.replace(/_/g, ' ');
  const num = (v: number) => (Number.isInteger(v) ? String(v) : v.toFixed(3));
  const headline = Object.entries(metrics).filter(([, v]) => typeof v === 'number').map(([k, v]) => `${name(k)} ${num(v as number)}`).join(' · ');
  const notes = Object.entries(metrics).filter(([, v]) => typeof v === 'string').map(([k, v]) => `${name(k)}: ${v as string}`);
  let perClass = null;
  const pc = metrics.per_class;
  if (pc && typeof pc === 'object' && !Array.isArray(pc)) {
    const entries = Object.entries(pc as Record<string, unknown>).filter(([, v]) => v && typeof v === 'object') as Array<[string, Record<string, unknown>]>;
    const keys = [...new Set(entries.flatMap(([, v]) => Object.keys(v).filter((k) => typeof v[k] === 'number')))];
    if (entries.length && keys.length) {
      perClass = { columns: keys.map(name), rows: entries.map(([c, v]) => [c, ...keys.map((k) => (typeof v[k] === 'number' ? num(v[k]) : dash))]) };
    }
  }
  return { headline, perClass, notes };
}

// ------------------------------------------------------------------ the document

export async function renderReportPdf(data: ReportData, images: ReportImageSource, options: RenderOptions = {}): Promise<Buffer> {
  const { doc, layout: L, finish } = openDocument({
    Title: `Inspection report: ${data.job.name}`,
    Author: data.generatedBy,
    Subject: `Job ${data.job.id}; audit chain head ${data.audit.headHash ?? 'none'}`,
    Keywords: 'inspection report, Chitti',
    Creator: `Chitti ${data.chittiVersion}`,
    CreationDate: new Date(data.generatedAt),
  });
  const classes = [...new Set(data.models.flatMap((m) => m.installed?.classes ?? []))];
  const colourOf = (c: string) => reportClassColour(c, classes);
  const { job, summary } = data;
  const totalKept = summary.totals.accepted + summary.totals.edited;

  // ---- first page: job, review status, summary
  doc.outline.addItem('Summary');
  L.text('Inspection report', { font: 'bold', size: 20, gap: 2 });
  L.text(job.name, { font: 'sans', size: 13, gap: 12 });
  L.fields([
    ['Client', orDash(job.client)], ['Site', orDash(job.site)],
    ['Component', orDash(job.component)], ['Procedure', orDash(job.procedure)],
    ['Inspector', orDash(job.inspector)], ['Dates', job.startDate || job.endDate ? `${job.startDate ?? '?'} – ${job.endDate ?? '?'}` : dash],
    ['Job id', job.id], ['Job created', day(job.createdAt)],
    ['Report', `${stamp(data.generatedAt)} by ${data.generatedBy}`], ['Software', `Chitti ${data.chittiVersion}`],
  ]);

  const imgs = summary.images;
  L.text(
    `${plural(imgs.total, 'image')}: ${imgs.analysed} analysed, ${imgs.failed} failed, ${imgs.notAnalysed} not analysed. ` +
      `${plural(totalKept, 'finding')} accepted${summary.totals.edited ? ` (${summary.totals.edited} of them edited by a reviewer)` : ''}, ` +
      `${summary.totals.rejected} rejected, on ${plural(imgs.withFindings, 'image')}.`,
    { gap: 8 },
  );
  if (summary.totals.proposed > 0) {
    const open = data.images.filter((i) => i.proposed > 0).length;
    L.notice(`Review not complete: ${plural(summary.totals.proposed, 'finding')} on ${plural(open, 'image')} ${summary.totals.proposed === 1 ? 'is' : 'are'} still waiting for a decision. They are counted below but not listed or drawn in this report.`, 'warn');
  }
  if (!data.audit.intact) {
    L.notice(`The workspace's audit trail did not verify when this report was made (${plural(data.audit.problems, 'problem')}; see "chitti audit verify").`, 'bad');
  }
  if (imgs.failed > 0) L.notice(`${plural(imgs.failed, 'image')} could not be analysed; see the list of images.`, 'warn');

  L.heading('Findings by class and decision', 2);
  if (summary.byClass.length === 0) L.text('No findings.', { color: MUTED, gap: 8 });
  else {
    const t = summary.totals;
    L.table(
      [{ header: 'Class', width: 160 }, ...['Accepted', 'Edited', 'Rejected', 'Awaiting review', 'Total'].map((h) => ({ header: h, width: 70, align: 'right' as const }))],
      [
        ...summary.byClass.map((c) => [
          { text: className(c.class), swatch: colourOf(c.class) },
          String(c.accepted), String(c.edited), String(c.rejected), String(c.proposed), String(c.accepted + c.edited + c.rejected + c.proposed),
        ]),
        ['All classes', String(t.accepted), String(t.edited), String(t.rejected), String(t.proposed), String(t.accepted + t.edited + t.rejected + t.proposed)],
      ],
      { boldLast: true },
    );
  }
  L.text('Accepted: confirmed as proposed. Edited: accepted with a class, outline or position corrected by the reviewer. Rejected: judged not a defect (appendix A).', { size: 7.5, color: MUTED, gap: 10 });

  L.heading('Images', 2);
  if (data.images.length === 0) L.text('No images in this job.', { color: MUTED, gap: 8 });
  else L.table(
    [
      { header: '#', width: 22 }, { header: 'Image', width: 120 }, { header: 'Pixels', width: 58 }, { header: 'Depth', width: 30 },
      { header: 'Analysis', width: 130 }, { header: 'Accepted', width: 40, align: 'right' }, { header: 'Rejected', width: 40, align: 'right' },
      { header: 'Awaiting', width: 40, align: 'right' },
    ],
    data.images.map((i) => [
      String(i.number), i.name, i.width && i.height ? `${i.width}×${i.height}` : dash, i.bitsPerSample ? `${i.bitsPerSample}-bit` : dash,
      { text: imageState(i), color: i.state === 'failed' ? BAD_INK : i.state === 'not-analysed' ? MUTED : INK },
      String(i.findings.length), String(i.rejected.length), String(i.proposed),
    ]),
  );
  if (data.documents.length) {
    L.text(`Documents in the job (not analysed): ${data.documents.map((d) => `${d.name} (${d.mime}, ${bytesLabel(d.fileBytes)})`).join('; ')}.`, { size: 8, color: MUTED, gap: 8 });
  }

  // ---- each image with accepted findings, drawn
  const withFindings = data.images.filter((i) => i.findings.length > 0);
  const images$ = doc.outline.addItem('Images with findings');
  for (const img of withFindings) {
    L.newPage();
    images$.addItem(`${img.number} ${img.name}`);
    L.text(`Image ${img.number} · ${img.name}`, { font: 'bold', size: 12, gap: 2 });
    let rendition: Rendition | null = null;
    let failure: string | null = null;
    try {
      rendition = await images.rendition(img, FULL_IMAGE_PIXELS);
    } catch (e) {
      if (!(e instanceof ChittiError)) throw e;
      failure = e.message;
    }
    L.text(imageFacts(img, rendition), { size: 7.5, color: MUTED, gap: 6 });
    const room = { x: MARGIN.left, y: L.y, width: CONTENT_WIDTH, height: Math.min(430, BOTTOM - L.y - 80) };
    if (rendition && img.width && img.height) {
      const frame = fitFrame(img.width, img.height, room);
      doc.image(rendition.jpeg, frame.x, frame.y, { width: frame.width, height: frame.height });
      doc.rect(frame.x, frame.y, frame.width, frame.height).lineWidth(0.5).strokeColor(RULE).stroke();
      drawFindings(doc, frame, img.findings, colourOf);
      L.y = frame.y + frame.height + 10;
    } else {
      L.notice(`The image cannot be shown: ${(failure ?? 'its size is unknown').replace(/\.$/, '')}. Its findings are listed below.`, 'bad');
    }
    L.table(findingColumns, img.findings.map((x) => findingRow(x, colourOf)));
  }

  // ---- the other images, small
  const others = data.images.filter((i) => i.findings.length === 0);
  if (others.length) {
    L.newPage();
    doc.outline.addItem('Images without accepted findings');
    L.heading('Images without accepted findings');
    const cols = 3;
    const gap = 14;
    const cellW = (CONTENT_WIDTH - gap * (cols - 1)) / cols;
    const imgH = 130;
    const cellH = imgH + 34;
    let col = 0;
    for (const img of others) {
      if (col === 0) L.ensure(cellH);
      const x = MARGIN.left + col * (cellW + gap);
      const top = L.y;
      let drawn = false;
      if (img.width && img.height) {
        try {
          const r = await images.rendition(img, SHEET_IMAGE_PIXELS);
          const frame = fitFrame(img.width, img.height, { x, y: top, width: cellW, height: imgH }, 'left');
          doc.image(r.jpeg, frame.x, frame.y, { width: frame.width, height: frame.height });
          doc.rect(frame.x, frame.y, frame.width, frame.height).lineWidth(0.5).strokeColor(RULE).stroke();
          drawn = true;
        } catch (e) {
          if (!(e instanceof ChittiError)) throw e;
        }
      }
      if (!drawn) {
        doc.rect(x, top, cellW, imgH).fill('#f1f3f4');
        doc.font('sans').fontSize(8).fillColor(MUTED).text('cannot be shown', x, top + imgH / 2 - 5, { width: cellW, align: 'center' });
      }
      const status = img.state === 'analysed'
        ? [img.rejected.length ? `${img.rejected.length} rejected` : 'no findings', img.proposed ? `${img.proposed} awaiting review` : ''].filter(Boolean).join(', ')
        : imageState(img);
      doc.font('condBold').fontSize(7.5).fillColor(INK).text(`${img.number} · ${img.name}`, x, top + imgH + 4, { width: cellW, height: 10, ellipsis: true, lineBreak: false });
      doc.font('cond').fontSize(7.5).fillColor(img.state === 'failed' ? BAD_INK : MUTED).text(status, x, top + imgH + 14, { width: cellW, height: 18, ellipsis: true });
      col = (col + 1) % cols;
      L.y = col === 0 ? top + cellH : top;
    }
    if (col !== 0) L.y = L.y + cellH;
  }

  // ---- models
  L.newPage();
  doc.outline.addItem('Models');
  L.heading('Models');
  if (data.models.length === 0) L.text('No image of this job was analysed by a model.', { color: MUTED, gap: 8 });
  for (const m of data.models) {
    L.heading(m.installed ? `${m.installed.title}` : m.id, 2);
    L.fields([
      ['Id', m.id], ['Version', m.version],
      ['Task', m.installed ? (m.installed.task === 'detect' ? 'detection (boxes)' : 'segmentation (outlines)') : dash], ['Images', String(m.images)],
    ], 60);
    L.text('SHA-256 of the model file', { size: 8, color: MUTED });
    L.text(m.sha256, { font: 'mono', size: 8.5, gap: 6 });
    if (!m.installed) {
      L.notice(m.notInstalled ?? 'Not installed.', 'warn');
      continue;
    }
    const { headline, perClass, notes } = metricRows(m);
    if (headline) L.text(`Measured: ${headline}`, { size: 9, gap: 4 });
    for (const n of notes) L.text(n, { size: 8, color: MUTED });
    L.y = L.y + 4;
    if (perClass) {
      L.table([{ header: 'Class', width: 110 }, ...perClass.columns.map((c) => ({ header: c, width: 70, align: 'right' as const }))],
        perClass.rows.map(([c, ...v]) => [{ text: className(c!), swatch: colourOf(c!) }, ...v]), { width: 110 + 70 * perClass.columns.length });
    }
    const sentence = (s: string) => (/[.!?]$/.test(s.trim()) ? s.trim() : `${s.trim()}.`);
    L.text(`Training data: ${sentence(orDash(m.installed.trainingData))}`, { size: 8, color: MUTED });
    L.text(`Licence: ${sentence(m.installed.licence)}`, { size: 8, color: MUTED, gap: 12 });
  }

  // ---- appendix: rejected findings
  L.newPage();
  doc.outline.addItem('Appendix A: rejected findings');
  L.heading('Appendix A: rejected findings');
  const rejected = data.images.flatMap((i) => i.rejected.map((r) => ({ img: i, r })));
  if (rejected.length === 0) L.text('No finding was rejected.', { color: MUTED, gap: 10 });
  else {
    L.text('Proposals a reviewer judged not to be defects. They are listed for the record and not drawn on the images.', { size: 8.5, color: MUTED, gap: 6 });
    L.table(
      [
        { header: 'Ref', width: 34 }, { header: 'Image', width: 64 }, { header: 'Finding id', width: 101, font: 'mono', size: ID_SIZE }, { header: 'Class', width: 54 },
        { header: 'Location (px)', width: 74 }, { header: 'Size (px)', width: 38 }, { header: 'Score', width: 30, align: 'right' },
        { header: 'Reason', width: 76 }, { header: 'Reviewer', width: 50 },
      ],
      rejected.map(({ img, r }) => [
        { text: r.ref, font: 'condBold' }, img.name, r.id, className(r.class), locationLabel(r), sizeLabel(r), scoreLabel(r),
        [r.rejectReason, r.note].filter(Boolean).join('. ') || dash, r.decidedBy ? `${r.decidedBy}\n${day(r.decidedAt)}` : dash,
      ]),
    );
  }

  // ---- the audit head, last
  L.ensure(150);
  L.y = L.y + 8;
  L.heading('Audit trail', 2);
  L.text(
    `Every change in the workspace (import, analysis, each review decision) is an entry of a SHA-256 hash chain. ` +
      `When this report was made the chain held ${plural(data.audit.entries, 'entry', 'entries')}` +
      `${data.audit.intact ? ' and verified intact' : `, and did NOT verify (${plural(data.audit.problems, 'problem')})`}. Its head:`,
    { size: 9, gap: 4 },
  );
  L.text(`${data.audit.headSeq !== null ? `entry #${data.audit.headSeq}  ` : ''}${data.audit.headHash ?? '(empty)'}`, { font: 'mono', size: 8.5, gap: 6 });
  L.text('"chitti audit verify" on the workspace shows this head, or a later one whose chain still holds this entry ("chitti audit log"): that ties this report to the database it came from.', { size: 8, color: MUTED, gap: 6 });
  if (options.signature) {
    L.text(`This PDF is digitally signed by ${options.signature.signer}; a PDF reader shows the signature and whether the document changed since.`, { size: 8, color: MUTED });
  }

  // ---- header and footer on every page
  pageFurniture(doc, {
    title: `Inspection report · ${job.name}`,
    id: job.id,
    footer: `Generated ${stamp(data.generatedAt)} by ${data.generatedBy} · audit head ${data.audit.headHash ? `${data.audit.headHash.slice(0, 16)}…` : 'none'}`,
  });

  if (options.signature) options.signature.addPlaceholder(doc);
  return finish();
}
