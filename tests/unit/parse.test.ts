import { describe, expect, it } from 'vitest';
import { pageList } from '../../src/core/parse/context.ts';
import { formFieldRuns } from '../../src/core/parse/form-fields.ts';
import { htmlToBlocks } from '../../src/core/parse/html-blocks.ts';
import { DEFAULT_LIMITS } from '../../src/core/parse/limits.ts';
import { fontStyleFromName, textRuns, type FontLookup } from '../../src/core/parse/pdf-text.ts';
import { renderScale } from '../../src/core/parse/render.ts';
import { judgeTextLayer } from '../../src/core/parse/text-layer-quality.ts';
import { textToBlocks } from '../../src/core/parse/text.ts';

/** The parser's pure parts; the formats end to end are in tests/integration/parse.test.ts. */

describe('judgeTextLayer', () => {
  it('calls a broken font encoding garbage (text as pdf.js extracts it from the P&ID drawing)', () => {
    const pid = `").! !$' ()$' )#  ! ( %,( (%'. #$//!( %,( +) +) )# '" ' %=:13>> 092 9>?=@839?0?6:9 ! '')) #$# #$'"! #$'"! $%)$#! )'% # "! " !)'`;
    const verdict = judgeTextLayer(pid);
    expect(verdict.kind).toBe('garbage');
  });

  it('keeps text that is mostly numbers, leaders, form marks or codes', () => {
    const samples = [
      'Decks/Slabs ........................................ 2 Wearing Surface ....................... 2 Superstructure ...................... 2',
      'CML 7 0.52 0.523 0.502 0.506 0.522 0.52 0.509 0.524 8 0.801 0.801 0.802 0.859 0.801 0.801 0.803 0.801',
      'Form # 131 Rev. 1 10/06/16 UT Report ☐ Yes ☒ No N/A ±0.5 mm (ref.) $1,200 -5°C ASME IX QW-402 P-No.8 to P-No.8',
      'Empty /MediaBox Empty /CropBox "Elements" FIELD INSPECTION AND CODING MANUAL 1/2" (ft) [see 3.1]',
    ];
    for (const text of samples) expect(judgeTextLayer(text).kind, text).toBe('text');
  });

  it('does not judge a few characters, and knows an empty layer', () => {
    expect(judgeTextLayer('%$# !)(')).toMatchObject({ kind: 'text' });
    expect(judgeTextLayer('  \n ')).toEqual({ kind: 'empty' });
  });
});

describe('textRuns', () => {
  const fonts: FontLookup = (name) => (name === 'bold' ? { name: 'Arial-BoldMT', bold: true, italic: false } : { name: 'ArialMT', bold: false, italic: false });
  const styles = { regular: { ascent: 0.9, descent: -0.2, vertical: false, fontFamily: 'sans-serif' }, bold: { ascent: 0.9, descent: -0.2, vertical: false, fontFamily: 'sans-serif' } };
  /** An item at baseline (x, y) in PDF user space (y up), `width` long, 10 pt. */
  const item = (str: string, x: number, y: number, width: number, fontName = 'regular', hasEOL = false) =>
    ({ str, dir: 'ltr', transform: [10, 0, 0, 10, x, y], width, height: 10, fontName, hasEOL });
  const FLIP = [1, 0, 0, -1, 0, 792]; // a Letter page's viewport at scale 1

  it('joins fragments split mid-word, joins words into phrases, and keeps far-apart cells apart', () => {
    const items = [
      item('Insp', 72, 700, 20), item('ection', 92.5, 700, 30), // 0.05 em gap: one word
      item('Date', 125, 700, 20), // 0.3 em: the next word of the phrase
      item('06/20/2017', 200, 700, 50), // 5.5 em: another cell
    ];
    const runs = textRuns({ items, styles, lang: null }, FLIP, fonts);
    expect(runs.map((r) => r.text)).toEqual(['Inspection Date', '06/20/2017']);
    // Top-left origin: baseline at 792 - 700 = 92 pt, ascent 9 pt above it, descent 2 pt below.
    expect(runs[0]!.bbox).toEqual([72, 83, 145, 94]);
    expect(runs[0]).toMatchObject({ fontSize: 10, fontName: 'ArialMT', bold: false });
  });

  it('never joins across a font change, a line break or text drawn over itself', () => {
    const items = [
      item('Report No.:', 72, 700, 50, 'bold'), item('54-11-001', 123, 700, 40),
      item('first line', 72, 680, 40, 'regular', true), item('second line', 112.5, 680, 40),
      item('overprint', 72, 660, 40), item('overprint', 72, 660, 40),
      item('next', 72, 640, 20), item('line', 92, 628, 20),
    ];
    const runs = textRuns({ items, styles, lang: null }, FLIP, fonts);
    expect(runs.map((r) => r.text)).toEqual(['Report No.:', '54-11-001', 'first line', 'second line', 'overprint', 'overprint', 'next', 'line']);
    expect(runs[0]!.bold).toBe(true);
  });

  it('puts text of a rotated page (/Rotate 90) in the rotated page frame', () => {
    // A Letter page turned 90°: viewport [0, 1, 1, 0, 0, 0] maps user (x, y) to (y, x).
    const runs = textRuns({ items: [item('Rotated', 100, 50, 35)], styles, lang: null }, [0, 1, 1, 0, 0, 0], fonts);
    expect(runs).toHaveLength(1);
    const [x0, y0, x1, y1] = runs[0]!.bbox;
    // The text now runs down the page from (50, 100).
    expect(x1 - x0).toBeCloseTo(11, 5);
    expect(y1 - y0).toBeCloseTo(35, 5);
    expect(y0).toBeCloseTo(100, 5);
  });
});

