import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChittiError } from '../../src/core/app/errors.ts';
import { ChecklistRegistry, evaluateDocument, llmLayer, parseFramework, type Framework, type LlmJudge } from '../../src/core/checklist/index.ts';
import { compileHint, hasNestedUnboundedQuantifier } from '../../src/core/checklist/patterns.ts';
import { parseDocument } from '../../src/core/parse/index.ts';
import { Bm25Index, RetrievalIndex, buildPassages, cosine, loadSentenceEmbedder } from '../../src/core/retrieval/index.ts';
import { tokenize } from '../../src/core/retrieval/tokenize.ts';
import { buildDocumentModel, normalizeKey, type Block, type DocumentModel } from '../../src/core/structure/index.ts';
import { REPO, SHARED_DATA, runCli, tempDir } from '../helpers/workspace.ts';

/**
 * Checklist review on real parts: the shared framework files, the real
 * reports in ../shared/data/reports parsed by the real parser, the real
 * sentence-embedding model, and the `chitti` binary.
 */

const SHARED_CHECKLISTS = path.resolve(REPO, '../shared/checklists');
const REPORTS = path.join(SHARED_DATA, 'reports');
const LABELS = path.join(REPO, 'tests/fixtures/checklist-labels/inspection-report-core.json');
/** Synthetic reports labelled before they were ever evaluated and never used to tune the rules. */
const HELD_OUT_LABELS = path.join(REPO, 'tests/fixtures/checklist-labels/inspection-report-core-heldout.json');
const HELD_OUT_DOCUMENTS = path.join(REPO, 'tests/fixtures/documents');

/**
 * Agreement the evaluation must keep (see docs/adr/0014-checklist-evaluation.md).
 * On the real reports, which the rules were tuned on: 156/162 = 0.963 measured,
 * floor 2 items below. On the held-out synthetic reports: 28/54 = 0.519
 * measured, floor 1 item below. The gap between the two is the estimate of how
 * much of the tuning-set figure is fitted to those reports.
 */
const AGREEMENT_FLOOR = 0.95;
const HELD_OUT_FLOOR = 0.5;

interface LabelFile {
  framework: { id: string; version: string };
  reports: Array<{ file: string; labels: Record<string, { status: string; why: string }> }>;
}

/** Agreement of the evaluator with one label file: items agreed, items in all, and a line per report and miss. */
async function agreement(labels: LabelFile, dir: string, core: Framework): Promise<{ agreed: number; total: number; lines: string[] }> {
  let agreed = 0;
  let total = 0;
  const lines: string[] = [];
  for (const report of labels.reports) {
    expect(Object.keys(report.labels).sort()).toEqual(core.items.map((i) => i.id).sort());
    const m = buildDocumentModel(await parseDocument(new Uint8Array(await readFile(path.join(dir, report.file)))));
    // Keyword retrieval: the benchmark measures the embedding layer separately (tools/bench/checklist.ts).
    const result = await evaluateDocument(m, core, { embeddings: false });
    const misses = result.items.filter((i) => i.status !== report.labels[i.id]!.status);
    agreed += result.items.length - misses.length;
    total += result.items.length;
    lines.push(`${report.file}: ${result.items.length - misses.length}/${result.items.length}`);
    for (const miss of misses) lines.push(`  ${miss.id}: labelled ${report.labels[miss.id]!.status} (${report.labels[miss.id]!.why}), proposed ${miss.status} by ${miss.source}: ${miss.feedback}`);
  }
  return { agreed, total, lines };
}

async function invalidFrameworkError(yaml: string, name = 'broken.yaml'): Promise<ChittiError> {
  try {
    parseFramework(yaml, name);
  } catch (e) {
    if (e instanceof ChittiError) return e;
    throw e;
  }
  throw new Error('the framework was accepted');
}

