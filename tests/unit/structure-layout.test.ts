import { describe, expect, it } from 'vitest';
import { buildLines } from '../../src/core/structure/lines.ts';
import { attachOffsetValues } from '../../src/core/structure/offset-values.ts';
import { findFurniture } from '../../src/core/structure/page-furniture.ts';
import { readingOrder } from '../../src/core/structure/reading-order.ts';
import { findTables, type TableFinding } from '../../src/core/structure/tables.ts';
import { paragraph, row, run } from '../helpers/synthetic-pages.ts';

const texts = (t: Extract<TableFinding, { kind: 'table' }>) => t.table.rows.map((r) => r.map((c) => c.text));

describe('lines', () => {
  it('puts runs that share a baseline on one line, left to right, whatever their size', () => {
    const lines = buildLines(1, [run('54-11-001-11', 137, 137, { size: 9.75 }), run('Report No.:', 66, 136, { size: 11.25, bold: true }), run('Inspector :', 66, 151, { size: 11.25, bold: true })]);
    expect(lines.map((l) => l.text)).toEqual(['Report No.: 54-11-001-11', 'Inspector :']);
    expect(lines[0]!.segments.map((s) => s.text)).toEqual(['Report No.:', '54-11-001-11']);
  });

  it('splits a line into segments at wide gaps, keeps justified words together and glues split words', () => {
    const [line] = buildLines(1, [
      // Justified: 10 pt between words of 12 pt text (as on page 3 of the API 510 report).
      run('4.8.1', 62, 300, { size: 12, width: 27 }), run('Next', 99, 300, { size: 12, width: 25 }), run('external', 134, 300, { size: 12, width: 43 }),
      run('REI 7-6 (8/', 300, 300, { size: 12, width: 40 }), run('9', 340, 300, { size: 12, width: 5 }), run('/21)', 345, 300, { size: 12, width: 14 }),
    ]);
    expect(line!.segments.map((s) => s.text)).toEqual(['4.8.1 Next external', 'REI 7-6 (8/9/21)']);
  });

  it('keeps a bullet or a row of checkboxes with the text they mark, and drops a fake-bold double print', () => {
    const [a, b] = buildLines(1, [
      run('\uF0B7', 41, 335, { width: 5 }), run('use this form for the inspection;', 59, 335),
      run('☒', 33, 360, { width: 10 }), run('☐', 51, 360, { width: 10 }), run('A. Foundations', 108, 360, { bold: true }),
      run('A. Foundations', 108.4, 360.3, { bold: true }),
    ]);
    expect(a!.segments.map((s) => s.text)).toEqual(['• use this form for the inspection;']);
    expect(b!.segments.map((s) => s.text)).toEqual(['☒ ☐ A. Foundations']);
  });

  it('puts a tall form value on the line it covers most, not on the line above', () => {
    const lines = buildLines(1, [
      run('C. Roof Covering Materials', 108, 228, { bold: true, size: 11 }),
      run('Types of Roof Covering:', 126, 239.6, { italic: true, size: 11, width: 97 }),
      { text: 'The surface of the entryway was covered', bbox: [222.5, 230.7, 576, 250], fontSize: 10, bold: false, italic: false },
    ]);
    expect(lines.map((l) => l.text)).toEqual(['C. Roof Covering Materials', 'Types of Roof Covering: The surface of the entryway was covered']);
  });

  it('puts a boxed value that sits above or below its centred label back beside it', () => {
    const lines = attachOffsetValues(buildLines(1, [
      run('Building 20, No.998, Dongda Road Suzhou', 404, 383, { size: 9 }),
      run('Factory Address:', 314, 388, { size: 9, bold: true }),
      run('City, Jiangsu, China.', 404, 393.4, { size: 9 }),
    ]));
    expect(lines).toHaveLength(1);
    expect(lines[0]!.segments.map((s) => s.text)).toEqual(['Factory Address:', 'Building 20, No.998, Dongda Road Suzhou City, Jiangsu, China.']);
  });
});