describe('fontStyleFromName', () => {
  it.each([
    ['BCDEEE+Calibri', 'Calibri', false, false],
    ['PMXMFA+Arial-BoldMT', 'Arial-BoldMT', true, false],
    ['ASUPYC+Arial-BoldItalicMT', 'Arial-BoldItalicMT', true, true],
    ['Helvetica-BoldOblique', 'Helvetica-BoldOblique', true, true],
    ['DDDDLD+Arial,Bold', 'Arial,Bold', true, false],
    ['TimesNewRoman,Italic', 'TimesNewRoman,Italic', false, true],
    ['Arial-Black', 'Arial-Black', true, false],
    ['FranklinGothic-Medium', 'FranklinGothic-Medium', false, false],
    ['Tahoma', 'Tahoma', false, false],
  ])('%s', (raw, name, bold, italic) => {
    expect(fontStyleFromName(raw)).toEqual({ name, bold, italic });
  });

  it("uses pdf.js's flags when the name says nothing", () => {
    expect(fontStyleFromName(undefined, { bold: true, italic: true })).toEqual({ bold: true, italic: true });
  });
});

describe('form fields', () => {
  it('turns filled fields into runs at their places, ticked boxes as ☒', () => {
    const annotations = [
      { subtype: 'Widget', fieldType: 'Tx', fieldValue: 'Binsr  Demo', rect: [39, 674, 331, 690], defaultAppearanceData: { fontSize: 0 } },
      { subtype: 'Widget', fieldType: 'Tx', fieldValue: '', rect: [39, 600, 331, 620] },
      { subtype: 'Widget', fieldType: 'Btn', checkBox: true, fieldValue: '1', exportValue: '1', rect: [33, 652, 43, 662] },
      { subtype: 'Widget', fieldType: 'Btn', checkBox: true, fieldValue: 'Off', exportValue: '1', rect: [51, 652, 61, 662] },
      { subtype: 'Widget', fieldType: 'Btn', radioButton: true, fieldValue: 'B', buttonValue: 'B', rect: [70, 652, 80, 662] },
      { subtype: 'Widget', fieldType: 'Ch', fieldValue: ['Satisfactory'], rect: [100, 500, 200, 512], defaultAppearanceData: { fontSize: 9 } },
      { subtype: 'Widget', fieldType: 'Tx', fieldValue: 'hidden', hidden: true, rect: [0, 0, 10, 10] },
      { subtype: 'Link', rect: [0, 0, 10, 10] },
    ];
    const runs = formFieldRuns(annotations, [1, 0, 0, -1, 0, 792]);
    expect(runs.map((r) => r.text)).toEqual(['Binsr Demo', '☒', '☐', '☒', 'Satisfactory']);
    expect(runs[0]).toMatchObject({ bbox: [39, 102, 331, 118], fontSize: 11.2 });
    expect(runs[4]!.fontSize).toBe(9);
  });
});

describe('render scale', () => {
  it('renders at the asked dpi when it fits, scales down when not, refuses when even 18 dpi does not fit', () => {
    expect(renderScale(612, 792, 300, DEFAULT_LIMITS)).toBeCloseTo(300 / 72, 10);
    const giant = renderScale(14_400, 14_400, 300, DEFAULT_LIMITS);
    expect((14_400 * giant) ** 2).toBeLessThanOrEqual(DEFAULT_LIMITS.renderMaxPixels);
    expect(() => renderScale(200_000, 200_000, 72, DEFAULT_LIMITS)).toThrow(expect.objectContaining({ code: 'DOCUMENT_TOO_LARGE' }));
  });
});

describe('flow blocks', () => {
  it("reads mammoth's HTML: nested lists, a table in a cell, bold, page breaks", () => {
    const html = '<h1>Report</h1><p><strong>All bold</strong></p><p>Mixed <strong>bold</strong></p>' +
      '<ul><li>One<ul><li>One.a</li></ul></li><li><p>Two</p><p>continued</p></li></ul>' +
      '<table><tr><td><p>A</p><p>B</p></td><td><table><tr><td>x</td><td>y</td></tr></table></td></tr></table><hr /><p>After &amp; more</p>';
    expect(htmlToBlocks(html)).toEqual([
      { kind: 'heading', level: 1, text: 'Report' },
      { kind: 'paragraph', text: 'All bold', bold: true },
      { kind: 'paragraph', text: 'Mixed bold' },
      { kind: 'list-item', level: 1, text: 'One' },
      { kind: 'list-item', level: 2, text: 'One.a' },
      { kind: 'list-item', level: 1, text: 'Two\ncontinued' },
      { kind: 'table', rows: [['A\nB', 'x | y']] },
      { kind: 'page-break' },
      { kind: 'paragraph', text: 'After & more' },
    ]);
  });

  it('reads plain text: a numbered heading above prose is not a list', () => {
    expect(textToBlocks('1. Scope\nThe vessel shell.\n\n1. First\n2. Second')).toEqual([
      { kind: 'paragraph', text: '1. Scope\nThe vessel shell.' },
      { kind: 'list-item', level: 1, text: 'First' },
      { kind: 'list-item', level: 1, text: 'Second' },
    ]);
  });

  it('writes page lists as ranges', () => {
    expect(pageList([4, 1, 2, 3, 9, 7, 8])).toBe('1-4, 7-9');
    expect(pageList([5])).toBe('5');
  });
});