/** A minimal valid framework, as YAML lines, to break one field at a time. */
const validYaml = (items: string) => `id: test-framework\nversion: 1.0.0\ntitle: Test framework\nitems:\n${items}`;
const item = (id: string, extra = '') => `  - id: ${id}\n    section: S\n    title: T\n    requirement: The report states something.\n    severity: high\n${extra}`;

// ---- A small document model, written out block by block ----

let order = 0;
function block(page: number, kind: Block['kind'], text: string, extra: Partial<Block> = {}): Block {
  order++;
  return { id: `b${page}-${order}`, kind, page, text, order, sectionId: extra.sectionId ?? null, bbox: [50, 50 + order * 12, 400, 60 + order * 12], ...extra };
}

function model(blocks: Block[], sections: DocumentModel['sections'] = []): DocumentModel {
  const pages = Math.max(1, ...blocks.map((b) => b.page));
  return {
    format: 'pdf', pageCount: pages, blocks, sections, unreadablePages: [], metadata: {}, warnings: [],
    pages: Array.from({ length: pages }, (_, i) => ({ page: i + 1, width: 612, height: 792, textSource: 'text-layer' as const })),
  };
}

const field = (page: number, key: string, value: string, sectionId: string | null = null) => block(page, 'field', `${key}: ${value}`, { field: { key, value, normalizedKey: normalizeKey(key) }, sectionId });

