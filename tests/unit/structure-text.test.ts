import { describe, expect, it } from 'vitest';
import { labelKey, normalizeKey, parseInlineField, splitLineFields } from '../../src/core/structure/fields.ts';
import { assignLevels, isCaption, looksLikeHeading, splitNumbering } from '../../src/core/structure/headings.ts';
import { buildLines } from '../../src/core/structure/lines.ts';
import { isNumericCell, listMarker, splitQuantityPair } from '../../src/core/structure/text.ts';
import { row, run } from '../helpers/synthetic-pages.ts';

const lineOf = (...runs: Parameters<typeof buildLines>[1]) => {
  const lines = buildLines(1, runs);
  expect(lines).toHaveLength(1);
  return lines[0]!;
};

describe('field keys and values', () => {
  it('normalises keys so that the same label matches however it is printed', () => {
    expect(normalizeKey('Report No.')).toBe('report no');
    expect(normalizeKey('REPORT  NO')).toBe('report no');
    expect(normalizeKey('Report #')).toBe('report no');
    expect(normalizeKey('Oper. Press.(psi)')).toBe('oper press psi');
    expect(normalizeKey('4.8.2 Next internal inspection is due by')).toBe('next internal inspection is due by');
  });

  it('reads "Key: value" in one run, but not a time, a URL or a sentence that ends in a colon', () => {
    expect(parseInlineField('Report No.: 54-11-001-11')).toEqual({ key: 'Report No.', value: '54-11-001-11' });
    expect(parseInlineField('Inspector : Alex Rivera')).toEqual({ key: 'Inspector', value: 'Alex Rivera' });
    expect(parseInlineField('Inspected at 14:28 IST')).toBeNull();
    expect(parseInlineField('see https://example.org/x')).toBeNull();
    expect(labelKey('Inspection Date :')).toBe('Inspection Date');
    expect(labelKey('The inspector IS required to:')).toBeNull();
  });

  it('reads a quantity after a short label', () => {
    expect(splitQuantityPair('MAWP 150 psi')).toEqual({ key: 'MAWP', value: '150 psi' });
    expect(splitQuantityPair('Design Temp. 125 degF')).toEqual({ key: 'Design Temp.', value: '125 degF' });
    expect(splitQuantityPair('The shell was inspected in 2017')).toBeNull();
  });

  it('pairs a label run with the value run to its right on the same line', () => {
    const line = lineOf(run('Report No.:', 66, 136, { size: 11, bold: true, italic: true }), run('54-11-001-11', 137, 137, { size: 9.75 }));
    const pieces = splitLineFields(line);
    expect(pieces).toHaveLength(1);
    expect(pieces[0]).toMatchObject({ kind: 'field', field: { key: 'Report No.', value: '54-11-001-11', inline: false } });
  });

  it('reads two pairs on one line, and a bold label with nothing after it as an empty field', () => {
    const line = lineOf(...row(100, [['Vessel:', 20], ['54-11-001', 120], ['Cert No.:', 300]], { size: 9 }));
    const fields = splitLineFields(line).flatMap((p) => (p.kind === 'field' ? [[p.field.key, p.field.value]] : []));
    expect(fields).toEqual([['Vessel', '54-11-001'], ['Cert No.', '']]);
    const blank = splitLineFields(lineOf(run('Comments:', 126, 150, { italic: true })));
    expect(blank).toMatchObject([{ kind: 'field', field: { key: 'Comments', value: '' } }]);
    // The same words in plain text at a line's end are prose ('… with the following stipulations:').
    expect(splitLineFields(lineOf(run('stipulations:', 60, 150)))).toMatchObject([{ kind: 'text' }]);
  });
});