describe('reading order', () => {
  it('reads a two-column page left column first, with a full-width title before both', () => {
    const left = paragraph(50, 120, ['Left column line one is long enough', 'left column line two carries on here', 'left column line three says more', 'left column line four still going', 'left column line five ends it.'], { width: 230 });
    const right = paragraph(330, 120, ['Right column line one is also long', 'right column line two carries it on', 'right column line three says more', 'right column line four keeps going', 'right column line five ends it.'], { width: 230 });
    const title = run('A TITLE ACROSS BOTH COLUMNS OF THE PAGE', 50, 80, { width: 510 });
    const ordered = readingOrder(buildLines(1, [title, ...left, ...right]));
    expect(ordered.map((l) => l.text.split(' ').slice(0, 2).join(' '))).toEqual([
      'A TITLE', 'Left column', 'left column', 'left column', 'left column', 'left column',
      'Right column', 'right column', 'right column', 'right column', 'right column',
    ]);
    expect(ordered.slice(1, 6).every((l) => l.column === 1)).toBe(true);
  });

  it('does not split a table into columns', () => {
    const lines = buildLines(1, [0, 1, 2, 3, 4, 5, 6].flatMap((i) => row(100 + i * 14, [[`Span ${i}`, 60], [`${4000 + i}`, 150], [`${i}`, 200], ['0', 250], [`Note number ${i} on this span`, 300]])));
    expect(readingOrder(lines).every((l) => l.column === 0)).toBe(true);
  });
});

describe('tables', () => {
  /** A thickness table: a header over two lines (tight), body rows further apart. */
  const thickness = [
    ...row(100, [['CML', 40], ['Nominal', 120], ['Actual', 200], ['Minimum', 280]], { size: 8, bold: true }),
    ...row(109, [['Thickness', 118], ['Thickness', 198], ['Required', 280]], { size: 8, bold: true }),
    ...row(126, [['N1', 42], ['0.813', 124], ['0.796', 204], ['0.719', 284]], { size: 8 }),
    ...row(140, [['N2', 42], ['0.530', 124], ['0.497', 204], ['0.421', 284]], { size: 8 }),
    ...row(154, [['N3', 42], ['0.530', 124], ['', 204], ['0.421', 284]].filter(([t]) => t !== '') as Array<[string, number]>, { size: 8 }),
  ];

  it('finds a table with a header drawn over two lines, and leaves an empty cell empty', () => {
    const [t] = findTables(buildLines(1, thickness));
    expect(t?.kind).toBe('table');
    if (t?.kind !== 'table') return;
    expect(t.table.headerRows).toBe(1);
    expect(texts(t)).toEqual([
      ['CML', 'Nominal Thickness', 'Actual Thickness', 'Minimum Required'],
      ['N1', '0.813', '0.796', '0.719'],
      ['N2', '0.530', '0.497', '0.421'],
      ['N3', '0.530', '', '0.421'],
    ]);
    expect(t.table.rows[1]![1]!.bbox).toEqual([124, 126, 144, 134]);
  });

  it('keeps a title and a paragraph above the table out of it', () => {
    const lines = buildLines(1, [run('TABLE A', 150, 84, { size: 12, bold: true }), ...thickness]);
    const [t] = findTables(lines);
    expect(t).toMatchObject({ kind: 'table', start: 1 });
  });

  it('does not see a table in two short lines or in prose', () => {
    expect(findTables(buildLines(1, [...row(100, [['Span 1', 60], ['4800', 150]]), ...row(114, [['Span 2', 60], ['4600', 150]])]))).toEqual([]);
    expect(findTables(buildLines(1, paragraph(50, 100, ['A sentence of prose that runs on', 'over several lines of the page', 'and ends here.'])))).toEqual([]);
  });

  it('reads a grid of labels and values as fields', () => {
    const lines = buildLines(1, [
      ...row(150, [['MAWP (psi):', 71], ['225', 194], ['Product:', 267], ['TriMethylamine', 375]], { size: 11 }),
      ...row(172, [['MDMT (degF):', 71], ['-20', 194], ['Year Built:', 267], ['1977', 375]], { size: 11 }),
      ...row(194, [['Length (inch)', 71], ['432.500', 194], ['Const Code', 267], ['ASME S8 D1', 375]], { size: 11 }),
    ]);
    const [form] = findTables(lines);
    expect(form?.kind).toBe('form');
    if (form?.kind !== 'form') return;
    expect(form.fields.map((f) => [f.key, f.value])).toEqual([
      ['MAWP (psi)', '225'], ['Product', 'TriMethylamine'], ['MDMT (degF)', '-20'], ['Year Built', '1977'], ['Length (inch)', '432.500'], ['Const Code', 'ASME S8 D1'],
    ]);
  });

  it('reads captions printed under their values as fields', () => {
    const lines = buildLines(1, [
      ...row(104, [['Binsr Demo', 40], ['08/13/2025', 350]]),
      ...row(118, [['Name of Client', 39], ['Date of Inspection', 347]], { italic: true }),
      ...row(131, [['Binsr', 40], ['Data not found', 350]]),
      ...row(145, [['Name of Inspector', 39], ['TREC License #', 347]], { italic: true }),
    ]);
    const [form] = findTables(lines);
    expect(form?.kind === 'form' && form.fields.map((f) => [f.key, f.value])).toEqual([
      ['Name of Client', 'Binsr Demo'], ['Date of Inspection', '08/13/2025'], ['Name of Inspector', 'Binsr'], ['TREC License #', 'Data not found'],
    ]);
  });

  it('reads labels over one row of values as fields, but a header over one row of measurements as a table', () => {
    const labels = buildLines(1, [
      ...row(91, [['Report No.', 104], ['Client', 220], ['Inspector', 330]], { size: 8, bold: true }),
      ...row(106, [['54-11-001-11', 100], ['SACHEM', 215], ['Alex Rivera', 320]], { size: 8 }),
    ]);
    expect(findTables(labels)).toMatchObject([{ kind: 'form', fields: [{ key: 'Report No.', value: '54-11-001-11' }, { key: 'Client', value: 'SACHEM' }, { key: 'Inspector', value: 'Alex Rivera' }] }]);
    const oneRow = buildLines(1, [
      ...row(100, [['Location', 67], ['CS1', 154], ['CS2', 190], ['Notes', 298]], { size: 9 }),
      ...row(118, [['Whole Bridge', 67], ['0', 154], ['1', 190], ['Anode reading low.', 298]], { size: 9 }),
    ]);
    expect(findTables(oneRow)).toMatchObject([{ kind: 'table', table: { headerRows: 1, rows: [[{ text: 'Location' }, { text: 'CS1' }, { text: 'CS2' }, { text: 'Notes' }], [{ text: 'Whole Bridge' }, { text: '0' }, { text: '1' }, { text: 'Anode reading low.' }]] } }]);
  });

  it('joins a note that wraps onto a second line back into its cell', () => {
    const lines = buildLines(1, [
      ...row(100, [['Location', 67], ['CS1', 154], ['Notes', 298]], { size: 9 }),
      ...row(118, [['Span 1', 67], ['4800', 154], ['Minor map cracking on underside', 298]], { size: 9 }),
      ...row(128, [['near west curb.', 298]], { size: 9 }),
      ...row(146, [['Span 2', 67], ['4600', 154], ['Efflorescence visible.', 298]], { size: 9 }),
      ...row(164, [['Span 3', 67], ['4500', 154], ['Heavy efflorescence.', 298]], { size: 9 }),
    ]);
    const [t] = findTables(lines);
    expect(t?.kind === 'table' && texts(t).map((r) => r[2])).toEqual(['Notes', 'Minor map cracking on underside near west curb.', 'Efflorescence visible.', 'Heavy efflorescence.']);
  });
});