describe('checklist frameworks', () => {
  let tmp: { dir: string; cleanup: () => Promise<void> };
  beforeAll(async () => {
    tmp = await tempDir('chitti-checklists-');
  });
  afterAll(() => tmp.cleanup());

  it('loads every shared framework file and the built-in frameworks', async () => {
    const registry = new ChecklistRegistry({ userDir: SHARED_CHECKLISTS });
    const { frameworks, problems } = await registry.list();
    expect(problems).toEqual([]);
    const byId = new Map(frameworks.map((f) => [f.id, f]));
    for (const id of ['inspection-report-core', 'api-510-pressure-vessel', 'asme-ix-welding-procedure']) {
      expect(byId.get(id)).toMatchObject({ origin: 'user', version: '1.0.0' });
    }
    for (const id of ['inspection-report-general', 'ut-thickness-survey', 'visual-weld-inspection']) {
      expect(byId.get(id)).toMatchObject({ origin: 'builtin', version: '1.0.0' });
      expect(byId.get(id)!.itemCount).toBeGreaterThanOrEqual(12);
    }
    const core = await registry.get('inspection-report-core');
    expect(core.items).toHaveLength(18);
    expect(core.items[0]).toMatchObject({ id: 'IRC-01', severity: 'high', evidence: { any_of: expect.arrayContaining(['inspection\\s*date']) } });
  });

  it('refuses invalid files, naming the file, the line, the path and the reason', async () => {
    const cases: Array<[string, string, RegExp]> = [
      ['a wrong severity', validYaml(item('A-1') + item('A-2').replace('severity: high', 'severity: urgent')), /^broken\.yaml:14: items\[1\]\.severity: expected high \| medium \| low, not "urgent" \(item A-2\)$/],
      ['a duplicate item id', validYaml(item('A-1') + item('A-1')), /^broken\.yaml:10: items\[1\]\.id: duplicate item id "A-1" \(also items\[0\]\)$/],
      ['a pattern that is not a regex', validYaml(item('A-1', '    evidence:\n      any_of: ["report(no"]\n')), /items\[0\]\.evidence\.any_of\[0\]: pattern "report\(no": not a valid regular expression/],
      ['a catastrophic pattern', validYaml(item('A-1', '    evidence:\n      all_of: ["(a+)+b"]\n')), /items\[0\]\.evidence\.all_of\[0\]: pattern "\(a\+\)\+b": nested repetition/],
      ['a pattern matching empty text', validYaml(item('A-1', '    evidence:\n      any_of: ["x*"]\n')), /pattern "x\*": matches empty text/],
      ['an over-long pattern', validYaml(item('A-1', `    evidence:\n      any_of: ["${'a'.repeat(201)}"]\n`)), /longer than 200 characters/],
      ['a misspelt field', validYaml(item('A-1').replace('requirement:', 'requirment:')), /items\[0\]: unknown field "requirment"/],
      ['a missing requirement', validYaml(item('A-1').replace(/ {4}requirement:.*\n/, '')), /items\[0\]\.requirement: requirement is required/],
      ['a bad version', validYaml(item('A-1')).replace('1.0.0', 'v1'), /^broken\.yaml:2: version: expected a semantic version/],
      ['a bad id', validYaml(item('A-1')).replace('test-framework', 'Test Framework'), /^broken\.yaml:1: id: id may hold lower-case letters/],
      ['no items', 'id: x\nversion: 1.0.0\ntitle: X\nitems: []\n', /items: a framework needs at least one item/],
      ['not YAML', 'id: x\nitems: [\n  - a: b\n', /^broken\.yaml:\d+: not valid YAML/],
      ['a list instead of a mapping', '- id: x\n', /expected a framework \(a YAML mapping\), not a list/],
      ['an alias bomb', `a: &a [${Array(9).fill('"x"').join(',')}]\nb: &b [${Array(9).fill('*a').join(',')}]\nc: &c [${Array(9).fill('*b').join(',')}]\nd: [${Array(9).fill('*c').join(',')}]\n`, /not usable YAML: Excessive alias count/],
    ];
    for (const [what, yaml, expected] of cases) {
      const e = await invalidFrameworkError(yaml);
      expect(e.code, what).toBe('CHECKLIST_INVALID');
      expect(e.message, what).toMatch(expected);
    }
  });

  it('finds frameworks by id (the user folder first) or by path, and says which are installed when one is not', async () => {
    const user = path.join(tmp.dir, 'user');
    await mkdir(user);
    const general = await readFile(path.join(REPO, 'resources/checklists/inspection-report-general.yaml'), 'utf8');
    await writeFile(path.join(user, 'mine.yaml'), general.replace('version: 1.0.0', 'version: 2.0.0'));
    await writeFile(path.join(user, 'broken.yml'), validYaml(item('A-1').replace('severity: high', 'severity: 3')));
    const registry = new ChecklistRegistry({ userDir: user });

    // A user file with a built-in id replaces it; a broken file is listed with its reason, the rest still load.
    const { frameworks, problems } = await registry.list();
    expect(frameworks.find((f) => f.id === 'inspection-report-general')).toMatchObject({ origin: 'user', version: '2.0.0' });
    expect(problems).toEqual([{ file: path.join(user, 'broken.yml'), message: expect.stringMatching(/^broken\.yml:\d+: items\[0\]\.severity: expected high \| medium \| low, not number 3/) }]);

    const byPath = await registry.get(path.join(SHARED_CHECKLISTS, 'api-510-pressure-vessel.yaml'));
    expect(byPath).toMatchObject({ id: 'api-510-pressure-vessel', origin: 'file' });

    await expect(registry.get('no-such-framework')).rejects.toMatchObject({
      code: 'CHECKLIST_NOT_FOUND',
      message: expect.stringMatching(/No checklist framework "no-such-framework"\. Installed: inspection-report-general, ut-thickness-survey, visual-weld-inspection\. 1 file was refused: broken\.yml/),
    });
    await expect(registry.get(path.join(tmp.dir, 'missing.yaml'))).rejects.toMatchObject({ code: 'CHECKLIST_NOT_FOUND' });
    await expect(registry.get(path.join(user, 'broken.yml'))).rejects.toMatchObject({ code: 'CHECKLIST_INVALID' });

    // Two user files with one id: results record the id, so neither can be used.
    await writeFile(path.join(user, 'mine-again.yaml'), general);
    await expect(registry.get('inspection-report-general')).rejects.toMatchObject({ code: 'CHECKLIST_INVALID', message: expect.stringMatching(/mine-again\.yaml and mine\.yaml|mine\.yaml and mine-again\.yaml/) });
  });

  it('compiles evidence hints only when they are safe to run on any document', () => {
    expect(compileHint('report\\s*(no|number|#)').ok).toBe(true);
    expect(compileHint('API\\s*\\d{3}').ok).toBe(true);
    for (const bad of ['(a+)+', '(\\w*)*x', '(a|aa)+', '([a-z]+\\s?)*$', '(x{1,})+y']) {
      // (a|aa)+ has no nested quantifier: it is ambiguous but linear per start; the others nest unbounded repetition.
      expect(hasNestedUnboundedQuantifier(bad), bad).toBe(bad !== '(a|aa)+');
    }
    expect(hasNestedUnboundedQuantifier('(ab){2,3}c*')).toBe(false);
    expect(hasNestedUnboundedQuantifier('[(+)]+x')).toBe(false);
  });
});