describe('numbers, list markers and captions', () => {
  it('tells measurements from words', () => {
    for (const t of ['0.813', '-20', '1,250', '3/4', "12'", '2"', '>20', '4.7%', '225 psi', 'N/A', '6/20/2017', '120 – 160', '- - -']) {
      expect(isNumericCell(t), t).toBe(true);
    }
    for (const t of ['Shell 1', 'CS1', 'Nominal', 'CS - A516 70', '']) expect(isNumericCell(t), t).toBe(false);
  });

  it('finds list markers', () => {
    expect(listMarker('• UT thickness readings')).toBe('•');
    expect(listMarker('•UT thickness readings')).toBe('•');
    expect(listMarker('a) The following nozzle')).toBe('a)');
    expect(listMarker('1. Combined sampling')).toBe('1.');
    expect(listMarker('-20 degF')).toBeNull();
    expect(listMarker('3.1.1 The vessel has')).toBeNull();
  });

  it('splits heading numbers from titles', () => {
    expect(splitNumbering('3.0 INSPECTION RESULTS, IN-SERVICE')).toEqual({ number: '3.0', title: 'INSPECTION RESULTS, IN-SERVICE', depth: 1 });
    expect(splitNumbering('3.1.2 Shell')).toEqual({ number: '3.1.2', title: 'Shell', depth: 3 });
    expect(splitNumbering('3.1 Foundation:')).toEqual({ number: '3.1', title: 'Foundation', depth: 2 });
    expect(splitNumbering('QW-402 JOINTS')).toEqual({ number: 'QW-402', title: 'JOINTS' });
    expect(splitNumbering('Section 4 Scope')).toEqual({ number: 'Section 4', title: 'Scope' });
    expect(splitNumbering('APPENDIX A')).toEqual({ number: 'APPENDIX A', title: 'APPENDIX A' });
    expect(splitNumbering('A. QUANTITY')).toEqual({ number: 'A.', title: 'QUANTITY' });
    expect(splitNumbering('☒ ☐ ☐ ☐ A. Foundations')).toEqual({ number: 'A.', title: 'Foundations' });
    expect(splitNumbering('Executive Summary')).toEqual({ title: 'Executive Summary' });
    expect(isCaption('TABLE A')).toBe(true);
  });
});

describe('headings', () => {
  const ctx = { bodySize: 10, bodyBold: false, gapAbove: 20, gapBelow: 10 };
  const single = (text: string, style: { size?: number; bold?: boolean } = {}) => lineOf(run(text, 50, 100, style));

  it('knows a heading by size, weight, capitals and numbering', () => {
    expect(looksLikeHeading('1.0 EXECUTIVE SUMMARY', single('1.0 EXECUTIVE SUMMARY', { size: 15, bold: true }), ctx)).toBe(true);
    expect(looksLikeHeading('3.1 Foundation:', single('3.1 Foundation:', { size: 10.5, bold: true }), ctx)).toBe(true);
    expect(looksLikeHeading('PURPOSE OF INSPECTION', single('PURPOSE OF INSPECTION'), ctx)).toBe(true);
  });

  it('does not take values, formulas, sentences, list items or row pieces for headings', () => {
    expect(looksLikeHeading('54-11-001', single('54-11-001', { size: 15, bold: true }), ctx)).toBe(false);
    expect(looksLikeHeading('3.1.1 The vessel has 2 carbon steel supports.', single('3.1.1 The vessel has 2 carbon steel supports.'), ctx)).toBe(false);
    expect(looksLikeHeading('PR/(SE-0.6P) = t', single('PR/(SE-0.6P) = t', { size: 14 }), ctx)).toBe(false);
    expect(looksLikeHeading('2) In Lieu Of Guide Requirements', single('2) In Lieu Of Guide Requirements', { size: 14 }), ctx)).toBe(false);
    const legend = lineOf(...row(59, [['I=Inspected', 36], ['NI=Not Inspected', 126], ['NP=Not Present', 243]], { bold: true }));
    expect(looksLikeHeading(legend.text, legend, ctx)).toBe(false);
    expect(looksLikeHeading('PURPOSE OF INSPECTION', single('PURPOSE OF INSPECTION'), { ...ctx, continuesAbove: true })).toBe(false);
  });

  it('levels headings by decimal numbering, and by size where they are not numbered', () => {
    expect(assignLevels([
      { fontSize: 15, bold: true, depth: 1 }, { fontSize: 10.5, bold: true, depth: 2 }, { fontSize: 18, bold: true }, { fontSize: 11, bold: true },
    ])).toEqual([1, 2, 1, 2]);
    expect(assignLevels([{ fontSize: 18, bold: true }, { fontSize: 12, bold: true }, { fontSize: 10, bold: true }, { fontSize: 10.02, bold: true }, { fontSize: 12, bold: false }]))
      .toEqual([1, 2, 4, 4, 3]);
  });
});
