import type { Line } from './lines.ts';
import { isAllCaps, letterCount, stripCheckboxes, wordCount } from './text.ts';

/**
 * Headings: what makes a line a heading (size, weight, capitals, numbering,
 * standing apart), the numbering printed before the title, and the level.
 */

export interface Numbering {
  /** As printed: '3.0', '3.1.2', 'QW-402', 'Section 4', 'APPENDIX A', 'A.', 'I.'. */
  number?: string;
  title: string;
  /** Depth of a decimal number ('3.0' → 1, '3.1' → 2, '3.1.2' → 3); other numbering has none. */
  depth?: number;
}

const NUMBERING: Array<{ re: RegExp; decimal?: boolean }> = [
  { re: /^((?:section|chapter|part|appendix|annex|article|element)\s+(?:\d+(?:[.-]\d+)*[A-Z]?|[A-Z]{1,4}-\d+|[A-Z]|[IVX]{1,4})\b)[.:]?(?:\s+[-–—:]?\s*(.+))?$/i },
  // Code paragraphs ('QW-402', 'UG-27'), but not the names of standards ('API-510 PRESSURE VESSEL …').
  { re: /^((?!(?:API|ASME|ISO|AWS|ASTM|ANSI|NACE|DIN|BS|EN)-)[A-Z]{1,4}-\d+(?:\.\d+)*)\.?\s+(.+)$/ },
  { re: /^(\d+(?:\.\d+)+\.?|\d+\.)\s+(.+)$/, decimal: true },
  { re: /^(\d+)\s+(\p{Lu}.+)$/u, decimal: true },
  { re: /^((?:[A-Z]|[IVX]{1,4})[.)])\s+(.+)$/ },
];

/** Splits the printed number from the title; the title loses a trailing ':' ('3.1 Foundation:' → '3.1', 'Foundation'). */
export function splitNumbering(text: string): Numbering {
  const t = stripCheckboxes(text).trim();
  for (const { re, decimal } of NUMBERING) {
    const m = re.exec(t);
    if (!m) continue;
    const number = m[1]!.trim();
    const title = (m[2] ?? '').replace(/\s*:$/, '').trim();
    if (decimal) {
      const parts = number.replace(/\.$/, '').split('.');
      while (parts.length > 1 && /^0+$/.test(parts.at(-1)!)) parts.pop();
      return { number, title: title || t, depth: parts.length };
    }
    return { number, title: title || number };
  }
  return { title: t.replace(/\s*:$/, '') };
}

/** 'TABLE A', 'Figure 3 – …': captions, read as text, not as headings. */
export const isCaption = (text: string): boolean => /^(table|figure|fig\.|photo|exhibit)\s+[\dA-Z]+\b/i.test(text.trim());

export interface HeadingContext {
  /** Font size and weight of the body text on this page. */
  bodySize: number;
  bodyBold: boolean;
  /** White space above and below the line (Infinity at a page or column edge). */
  gapAbove: number;
  gapBelow: number;
  /** The line above is in the same style and close: this line carries on a block rather than opening one. */
  continuesAbove?: boolean;
}

const MAX_HEADING_WORDS = 14;