describe('retrieval', () => {
  it('tokenizes inspection text: stems, stopwords, "No." as number', () => {
    expect(tokenize('Report No.: 54-11-001-11')).toEqual(['report', 'number', '54-11-001-11']);
    expect(new Set(tokenize('inspection inspected'))).toEqual(new Set(['inspect']));
    expect(tokenize('inspector')).toEqual(['inspector']);
    expect(new Set(tokenize('calibration calibrated calibrate'))).toEqual(new Set(['calibr']));
    expect(tokenize('Examiner Name/Level Lvl. II')).toEqual(['examiner', 'name', 'level', 'level', 'ii']);
    expect(tokenize('TREC Licence #')).toEqual(tokenize('TREC License #'));
  });

  it('ranks with BM25: rare terms weigh more, longer passages weigh each match less', () => {
    const index = new Bm25Index([
      'The shell was inspected visually and found in satisfactory condition.',
      'Minimum required thickness of the shell is 0.719 in; measured thickness 0.796 in.',
      'Thickness readings were taken at each condition monitoring location on the shell and heads, clockwise from north, with the gauge calibrated on the step block.',
      'Photographs of the nameplate are attached.',
    ]);
    const hits = index.search('minimum required thickness');
    expect(hits[0]!.index).toBe(1);
    expect(hits[0]!.coverage).toBeCloseTo(1, 5);
    // "thickness" occurs in two passages: the short one scores it higher than the long one.
    const only = index.search('thickness');
    expect(only.map((h) => h.index)).toEqual([1, 2]);
    // "shell" is in three passages, "nameplate" in one: the rarer term has the higher IDF.
    expect(index.idf('nameplat')).toBeGreaterThan(index.idf('shell'));
    expect(index.search('weather forecast')).toEqual([]);
  });

  it('makes passages of fields, table rows with their headers, and headings with what follows', () => {
    order = 0;
    const m = model([
      block(1, 'heading', '1.0 Results', { sectionId: 's1', level: 1 }),
      block(1, 'paragraph', 'Readings were taken on the shell.', { sectionId: 's1' }),
      field(1, 'Inspector', 'Alex Rivera', 's1'),
      block(1, 'table', 'CML | Thickness\n7 | 0.507', { sectionId: 's1', table: { headerRows: 1, rows: [[{ text: 'CML' }, { text: 'Thickness (in.)' }], [{ text: '7' }, { text: '0.507' }]] } }),
      block(2, 'heading', '2.0 Recommendations', { sectionId: 's2', level: 1 }),
      block(2, 'footer', 'Page 2 of 2'),
    ], [
      { id: 's1', title: 'Results', number: '1.0', level: 1, page: 1, headingBlockId: 'b1-1', children: [] },
      { id: 's2', title: 'Recommendations', number: '2.0', level: 1, page: 2, headingBlockId: 'b2-5', children: [] },
    ]);
    const passages = buildPassages(m);
    expect(passages.map((p) => [p.kind, p.text])).toEqual([
      ['heading', '1.0 Results — Readings were taken on the shell. Inspector: Alex Rivera CML | Thickness\n7 | 0.507'.replace('\n', ' ')],
      ['text', 'Readings were taken on the shell.'],
      ['field', 'Inspector: Alex Rivera'],
      ['table-row', 'CML: 7; Thickness (in.): 0.507'],
      ['heading', '2.0 Recommendations'],
    ]);
    // A page-number footer says nothing; a heading with nothing under it is marked empty.
    expect(passages[4]!.empty).toBe(true);
    expect(passages[1]!.searchText).toBe('1.0 Results — Readings were taken on the shell.');
    expect(passages.every((p) => p.bbox !== undefined)).toBe(true);
  });

  it('finds a known passage in a real report', async () => {
    const m = buildDocumentModel(await parseDocument(new Uint8Array(await readFile(path.join(REPORTS, 'api510-vessel-54-11-001-inservice.pdf')))));
    const index = await RetrievalIndex.build(m);
    const [top] = await index.search('next internal inspection due', 3);
    // The date is given in the executive summary (p. 3) and again under 4.5 Next Inspections (p. 7).
    expect(top!.passage.text).toMatch(/Next internal inspection is due by:?\s*0?6\/20\/2027/);
    expect([3, 7]).toContain(top!.passage.page);
  });

  it('embeds offline with the real model: a paraphrase is closer than an unrelated sentence', { timeout: 120_000 }, async () => {
    const realFetch = globalThis.fetch;
    const fetched: string[] = [];
    globalThis.fetch = (input: unknown) => {
      fetched.push(String(input));
      return Promise.reject(new Error('network access during model load'));
    };
    let embedder;
    try {
      embedder = await loadSentenceEmbedder();
    } finally {
      globalThis.fetch = realFetch;
    }
    expect(fetched).toEqual([]);
    expect(['wasm', 'tensorflow']).toContain(embedder.backend);
    const [a, b, c, d, e] = await embedder.embed([
      'The inspector holds an ASNT Level II certification.',
      'Examiner qualification: NDT Level 2, certificate number 4411.',
      'The weather was warm and sunny in the afternoon.',
      'Ultrasonic thickness readings were taken at each CML.',
      'Wall thickness was measured with an ultrasonic gauge at every monitoring location.',
    ]);
    expect(a!.length).toBe(embedder.dimensions);
    expect(cosine(a!, a!)).toBeCloseTo(1, 4);
    expect(cosine(a!, b!)).toBeGreaterThan(cosine(a!, c!) + 0.2);
    expect(cosine(d!, e!)).toBeGreaterThan(cosine(d!, c!) + 0.2);
    // Loaded once per process: the second call returns the same model.
    expect(await loadSentenceEmbedder()).toBe(embedder);
  });
});

