import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseDocument } from '../../src/core/parse/index.ts';
import { buildDocumentModel, flattenSections, toMarkdown, type Block, type DocumentModel } from '../../src/core/structure/index.ts';
import { SHARED_DATA } from '../helpers/workspace.ts';

/** A person's name as printed (two capitalised words): real names stay in ../shared, out of this repository. */
const PERSON_NAME = /^[A-Z][a-z]+ [A-Z][a-z]+$/;

/**
 * Structure detection on the real reports: what a person sees on the pages
 * (checked against the rendered pages), read through the real parser.
 */

const REPORTS = path.join(SHARED_DATA, 'reports');

async function modelOf(name: string): Promise<DocumentModel> {
  return buildDocumentModel(await parseDocument(new Uint8Array(await readFile(path.join(REPORTS, name)))));
}

const fields = (m: DocumentModel, kinds: Block['kind'][] = ['field']) =>
  m.blocks.filter((b) => b.field && kinds.includes(b.kind)).map((b) => b.field!);
const field = (m: DocumentModel, key: string, kinds?: Block['kind'][]) => fields(m, kinds).find((f) => f.normalizedKey === key);
const tables = (m: DocumentModel, page?: number) => m.blocks.filter((b) => b.table && (page === undefined || b.page === page)).map((b) => b.table!);
const cells = (t: { rows: Array<Array<{ text: string }>> }) => t.rows.map((r) => r.map((c) => c.text));
const sectionTitles = (m: DocumentModel) => flattenSections(m.sections).map((s) => `${s.number ? `${s.number} ` : ''}${s.title}`);

