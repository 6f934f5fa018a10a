import type { BBox, TextRun } from './types.ts';

/**
 * A filled PDF form keeps its answers in widget annotations, which pdf.js's
 * text content does not include: the inspector's name, the dates, the
 * comments and the ticked boxes of a form like TREC REI 7-6 would be lost.
 * They become runs at the fields' places: text and choice fields with their
 * value, checkboxes and radio buttons as ☒ (on) or ☐ (off), as the printed
 * page shows them. FreeText annotations (text typed onto the page) too.
 */

export const CHECKED = '☒';
export const UNCHECKED = '☐';

/** The subset of pdf.js's annotation data read here. */
interface AnnotationData {
  subtype?: string;
  fieldType?: string;
  fieldValue?: unknown;
  exportValue?: unknown;
  buttonValue?: unknown;
  checkBox?: boolean;
  radioButton?: boolean;
  hidden?: boolean;
  rect?: number[];
  defaultAppearanceData?: { fontSize?: number; fontName?: string };
  contentsObj?: { str?: string };
}

type Matrix = number[];

function toViewport(rect: number[], vt: Matrix): BBox | null {
  if (rect.length < 4 || !rect.every(Number.isFinite)) return null;
  const [x0, y0, x1, y1] = rect as [number, number, number, number];
  const pts = [[x0, y0], [x1, y0], [x0, y1], [x1, y1]].map(([x, y]) => [
    vt[0]! * x! + vt[2]! * y! + vt[4]!, vt[1]! * x! + vt[3]! * y! + vt[5]!,
  ]);
  const xs = pts.map((p) => p[0]!);
  const ys = pts.map((p) => p[1]!);
  const r = (v: number) => Math.round(v * 100) / 100;
  return [r(Math.min(...xs)), r(Math.min(...ys)), r(Math.max(...xs)), r(Math.max(...ys))];
}

function valueText(a: AnnotationData): string | null {
  if (a.fieldType === 'Btn' && (a.checkBox || a.radioButton)) {
    const on = a.checkBox ? a.fieldValue !== undefined && a.fieldValue !== 'Off' && a.fieldValue === a.exportValue
      : a.fieldValue !== undefined && a.fieldValue === a.buttonValue;
    return on ? CHECKED : UNCHECKED;
  }
  if (a.fieldType === 'Tx' || a.fieldType === 'Ch') {
    const v = Array.isArray(a.fieldValue) ? a.fieldValue.join(', ') : typeof a.fieldValue === 'string' ? a.fieldValue : '';
    return v.replace(/\s+/g, ' ').trim() || null;
  }
  return null;
}

export function formFieldRuns(annotations: unknown[], viewportTransform: Matrix): TextRun[] {
  const runs: TextRun[] = [];
  for (const raw of annotations) {
    const a = raw as AnnotationData;
    if (a.hidden || !a.rect) continue;
    const text = a.subtype === 'Widget' ? valueText(a) : a.subtype === 'FreeText' ? (a.contentsObj?.str ?? '').replace(/\s+/g, ' ').trim() || null : null;
    if (!text) continue;
    const bbox = toViewport(a.rect, viewportTransform);
    if (!bbox) continue;
    const boxHeight = bbox[3] - bbox[1];
    // Size 0 in a field's appearance means "auto": the viewer fits the text to the box.
    const declared = a.defaultAppearanceData?.fontSize ?? 0;
    const fontSize = Math.round((declared > 0 ? declared : Math.min(12, Math.max(4, boxHeight * 0.7))) * 100) / 100;
    runs.push({ text, bbox, fontSize, bold: false, italic: false });
  }
  return runs;
}