describe('evaluation', () => {
  const framework: Framework = {
    id: 'small', version: '1.2.3', title: 'Inspection report checks',
    items: [
      { id: 'S-1', section: 'Id', title: 'Inspector named', requirement: 'The person who performed the inspection is named.', severity: 'high', guidance: 'Name the inspector.', evidence: { any_of: ['inspector', 'inspected\\s*by'] } },
      { id: 'S-2', section: 'Id', title: 'Report number and date', requirement: 'The report carries a unique report number and the date of the inspection.', severity: 'high', guidance: 'Add both.', evidence: { any_of: ['report\\s*(no|number)', 'inspection\\s*date'] } },
      { id: 'S-3', section: 'Eval', title: 'Recommendations', requirement: 'Recommendations are given for the findings.', severity: 'medium', guidance: 'Give recommendations.', evidence: { any_of: ['recommendations?'] } },
      { id: 'S-4', section: 'Method', title: 'Calibration', requirement: 'Where measurements were taken, the calibration of the instruments is recorded.', severity: 'low', guidance: 'Record it.' },
      { id: 'S-5', section: 'Id', title: 'Inspector and employer', requirement: 'The inspector is named.', severity: 'low', evidence: { any_of: ['inspector'], all_of: ['inspector', 'employer'] } },
    ],
  };

  it('needs content, not labels: a blank field or a bare heading is not met', async () => {
    order = 0;
    const filled = model([field(1, 'Inspector', 'Alex Rivera'), field(1, 'Report No.', '54-11-001-11'), field(1, 'Inspection Date', '06/20/2017'),
      block(1, 'heading', 'Recommendations', { sectionId: 's1' }), block(1, 'paragraph', 'No recommendations: the shell is in satisfactory condition.', { sectionId: 's1' })],
    [{ id: 's1', title: 'Recommendations', level: 1, page: 1, headingBlockId: 'b1-4', children: [] }]);
    const blank = model([field(1, 'Inspector', ''), field(1, 'Report No.', 'N/A'), field(1, 'Inspection Date', '06/20/2017'),
      block(1, 'heading', 'Recommendations', { sectionId: 's1' }), block(1, 'heading', 'Signature', { sectionId: 's2' })],
    [{ id: 's1', title: 'Recommendations', level: 1, page: 1, headingBlockId: 'b1-4', children: [] }, { id: 's2', title: 'Signature', level: 1, page: 1, headingBlockId: 'b1-5', children: [] }]);

    const good = await evaluateDocument(filled, framework, { embeddings: false });
    expect(good.framework).toEqual({ id: 'small', version: '1.2.3' });
    expect(good.items.map((i) => [i.id, i.status])).toEqual([['S-1', 'met'], ['S-2', 'met'], ['S-3', 'met'], ['S-4', 'not_applicable'], ['S-5', 'partial']]);
    // all_of: "employer" occurs nowhere, so the item is not met in full even though the inspector is named.
    expect(good.items[4]!.feedback).toMatch(/never mentions \/employer\/, which the framework requires/);
    expect(good.items[0]).toMatchObject({ source: 'rule', evidence: [{ page: 1, text: 'Inspector: Alex Rivera', bbox: expect.any(Array) }] });
    expect(good.items[3]!.feedback).toMatch(/applies only where "measurements were taken"/);

    const bad = await evaluateDocument(blank, framework, { embeddings: false });
    const byId = new Map(bad.items.map((i) => [i.id, i]));
    expect(byId.get('S-1')).toMatchObject({ status: 'not_met', feedback: expect.stringMatching(/"Inspector" is left blank \(p\. 1\)\. Name the inspector\./) });
    expect(byId.get('S-2')).toMatchObject({ status: 'partial', feedback: expect.stringMatching(/Inspection Date: 06\/20\/2017.*"Report No\." says only "N\/A"/) });
    expect(byId.get('S-3')).toMatchObject({ status: 'not_met', feedback: expect.stringMatching(/heading "Recommendations" has nothing under it/) });
    for (const i of bad.items) expect(i.confidence).toBeGreaterThan(0);
  });

  it('takes a later layer (an LLM) as the decider when it answers, asked with the requirement and retrieved evidence only', async () => {
    order = 0;
    const m = model([field(1, 'Inspector', 'Alex Rivera'), block(1, 'paragraph', 'The calibration block was checked before use.')]);
    const asked: Array<{ requirement: string; evidence: string[]; keys: string[] }> = [];
    const judge: LlmJudge = {
      modelId: 'test-model',
      judge: async (request) => {
        asked.push({ requirement: request.requirement, evidence: request.evidence.map((e) => e.text), keys: Object.keys(request).sort() });
        // Declines the first item (the earlier verdict stands), answers the others.
        if (request.itemId === 'S-1') return null;
        return { status: 'partial', confidence: 0.4, feedback: `Checked ${request.itemId}.`, cites: [0, 99] };
      },
    };
    const result = await evaluateDocument(m, framework, { embeddings: false, extraLayers: [llmLayer(judge)] });
    expect(result.layers).toEqual(['rule', 'retrieval', 'llm:test-model']);
    expect(result.items[0]).toMatchObject({ id: 'S-1', status: 'met', source: 'rule' });
    expect(result.items[1]).toMatchObject({ status: 'partial', source: 'llm:test-model', feedback: 'Checked S-2.' });
    expect(asked).toHaveLength(5);
    expect(asked[0]!.keys).toEqual(['evidence', 'guidance', 'itemId', 'proposal', 'requirement', 'title']);
    // The model sees quotes from the document, never the document itself.
    const quotes = asked.flatMap((a) => a.evidence);
    expect(quotes.length).toBeGreaterThan(0);
    for (const q of quotes) expect(['Inspector: Alex Rivera', 'The calibration block was checked before use.']).toContain(q);
    expect(asked.map((a) => a.requirement)).toEqual(framework.items.map((i) => i.requirement));
    // A cited index outside the evidence list is dropped, not invented.
    expect(result.items[1]!.evidence.length).toBeLessThanOrEqual(1);
  });

  it('agrees with the human labels of real reports, and of held-out reports it was not tuned on', { timeout: 300_000 }, async () => {
    const core = parseFramework(await readFile(path.join(SHARED_CHECKLISTS, 'inspection-report-core.yaml'), 'utf8'), 'inspection-report-core.yaml');
    const labels = JSON.parse(await readFile(LABELS, 'utf8')) as LabelFile;
    const heldOutLabels = JSON.parse(await readFile(HELD_OUT_LABELS, 'utf8')) as LabelFile;
    for (const l of [labels, heldOutLabels]) expect({ id: core.id, version: core.version }).toEqual({ id: l.framework.id, version: l.framework.version });
    expect(labels.reports.length).toBeGreaterThanOrEqual(6);
    expect(heldOutLabels.reports.length).toBeGreaterThanOrEqual(3);

    const tuned = await agreement(labels, REPORTS, core);
    const heldOut = await agreement(heldOutLabels, HELD_OUT_DOCUMENTS, core);
    const figure = (a: { agreed: number; total: number }) => `${a.agreed}/${a.total} = ${(a.agreed / a.total).toFixed(3)}`;
    console.log([
      `Agreement with the labels of the real reports (the tuning set): ${figure(tuned)}`, ...tuned.lines,
      `Agreement with the labels of the held-out synthetic reports: ${figure(heldOut)}`, ...heldOut.lines,
    ].join('\n'));
    expect(tuned.agreed / tuned.total).toBeGreaterThanOrEqual(AGREEMENT_FLOOR);
    expect(heldOut.agreed / heldOut.total).toBeGreaterThanOrEqual(HELD_OUT_FLOOR);
  });
});