describe('API 510 in-service inspection report (25 pages)', () => {
  let m: DocumentModel;
  beforeAll(async () => {
    m = await modelOf('api510-vessel-54-11-001-inservice.pdf');
  });

  it('has the report\'s numbered sections, with their subsections under them', () => {
    const titles = sectionTitles(m);
    for (const t of ['1.0 EXECUTIVE SUMMARY', '2.0 VESSEL DATA', '3.0 INSPECTION RESULTS, IN-SERVICE', '4.0 RECOMMENDATIONS', '5.0 ULTRASONIC THICKNESS (UT) MEASUREMENTS', 'APPENDIX A Thickness Measurement Record']) {
      expect(titles).toContain(t);
    }
    const results = m.sections.find((s) => s.number === '3.0')!;
    expect(results.children.map((c) => `${c.number} ${c.title}`)).toEqual(['3.1 Foundation', '3.2 Shell', '3.3 Head(s)', '3.4 Appurtenances']);
    expect(results.page).toBe(5);
    // The table of contents lists the sections; it does not make them twice.
    expect(titles.filter((t) => t === '1.0 EXECUTIVE SUMMARY')).toHaveLength(1);
    expect(m.blocks.filter((b) => b.page === 2 && b.kind === 'list-item').map((b) => b.text)).toContain('3.1 Foundation');
  });

  it('reads the cover fields, the report number first', () => {
    const cover = m.blocks.filter((b) => b.page === 1 && b.kind === 'field').map((b) => [b.field!.key, b.field!.value]);
    // The inspector's name is checked by its form, so that no real person's name is copied into this repository.
    expect(cover.slice(0, 4)).toEqual([['Report No.', '54-11-001-11'], ['Inspector', expect.stringMatching(PERSON_NAME)], ['Employer', 'OilPro Consulting LLC'], ['Inspection Date', '06/20/2017']]);
  });

  it('reads the vessel data page as fields, the blank ones included', () => {
    const page4 = m.blocks.filter((b) => b.page === 4 && b.field).map((b) => [b.field!.key, b.field!.value]);
    expect(page4).toEqual(expect.arrayContaining([
      ['MAWP (psi)', '225'], ['Year Built', '1977'], ['NB No.', '51109'], ['Head Type', 'Hemispherical'], ['Length (inch)', '432.500'],
      ['Const Code', 'ASME S8 D1'], ['Oper. Temp. (degF)', ''], ['Medium', ''],
    ]));
    // The form repeats 'MAWP (psi):' blank further down the page.
    expect(page4.filter(([k]) => k === 'MAWP (psi)').map(([, v]) => v)).toEqual(['225', '']);
  });

  it('reads TABLE A with its header drawn over four lines', () => {
    const [tableA] = tables(m, 3);
    expect(tableA!.headerRows).toBe(1);
    expect(cells(tableA!)).toEqual([
      ['Component', 'Nominal Design Thickness (in.)', 'Actual Measured Thickness (in.)', 'Minimum Required Thickness (in.)', 'Design MAWP (psi) Internal', 'Calculated MAWP (psi) Internal', 'Remaining Life (years)'],
      ['Shell 1', '0.813', '0.796', '0.719', '225', '246.3', '180'],
      ['North Head', '0.530', '0.497', '0.421', '225', '257.1', '92.1'],
      ['South Head', '0.530', '0.493', '0.421', '225', '253.8', '77.9'],
    ]);
  });

  it('reads the nozzle thickness table of the calculation appendix', () => {
    const nozzles = tables(m, 17).find((t) => t.rows[0]![0]!.text === 'CML')!;
    expect(cells(nozzles)[0]).toEqual(['CML', 'Noz ID.', 'Size (inch)', 'Material', 'Age (year)', 't prev (inch)', 't act (inch)', 't min (inch)', 'Ca (inch)', 'Cr (inch/Yr)', 'RL (year)']);
    expect(cells(nozzles).slice(1).map((r) => r.join(' '))).toEqual([
      '171 N1 18 CS - A516 70 40.0 0.562 0.575 0.328 0.247 0 >20',
      '172 N2 2 CS - A516 70 40.0 0.154 0.162 0.135 0.027 0 >20',
      '173 N3 1 CS - A106 B 40.0 0.179 0.163 0.116 0.047 0.0004 117.5',
      '174 N4 2 CS - A516 70 40.0 0.218 0.214 0.135 0.079 0.0001 790',
      '175 N5 3 CS - A516 70 40.0 0.300 0.3 0.189 0.111 0 >20',
      '176 N6 3 CS - A516 70 40.0 0.300 0.302 0.189 0.113 0 >20',
      '177 N7 1 CS - A105 40.0 0.133 0.165 0.116 0.049 0 >20',
    ]);
  });

  it('reads the nozzle readings drawing page\'s table with its header', () => {
    const readings = tables(m, 20).find((t) => cells(t)[0]!.includes('CML Description'))!;
    const rows = cells(readings);
    expect(rows[0]!.slice(-6)).toEqual(['Size (in)', 'tmin*', '0° or Single', '90°', '180°', '270°']);
    expect(rows.find((r) => r.includes('N2 Vapor Out'))!.slice(-6)).toEqual(['2', '0.880', '0.163', '0.164', '0.162', '0.163']);
  });

  it('puts every block after the first heading in a section', () => {
    const firstHeading = m.blocks.findIndex((b) => b.kind === 'heading');
    expect(m.blocks.slice(firstHeading).every((b) => b.sectionId !== null)).toBe(true);
    const ids = new Set(flattenSections(m.sections).map((s) => s.id));
    expect(m.blocks.every((b) => b.sectionId === null || ids.has(b.sectionId))).toBe(true);
  });
});