/** True when the line (or two lines of one heading, joined) reads as a heading. */
export function looksLikeHeading(text: string, line: Pick<Line, 'fontSize' | 'bold' | 'segments'>, ctx: HeadingContext): boolean {
  // A checklist item's ticked boxes in front of it ('☒ ☐ ☐ ☐ A. Foundations') do not change what it is.
  const t = stripCheckboxes(text).trim();
  const words = wordCount(t);
  if (words === 0 || words > MAX_HEADING_WORDS || t.length > 120) return false;
  // Three or more pieces spread over the line are a legend or a row of cells, not a title; so are two far apart.
  if (line.segments.length > 2) return false;
  if (line.segments.length === 2 && line.segments[1]!.bbox[0] - line.segments[0]!.bbox[2] > 3 * line.fontSize) return false;
  // Headings have words: '54-11-001' or '06/20/2017' on their own are values.
  const bare = splitNumbering(t).title;
  if (letterCount(bare) < 2 || letterCount(bare) < 0.5 * bare.replace(/\s/g, '').length) return false;
  // A formula ('PR/(SE-0.6P) = t'), an aside in brackets or a list item ('2) …', '• …') is not a title.
  if (/=/.test(t) || /^[([]/.test(t) || /^(?:[•●○◦▪■□➢►‣∙·*-]|\(?\w{1,3}\))\s*/.test(t)) return false;
  // 'I NI NP D' (column keys) is not a title: a heading has a word of three letters or more.
  if (!/\p{L}{3,}/u.test(t)) return false;
  if (/[,;]$/.test(t) || isCaption(t)) return false;
  const sentence = /[.!?]$/.test(t) && !/^([A-Z]|[IVX]+)\.$/.test(t) && words > 2;
  if (sentence) return false;

  if (ctx.continuesAbove) return false;
  const ratio = line.fontSize / Math.max(1, ctx.bodySize);
  const apart = ctx.gapAbove >= 0.5 * line.fontSize;
  const numbering = splitNumbering(t);
  if (ratio >= 1.25) return true;
  // A number in a cell of its own and a word far to its right ('3' … 'PASSED') is a table row.
  const [first, second] = line.segments;
  if (numbering.number !== undefined && second && first!.text.trim() === numbering.number && second.bbox[0] - first!.bbox[2] > 3 * line.fontSize) return false;
  // Bold all through: a bold label followed by a plain value ('Report No.' … '1') is a field, not a heading.
  const bold = line.segments.every((s) => s.bold);
  if (bold && !ctx.bodyBold && ratio >= 0.95 && words <= 10 && (numbering.number !== undefined || isAllCaps(t) || apart)) return true;
  if (isAllCaps(t, 4) && ratio >= 0.95 && words <= 8 && apart && ctx.gapBelow >= 0.3 * line.fontSize) return true;
  return numbering.depth !== undefined && words <= 10 && (bold || isAllCaps(numbering.title)) && ratio >= 1.05;
}

export interface HeadingStyle {
  fontSize: number;
  bold: boolean;
  depth?: number;
}

/**
 * Levels for the headings of one document. A decimal number says its level
 * ('3.1.2' is 3). Other headings take their level from their size: the level
 * of the numbered headings of that size or smaller, or, in a document without
 * decimal numbering, the rank of their style (larger first, bold before regular).
 */
export function assignLevels(headings: readonly HeadingStyle[]): number[] {
  const numbered = headings.filter((h) => h.depth !== undefined);
  if (numbered.length > 0) {
    const depths = [...new Set(numbered.map((h) => h.depth!))].sort((a, b) => a - b);
    const sizeOf = depths.map((d) => Math.min(...numbered.filter((h) => h.depth === d).map((h) => h.fontSize)));
    return headings.map((h) => {
      if (h.depth !== undefined) return Math.min(6, h.depth);
      const i = sizeOf.findIndex((s) => h.fontSize >= s * 0.97);
      return Math.min(6, i >= 0 ? depths[i]! : depths.at(-1)! + 1);
    });
  }
  // Sizes within 10% of each other are one tier; bold ranks above regular only within a tier.
  const tiers: number[] = [];
  for (const size of [...new Set(headings.map((h) => h.fontSize))].sort((a, b) => b - a)) {
    if (!tiers.some((t) => Math.abs(t - size) <= 0.1 * t)) tiers.push(size);
  }
  const tierOf = (h: HeadingStyle) => tiers.findIndex((t) => Math.abs(t - h.fontSize) <= 0.1 * t);
  const keys = [...new Set(headings.map((h) => `${tierOf(h)}|${h.bold ? 0 : 1}`))].sort((a, b) => {
    const [ta, ba] = a.split('|').map(Number);
    const [tb, bb] = b.split('|').map(Number);
    return ta! - tb! || ba! - bb!;
  });
  return headings.map((h) => Math.min(6, keys.indexOf(`${tierOf(h)}|${h.bold ? 0 : 1}`) + 1));
}