describe('chitti review', () => {
  let tmp: { dir: string; cleanup: () => Promise<void> };
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    tmp = await tempDir('chitti-review-');
    env = { CHITTI_HOME: path.join(tmp.dir, 'home') };
  });
  afterAll(() => tmp.cleanup());

  const thickness = path.join(REPORTS, 'ut-thickness-readings-2025.pdf');

  it('prints per item status, confidence, evidence, feedback and source as JSON', { timeout: 120_000 }, async () => {
    const r = await runCli(['review', thickness, '--checklist', path.join(SHARED_CHECKLISTS, 'inspection-report-core.yaml'), '--format', 'json', '--no-embeddings'], env);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { framework: { id: string; version: string }; layers: string[]; items: Array<Record<string, unknown>> };
    expect(out.framework).toMatchObject({ id: 'inspection-report-core', version: '1.0.0' });
    expect(out.layers).toEqual(['rule', 'retrieval']);
    expect(out.items).toHaveLength(18);
    for (const i of out.items) {
      expect(Object.keys(i).sort()).toEqual(['confidence', 'evidence', 'feedback', 'id', 'source', 'status']);
      expect(['met', 'partial', 'not_met', 'not_applicable']).toContain(i.status);
      expect(['rule', 'retrieval']).toContain(i.source);
      expect(i.confidence).toBeGreaterThanOrEqual(0);
      expect(i.confidence).toBeLessThanOrEqual(1);
      for (const e of i.evidence as Array<{ page: number; text: string; bbox: number[] | null }>) {
        expect(e.page).toBeGreaterThanOrEqual(1);
        expect(e.text.length).toBeGreaterThan(0);
        expect(e.text.length).toBeLessThanOrEqual(200);
        expect(e.bbox).toHaveLength(4);
      }
    }
    const technician = out.items.find((i) => i.id === 'IRC-08')!;
    // The technician's name is checked by its form: real names stay in ../shared, out of this repository.
    expect(technician).toMatchObject({ status: 'met', evidence: [expect.objectContaining({ page: 1, text: expect.stringMatching(/^Technician: [A-Z][a-z]+ [A-Z][a-z]+$/) })] });
  });

  it('prints a Markdown table, with the embedding layer on by default, opening no network connection', { timeout: 180_000 }, async () => {
    const trace = path.join(tmp.dir, 'review.trace');
    const r = await runCli(['review', thickness, '--checklist', 'ut-thickness-survey'], env, { prefix: ['strace', '-f', '-qq', '-e', 'trace=connect', '-o', trace] });
    expect(r.code, r.stderr).toBe(0);
    const connects = (await readFile(trace, 'utf8')).split('\n').filter((l) => /connect\(/.test(l) && /AF_INET6?\b/.test(l));
    expect(connects).toEqual([]);
    expect(r.stdout).toMatch(/^# ut-thickness-readings-2025\.pdf: Ultrasonic thickness survey report\n/);
    expect(r.stdout).toMatch(/\| Item \| Status \| Confidence \| Evidence \| Feedback \| Source \|/);
    expect(r.stdout).toMatch(/\| UTT-08 Readings per location \| met \|/);
    expect(r.stderr).not.toMatch(/Sentence embeddings are off/);
  });

  it('uses frameworks from the workspace checklists folder', { timeout: 120_000 }, async () => {
    const dataDir = path.join(tmp.dir, 'ws');
    await mkdir(path.join(dataDir, 'checklists'), { recursive: true });
    await writeFile(path.join(dataDir, 'checklists', 'tank.yaml'), validYaml(item('T-1').replace('requirement: The report states something.', 'requirement: The technician who took the readings is named.')));
    const r = await runCli(['--data-dir', dataDir, '--json', 'review', thickness, '--checklist', 'test-framework', '--no-embeddings'], env);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ framework: { id: 'test-framework' }, items: [{ id: 'T-1' }] });
  });

  it('exits 13 for an invalid checklist, 5 for an unknown one, 12 for a document it cannot read', { timeout: 120_000 }, async () => {
    const bad = path.join(tmp.dir, 'bad.yaml');
    await writeFile(bad, validYaml(item('A-1').replace('severity: high', 'severity: critical')));
    const invalid = await runCli(['review', thickness, '--checklist', bad, '--no-embeddings'], env);
    expect(invalid.code).toBe(13);
    expect(invalid.stderr).toMatch(/CHECKLIST_INVALID: bad\.yaml:9: items\[0\]\.severity: expected high \| medium \| low, not "critical" \(item A-1\)/);

    const unknown = await runCli(['review', thickness, '--checklist', 'no-such-checklist', '--no-embeddings'], env);
    expect(unknown.code).toBe(5);
    expect(unknown.stderr).toMatch(/CHECKLIST_NOT_FOUND: No checklist framework "no-such-checklist"/);

    const encrypted = await runCli(['review', path.join(SHARED_DATA, 'hostile/pdf/password-protected.pdf'), '--checklist', 'inspection-report-general', '--no-embeddings'], env);
    expect(encrypted.code).toBe(12);
    expect(encrypted.stderr).toMatch(/DOCUMENT_ENCRYPTED/);

    const junk = path.join(tmp.dir, 'junk.pdf');
    await writeFile(junk, Buffer.from('not a document \u0000\u0001\u0002'));
    const unreadable = await runCli(['review', junk, '--checklist', 'inspection-report-general', '--no-embeddings'], env);
    expect(unreadable.code).toBe(12);
    expect(unreadable.stderr).toMatch(/DOCUMENT_UNREADABLE/);
  });
});