describe('UT thickness readings (2 pages)', () => {
  let m: DocumentModel;
  beforeAll(async () => {
    m = await modelOf('ut-thickness-readings-2025.pdf');
  });

  it('reads the nozzle table: header row and readings as printed', () => {
    const [t] = tables(m, 1);
    expect(t!.headerRows).toBe(1);
    expect(cells(t!)).toEqual([
      ['Noz.', 'Desc.', 'Size (in)', 'tmin*', '0°', '90°', '180°', '270°'],
      ['1', 'Manway', '24', '0.375', '0.379', '0.38', '0.381', '0.381'],
      ['2', 'Relief', '3', '0.216', '0.201', '0.199', '0.195', '0.199'],
      ['3', 'Vapor Out', '2', '0.154', '0.139', '0.14', '0.138', '0.139'],
      ['4', 'Sight Gauge', '1', '0.133', '0.128', '0.13', '0.129', '0.125'],
      ['5', 'Sight Gauge', '1', '0.133', '0.125', '0.125', '0.123', '0.126'],
      ['6', 'Reactor Feed', '2', '0.154', '0.16', '0.156', '0.16', '0.16'],
      ['7', '', '2', '0.154', '0.159', '0.161', '0.152', '0.159'],
      ['8', 'Gauge', '1', '0.133', '0.127', '0.125', '0.126', '0.131'],
      ['9', 'Vapor In', '1', '0.133', '0.126', '0.126', '0.125', '0.125'],
      ['10', 'Out', '1', '0.133', '0.126', '0.126', '0.124', '0.127'],
      ['11', 'Out', '1', '0.133', '0.125', '0.124', '0.13', '0.125'],
      ['12', 'Gauge', '1', '0.133', '0.124', '0.126', '0.125', '0.125'],
    ]);
  });

  it('reads the shell table, with the missing 0° reading of CML 11 left empty and the head readings in the first reading column', () => {
    const [t] = tables(m, 2);
    const rows = cells(t!);
    expect(rows[0]).toEqual(['CML', 'Desc.', '0°', '45°', '90°', '135°', '180°', '224°', '270°', '315°']);
    expect(rows.find((r) => r[0] === '11')).toEqual(['11', "8'", '', '0.638', '0.637', '0.642', '0.641', '0.646', '0.643', '0.64']);
    expect(rows.find((r) => r[0] === '22')).toEqual(['22', 'West Head Center', '0.607', '', '', '', '', '', '', '']);
    expect(rows).toHaveLength(23);
  });

  it('recognises the form header repeated on both pages, with its fields', () => {
    for (const page of [1, 2]) {
      const headers = m.blocks.filter((b) => b.page === page && b.kind === 'header');
      expect(headers.map((b) => b.field?.key)).toEqual(['Company Name', 'Location', 'Inspection Date', 'Technician']);
      expect(headers.every((b) => b.sectionId === null)).toBe(true);
    }
    expect(field(m, 'company name', ['header'])?.value).toBe('SAChem');
  });
});

describe('UT examination report (6 pages, 2 of them scans)', () => {
  let m: DocumentModel;
  beforeAll(async () => {
    m = await modelOf('ut-examination-report-54-11-001.pdf');
  });

  it('reads the form fields of the first page', () => {
    const first = Object.fromEntries(m.blocks.filter((b) => b.page === 1 && b.field).map((b) => [b.field!.key, b.field!.value]));
    expect(first).toMatchObject({ Client: 'SAChem', Procedure: 'TNDT-UT-003 Rev. 3', 'Code/Specification': 'ASME Sec. V', Date: '11/4/2025', 'Serial Number': '140435-01-6' });
  });

  it('reads the shell readings of page 6 as one table down to CML 30', () => {
    const [t] = tables(m, 6);
    const rows = cells(t!);
    expect(rows[0]).toEqual(['CML', 'Desc.', '0°or Single', '45°', '90°', '135°', '180°', '225°', '270°', '315°']);
    expect(rows.find((r) => r[0] === '24')).toEqual(['24', '2" from NH Shell', 'N/A', '0.81', '0.804', '0.802', '0.802', '0.802', '0.802', '0.801']);
    expect(rows.at(-1)!.slice(0, 3)).toEqual(['30', 'North Head Center', '0.502']);
  });

  it('recognises the form\'s footer, which is all the scanned pages 2 and 4 have as text', () => {
    for (const page of [1, 2, 3, 4]) {
      expect(m.blocks.filter((b) => b.page === page && b.kind === 'footer').map((b) => b.text), `page ${page}`).toContain('Form # 131 Rev. 1 10/06/16 UT Report');
    }
    expect(m.blocks.filter((b) => b.page === 2).every((b) => b.kind === 'footer')).toBe(true);
  });
});

