import { describe, expect, it } from 'vitest';
import { buildDocumentModel, flattenSections, toMarkdown } from '../../src/core/structure/index.ts';
import { flowDoc, page, pagedDoc, paragraph, row, run } from '../helpers/synthetic-pages.ts';

/** A three-page report: a running header with a field, numbered sections, a table, a footer with page numbers. */
function report() {
  const header = (n: number) => [run('ACME INSPECTIONS', 50, 20, { size: 9 }), run('Report No.: R-17', 400, 20, { size: 9 }), run(`Page ${n} of 3`, 280, 770, { size: 9 })];
  return pagedDoc([
    page(1, [
      ...header(1),
      run('1.0 SUMMARY', 50, 80, { size: 15, bold: true }),
      ...paragraph(50, 110, ['The vessel was inspected on site and found to be', 'in satisfactory condition overall.']),
      run('2.0 RESULTS', 50, 170, { size: 15, bold: true }),
      run('2.1 Shell', 50, 200, { size: 11, bold: true }),
      ...paragraph(50, 225, ['• UT readings were taken on the shell.', '• No pitting was seen.'], { pitch: 14 }),
      run('MAWP 150 psi', 50, 270),
    ]),
    page(2, [
      ...header(2),
      run('2.2 Heads', 50, 80, { size: 11, bold: true }),
      ...row(110, [['CML', 50], ['Location', 120], ['Reading', 250]], { bold: true }),
      ...row(126, [['1', 52], ['North Head', 120], ['0.518', 252]]),
      ...row(142, [['2', 52], ['South Head', 120], ['0.526', 252]]),
      ...row(158, [['3', 52], ['Shell | top', 120], ['0.81', 252]]),
    ]),
    page(3, [...header(3), run('3.0 RECOMMENDATIONS', 50, 80, { size: 15, bold: true }), ...paragraph(50, 110, ['None at this time.'])]),
  ]);
}

describe('the document model of paged documents', () => {
  it('builds the section tree from numbered headings and puts each block in its section', () => {
    const model = buildDocumentModel(report());
    const tree = model.sections.map((s) => ({ n: s.number, t: s.title, c: s.children.map((c) => `${c.number} ${c.title}`) }));
    expect(tree).toEqual([
      { n: '1.0', t: 'SUMMARY', c: [] },
      { n: '2.0', t: 'RESULTS', c: ['2.1 Shell', '2.2 Heads'] },
      { n: '3.0', t: 'RECOMMENDATIONS', c: [] },
    ]);
    const shell = flattenSections(model.sections).find((s) => s.title === 'Shell')!;
    const inShell = model.blocks.filter((b) => b.sectionId === shell.id);
    expect(inShell.map((b) => b.kind)).toEqual(['heading', 'list-item', 'list-item', 'field']);
    expect(inShell.find((b) => b.kind === 'field')?.field).toEqual({ key: 'MAWP', normalizedKey: 'mawp', value: '150 psi' });
    expect(model.blocks.map((b) => b.order)).toEqual(model.blocks.map((_, i) => i));
    expect(new Set(model.blocks.map((b) => b.id)).size).toBe(model.blocks.length);
  });

  it('keeps running headers and footers as blocks outside the sections, fields included', () => {
    const model = buildDocumentModel(report());
    const edges = model.blocks.filter((b) => b.kind === 'header' || b.kind === 'footer');
    expect(edges.filter((b) => b.kind === 'footer').map((b) => b.text)).toEqual(['Page 1 of 3', 'Page 2 of 3', 'Page 3 of 3']);
    expect(edges.every((b) => b.sectionId === null)).toBe(true);
    expect(edges.filter((b) => b.field?.normalizedKey === 'report no').map((b) => [b.page, b.field!.value])).toEqual([[1, 'R-17'], [2, 'R-17'], [3, 'R-17']]);
    expect(model.blocks.filter((b) => b.kind === 'paragraph').some((b) => b.text.includes('ACME'))).toBe(false);
  });

  it('finds the table in its section with its header row', () => {
    const model = buildDocumentModel(report());
    const table = model.blocks.find((b) => b.kind === 'table')!;
    expect(table.table!.headerRows).toBe(1);
    expect(table.table!.rows.map((r) => r.map((c) => c.text))).toEqual([['CML', 'Location', 'Reading'], ['1', 'North Head', '0.518'], ['2', 'South Head', '0.526'], ['3', 'Shell | top', '0.81']]);
    expect(flattenSections(model.sections).find((s) => s.id === table.sectionId)?.title).toBe('Heads');
  });

  it('breaks paragraphs where the spacing opens up or a caption leads a line, and joins lines inside them', () => {
    const model = buildDocumentModel(pagedDoc([page(1, [
      ...row(391, [['Condition State 1', 85], ['The element shows no deterioration. There may be', 193]], { size: 12 }),
      ...paragraph(85, 405, ['efflorescence and superficial cracking without effect on', 'serviceability.'], { size: 12, pitch: 14 }),
      ...row(440, [['Condition State 2', 85], ['Minor cracks and spalls may be present but there is no', 193]], { size: 12 }),
      run('exposed reinforcing.', 85, 454, { size: 12 }),
    ])]));
    expect(model.blocks.map((b) => [b.kind, b.text])).toEqual([
      ['paragraph', 'Condition State 1 The element shows no deterioration. There may be efflorescence and superficial cracking without effect on serviceability.'],
      ['paragraph', 'Condition State 2 Minor cracks and spalls may be present but there is no exposed reinforcing.'],
    ]);
  });

  it('lists a table of contents instead of taking its entries for the sections', () => {
    const model = buildDocumentModel(pagedDoc([page(1, [
      run('TABLE OF CONTENTS', 200, 80, { bold: true }),
      run('1.0 EXECUTIVE SUMMARY', 60, 100, { bold: true }), run('2.0 VESSEL DATA', 60, 114, { bold: true }),
    ]), page(2, [run('1.0 EXECUTIVE SUMMARY', 150, 80, { size: 15, bold: true }), ...paragraph(60, 120, ['An inspection was made.'])])]));
    expect(model.blocks.filter((b) => b.kind === 'list-item').map((b) => b.text)).toEqual(['1.0 EXECUTIVE SUMMARY', '2.0 VESSEL DATA']);
    expect(flattenSections(model.sections).map((s) => s.title)).toEqual(['TABLE OF CONTENTS', 'EXECUTIVE SUMMARY']);
  });

  it('writes Markdown: headings, lists, fields, a GFM table with escaped pipes, the running header once', () => {
    const md = toMarkdown(buildDocumentModel(report()));
    expect(md).toContain('# 1.0 SUMMARY\n\nThe vessel was inspected on site and found to be in satisfactory condition overall.');
    expect(md).toContain('## 2.1 Shell\n\n- UT readings were taken on the shell.\n- No pitting was seen.\n\n**MAWP:** 150 psi');
    expect(md).toContain('| CML | Location | Reading |\n| --- | --- | --- |\n| 1 | North Head | 0.518 |');
    expect(md).toContain('| 3 | Shell \\| top | 0.81 |');
    expect(md.match(/\*\*Report No\.:\*\* R-17/g)).toHaveLength(1);
  });

  it('notes pages that could not be read and pages read by OCR', () => {
    const scanned = { ...page(2, [run('Scanned words', 50, 100)]), textSource: 'ocr' as const, ocrConfidence: 0.87 };
    const model = buildDocumentModel(pagedDoc([page(1, [run('First page', 50, 100)]), scanned], {
      pageCount: 3, unreadablePages: [{ page: 3, reason: 'the page stream is damaged' }],
    }));
    const md = toMarkdown(model);
    expect(md).toContain('> Page 2 is a scan: its text was read by OCR (mean word confidence 87%)');
    expect(md).toContain('> **Page 3 could not be read:** the page stream is damaged');
    expect(model.pages.map((p) => p.textSource)).toEqual(['text-layer', 'ocr']);
  });
});

