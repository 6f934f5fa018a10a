import type { ReportData, ReportFinding, ReportImage } from './report-data.ts';

/**
 * The report as data: JSON (the whole ReportData, for archives and other
 * tools) and CSV (one row per decided finding, for spreadsheets).
 */
export function reportJson(data: ReportData): string {
  return `${JSON.stringify(data, null, 2)}\n`;
}

export const CSV_COLUMNS = [
  'job_id', 'image_number', 'image', 'asset_id', 'ref', 'finding_id', 'class', 'decision', 'source', 'score',
  'x1', 'y1', 'x2', 'y2', 'width', 'height', 'reviewer', 'decided_at', 'note', 'reject_reason', 'model_class', 'model_box',
] as const;

/**
 * A text field for a spreadsheet: quoted when it must be (RFC 4180), and one
 * that a spreadsheet would run as a formula (=, +, -, @, tab, CR first) gets a
 * leading apostrophe, so a note like `=HYPERLINK(…)` stays text.
 */
function text(v: string | null): string {
  if (v === null) return '';
  const safe = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
const num = (v: number | null, digits = 2) => (v === null ? '' : String(Number(v.toFixed(digits))));

function row(data: ReportData, img: ReportImage, f: ReportFinding): string {
  const [x1, y1, x2, y2] = f.box;
  return [
    text(data.job.id), String(img.number), text(img.name), text(img.assetId), text(f.ref), text(f.id), text(f.class), f.status, f.source,
    num(f.score, 5), num(x1), num(y1), num(x2), num(y2), num(x2 - x1), num(y2 - y1),
    text(f.decidedBy), text(f.decidedAt), text(f.note), text(f.rejectReason),
    text(f.proposed?.class ?? null), f.proposed ? text(f.proposed.box.map((v) => num(v)).join(' ')) : '',
  ].join(',');
}

/** UTF-8, CRLF line ends, a header row; accepted and edited findings of each image, then its rejected ones. */
export function reportCsv(data: ReportData): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const img of data.images) for (const f of [...img.findings, ...img.rejected]) lines.push(row(data, img, f));
  return `${lines.join('\r\n')}\r\n`;
}