describe('bridge element inspection report (4 pages)', () => {
  let m: DocumentModel;
  beforeAll(async () => {
    m = await modelOf('bridge-element-inspection-synthetic.pdf');
  });

  it('has one section per element, under the report title', () => {
    const [root] = m.sections;
    expect(root!.title).toBe('BRIDGE INSPECTION REPORT');
    const elements = root!.children.filter((s) => s.number?.startsWith('Element'));
    expect(elements.map((s) => `${s.number}: ${s.title}`)).toEqual([
      'Element 12: Reinforced Concrete Deck', 'Element 107: Steel Open Girder/Beam', 'Element 215: Reinforced Concrete Abutment',
      'Element 205: Reinforced Concrete Column', 'Element 234: Reinforced Concrete Pier Cap', 'Element 310: Elastomeric Bearing',
      'Element 300: Strip Seal Expansion Joint', 'Element 330: Metal Bridge Railing', 'Element 510: Wearing Surfaces',
      'Element 8001: Steel Diaphragm', 'Element OW-44: Cathodic Protection System',
    ]);
  });

  it('gives each element its unit, quantity and condition-state table', () => {
    const deck = flattenSections(m.sections).find((s) => s.number === 'Element 12')!;
    const inDeck = m.blocks.filter((b) => b.sectionId === deck.id);
    expect(inDeck.filter((b) => b.field).map((b) => [b.field!.key, b.field!.value])).toEqual([['Unit', 'sq.ft.'], ['Total Quantity', '24500']]);
    const table = inDeck.find((b) => b.kind === 'table')!.table!;
    expect(table.headerRows).toBe(1);
    expect(cells(table)).toEqual([
      ['Location', 'CS1', 'CS2', 'CS3', 'CS4', 'Notes'],
      ['Span 1', '4800', '100', '0', '0', 'Minor map cracking on underside near west curb.'],
      ['Span 2', '4600', '280', '20', '0', 'Efflorescence visible. Three spalling areas ~6" at midspan.'],
      ['Span 3', '4500', '380', '20', '0', 'Heavy efflorescence. Transverse cracks every 8-10 ft.'],
      ['Sp. 4', '4700', '200', '0', '0', 'Light scaling on top surface near drains.'],
      ['Span 5', '4900', '100', '0', '0', 'Good condition overall.'],
    ]);
    expect(tables(m)).toHaveLength(11);
    expect(tables(m).every((t) => cells(t)[0]!.join(' ') === 'Location CS1 CS2 CS3 CS4 Notes')).toBe(true);
    expect(field(m, 'inspection date')?.value).toBe('2026-04-15');
  });
});

describe('Bureau Veritas pre-shipment inspection report (19 pages)', () => {
  let m: DocumentModel;
  beforeAll(async () => {
    m = await modelOf('bv-pre-shipment-inspection.pdf');
  });

  it('reads the general information fields, a two-line address included', () => {
    const info = Object.fromEntries(fields(m).filter((f, i, all) => all.findIndex((g) => g.key === f.key) === i).map((f) => [f.key, f.value]));
    expect(info).toMatchObject({
      'Service Type': 'Pre-Shipment Inspection (PSI)', 'Purchase Order (PO) No.': 'ABC1234', 'Vendor Name': 'GOOD DRESS COMPANY',
      'Factory Name': 'GOOD DRESS Garment Co., Ltd.', 'Factory Address': 'Building 20, No.998,Dongda Road Suzhou City, Jiangsu, China.',
      'Product Description': 'Dress', 'Inspection Date': '12-Jul-2022', 'Inspector Name(s)': expect.stringMatching(PERSON_NAME),
    });
  });

  it('recognises the running header (with its fields) and footer on every page', () => {
    for (let page = 1; page <= 19; page++) {
      const edge = m.blocks.filter((b) => b.page === page && (b.kind === 'header' || b.kind === 'footer'));
      expect(edge.find((b) => b.kind === 'header' && b.field?.normalizedKey === 'inspection no')?.field?.value, `page ${page}`).toBe('55G998A');
      expect(edge.filter((b) => b.kind === 'footer').map((b) => b.text), `page ${page}`).toContain(`Back to summary ${page} of 19`);
    }
    expect(m.blocks.filter((b) => b.kind === 'header' || b.kind === 'footer').every((b) => b.sectionId === null)).toBe(true);
  });

  it('has the lettered report sections and the summary and quantity tables', () => {
    expect(sectionTitles(m)).toEqual(expect.arrayContaining(['A. QUANTITY', 'B. PRODUCT CONFORMITY', 'D. DATA MEASUREMENT / ON-SITE TESTS', 'H. GENERAL REMARKS']));
    const [summary] = tables(m, 1);
    expect(cells(summary!)[0]).toEqual(['INSPECTION RESULT SUMMARY', 'PASSED', 'FAILED', 'INCONCLUSIVE', 'N/A']);
    expect(cells(summary!)[1]).toEqual(['A. Quantity', 'X', '', '', '']);
    const [quantity] = tables(m, 2);
    expect(cells(quantity!)[0]!.slice(0, 4)).toEqual(['PO No.', 'Item/Style/ Product No.', 'Order Quantity Units', 'Shipment Quantity Units']);
    expect(cells(quantity!)[1]).toEqual(['HHH1483', 'HH2D110', '5810', '6081', '153', '6081', '6081', '100', '0', '0', '0', '0']);
  });
});