describe('the document model of flowing documents', () => {
  it('keeps the blocks the file declares, splits heading numbers, finds fields and a table header', () => {
    const model = buildDocumentModel(flowDoc([
      { kind: 'heading', level: 1, text: '1. Scope' },
      { kind: 'paragraph', text: 'Inspector: Alex Rivera\nDate: 2017-06-20' },
      { kind: 'paragraph', text: 'The work covered the shell and heads.' },
      { kind: 'heading', level: 2, text: '1.1 Readings' },
      { kind: 'list-item', level: 1, text: '• Shell readings are above minimum.' },
      { kind: 'table', rows: [['CML', 'Reading'], ['1', '0.518'], ['2']] },
      { kind: 'page-break' },
      { kind: 'heading', level: 1, text: '2. Findings' },
    ]));
    expect(model.blocks.map((b) => [b.kind, b.page, b.text])).toEqual([
      ['heading', 1, '1. Scope'], ['field', 1, 'Inspector: Alex Rivera'], ['field', 1, 'Date: 2017-06-20'],
      ['paragraph', 1, 'The work covered the shell and heads.'], ['heading', 1, '1.1 Readings'],
      ['list-item', 1, 'Shell readings are above minimum.'], ['table', 1, 'CML | Reading\n1 | 0.518\n2 | '], ['heading', 2, '2. Findings'],
    ]);
    expect(model.blocks.every((b) => b.bbox === undefined)).toBe(true);
    expect(model.sections.map((s) => [s.number, s.title, s.level, s.children.map((c) => c.title)])).toEqual([['1.', 'Scope', 1, ['Readings']], ['2.', 'Findings', 1, []]]);
    const table = model.blocks.find((b) => b.kind === 'table')!.table!;
    expect(table.headerRows).toBe(1);
    expect(table.rows[2]!.map((c) => c.text)).toEqual(['2', '']);
    expect(toMarkdown(model)).toContain('**Inspector:** Alex Rivera');
  });
});