describe('running headers and footers', () => {
  const pageOf = (n: number, body: string) => ({
    page: n, height: 792,
    lines: buildLines(n, [
      run('INSPECTION REPORT', 100, 25, { size: 14, bold: true }), run('Inspection No.: 55G998A', 300, 25, { size: 14 }),
      ...paragraph(50, 200, [body, 'and more of it', 'to fill the page']), run(`Page ${n} of 4`, 280, 760),
    ]),
  });

  it('finds text repeated at the top and bottom of at least half the pages, page numbers included', () => {
    const pages = [1, 2, 3, 4].map((n) => pageOf(n, `Body text of page ${n}`));
    const found = findFurniture(pages);
    const kinds = pages.flatMap((p) => p.lines.flatMap((l) => l.segments.map((s) => [s.text, found.get(s) ?? 'body'])));
    expect(kinds.filter(([, k]) => k === 'header')).toHaveLength(8);
    expect(kinds.filter(([, k]) => k === 'footer').map(([t]) => t)).toEqual(['Page 1 of 4', 'Page 2 of 4', 'Page 3 of 4', 'Page 4 of 4']);
    expect(kinds.filter(([t]) => String(t).startsWith('Body')).every(([, k]) => k === 'body')).toBe(true);
  });

  it('leaves repeated content below a page-specific title alone', () => {
    const pages = [1, 2].map((n) => ({
      page: n, height: 792,
      lines: buildLines(n, [run(`Element ${n * 100}: ${n === 1 ? 'Deck' : 'Girder'}`, 50, 50, { size: 14, bold: true }), ...row(96, [['Location', 67], ['CS1', 154], ['Notes', 298]])]),
    }));
    expect(findFurniture(pages).size).toBe(0);
  });
});