describe('TREC property inspection report form (REI 7-6)', () => {
  let filled: DocumentModel;
  let blank: DocumentModel;
  beforeAll(async () => {
    [filled, blank] = await Promise.all([modelOf('trec-home-inspection-filled.pdf'), modelOf('trec-home-inspection-template-blank.pdf')]);
  });

  it('reads the filled-in values under their captions', () => {
    const first = filled.blocks.filter((b) => b.page === 1 && b.field).map((b) => [b.field!.key, b.field!.value]);
    expect(first).toEqual([
      ['Name of Client', 'Binsr Demo'], ['Date of Inspection', '08/13/2025'], ['Address of Inspected Property', '251 N Bristol Ave, Los Angeles, CA 90049'],
      ['Name of Inspector', 'Binsr'], ['TREC License #', 'Data not found in test data'],
      ['Name of Sponsor (if applicable)', 'Data not found in test data'], ['TREC License #', 'Data not found in test data'],
    ]);
  });

  it('has the form\'s systems as sections with their items, ticked boxes kept in the text', () => {
    const structural = flattenSections(filled.sections).find((s) => s.title === 'STRUCTURAL SYSTEMS')!;
    expect(structural.number).toBe('I.');
    expect(structural.children.slice(0, 3).map((c) => `${c.number} ${c.title}`)).toEqual(['A. Foundations', 'B. Grading and Drainage', 'C. Roof Covering Materials']);
    const foundations = filled.blocks.find((b) => b.id === structural.children[0]!.headingBlockId)!;
    expect(foundations.text).toBe('☒ ☐ ☐ ☐ A. Foundations');
    const roof = structural.children[2]!;
    const roofFields = filled.blocks.filter((b) => b.sectionId === roof.id && b.field).map((b) => b.field!);
    expect(roofFields.map((f) => f.key)).toEqual(['Types of Roof Covering', 'Viewed From', 'Comments']);
    expect(roofFields[0]!.value).toMatch(/^The surface of the entryway was covered with an outdoor carpet material/);
  });

  it('recognises the form\'s footer on its pages', () => {
    const footers = filled.blocks.filter((b) => b.kind === 'footer' && b.text.startsWith('REI 7-6'));
    expect(footers.length).toBeGreaterThanOrEqual(6);
    expect(blank.blocks.filter((b) => b.kind === 'footer' && b.text.startsWith('REI 7-6')).map((b) => b.page)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('leaves the blank form\'s items unticked and its comments empty', () => {
    const foundations = blank.blocks.find((b) => b.kind === 'heading' && b.text.endsWith('A. Foundations'))!;
    expect(foundations.text).toBe('☐ ☐ ☐ ☐ A. Foundations');
    expect(blank.blocks.filter((b) => b.sectionId === foundations.sectionId && b.field).map((b) => [b.field!.key, b.field!.value])).toEqual([['Type of Foundation(s)', ''], ['Comments', '']]);
  });
});

describe('documents without a text layer', () => {
  it('gives an empty model with a note per page for a scan read without OCR', async () => {
    const m = await modelOf('msds-scanned-image-only.pdf');
    expect(m.pageCount).toBe(8);
    expect(m.blocks).toEqual([]);
    expect(m.sections).toEqual([]);
    expect(m.warnings.join(' ')).toMatch(/no usable text layer/);
    expect(toMarkdown(m).match(/> Page \d has no text\./g)).toHaveLength(8);
  });
});
