/**
 * Checklist review benchmark:
 *   node --import tsx tools/bench/checklist.ts [--repeat N] [--checklist FILE]
 *
 * The labelled reports of tests/fixtures/checklist-labels (real PDFs from
 * ../shared/data/reports) are parsed once each (text layer, no OCR), then
 * reviewed against inspection-report-core with keyword retrieval only and
 * with the sentence-embedding layer, in the same process, alternating, each
 * timed `--repeat` times (median kept). The embedding model is loaded before
 * timing starts and its load time printed on its own. Prints time per
 * document for both modes, their ratio, and the agreement of each mode with
 * the labels. Asserts nothing.
 */
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { evaluateDocument, parseFramework, type ChecklistResult } from '../../src/core/checklist/index.ts';
import { parseDocument } from '../../src/core/parse/index.ts';
import { buildPassages, loadSentenceEmbedder } from '../../src/core/retrieval/index.ts';
import { buildDocumentModel, type DocumentModel } from '../../src/core/structure/index.ts';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const REPORTS = path.resolve(REPO, '../shared/data/reports');
const LABELS = path.join(REPO, 'tests/fixtures/checklist-labels/inspection-report-core.json');

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}

const repeat = Math.max(1, Number(option('--repeat', '3')));
const checklistFile = path.resolve(option('--checklist', path.resolve(REPO, '../shared/checklists/inspection-report-core.yaml')));

interface Labels {
  reports: Array<{ file: string; labels: Record<string, { status: string }> }>;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const ms = (x: number) => `${x.toFixed(0)} ms`;

async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const t = performance.now();
  const value = await fn();
  return { value, ms: performance.now() - t };
}

function agreement(result: ChecklistResult, labels: Record<string, { status: string }>): number {
  return result.items.filter((i) => labels[i.id]?.status === i.status).length;
}

async function main() {
  const labels = JSON.parse(await readFile(LABELS, 'utf8')) as Labels;
  const framework = parseFramework(await readFile(checklistFile, 'utf8'), path.basename(checklistFile));
  console.log(`Checklist review benchmark: ${framework.id} ${framework.version}, ${labels.reports.length} reports, median of ${repeat} run(s) per mode`);
  console.log(`Node ${process.version}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? 'unknown'}), load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);

  const load = await timed(() => loadSentenceEmbedder());
  console.log(`Embedding model load (once per process): ${ms(load.ms)}, backend ${load.value.backend}`);

  const docs: Array<{ file: string; model: DocumentModel; parseMs: number; labels: Record<string, { status: string }> }> = [];
  for (const r of labels.reports) {
    const bytes = new Uint8Array(await readFile(path.join(REPORTS, r.file)));
    const parsed = await timed(async () => buildDocumentModel(await parseDocument(bytes)));
    docs.push({ file: r.file, model: parsed.value, parseMs: parsed.ms, labels: r.labels });
  }
  // One untimed pass in each mode, so JIT warm-up does not count against whichever mode runs first.
  await evaluateDocument(docs[0]!.model, framework, { embeddings: false });
  await evaluateDocument(docs[0]!.model, framework, { embeddings: true });

  const rows: string[][] = [['document', 'pages', 'passages', 'parse', 'keywords', 'with embeddings', 'ratio', 'agree kw', 'agree emb']];
  let totalKeywords = 0;
  let totalEmbeddings = 0;
  let agreeKeywords = 0;
  let agreeEmbeddings = 0;
  let items = 0;
  for (const d of docs) {
    const keywordTimes: number[] = [];
    const embeddingTimes: number[] = [];
    let keywordResult: ChecklistResult | null = null;
    let embeddingResult: ChecklistResult | null = null;
    for (let i = 0; i < repeat; i++) {
      const k = await timed(() => evaluateDocument(d.model, framework, { embeddings: false }));
      keywordTimes.push(k.ms);
      keywordResult = k.value;
      const e = await timed(() => evaluateDocument(d.model, framework, { embeddings: load.value }));
      embeddingTimes.push(e.ms);
      embeddingResult = e.value;
    }
    const k = median(keywordTimes);
    const e = median(embeddingTimes);
    totalKeywords += k;
    totalEmbeddings += e;
    const ak = agreement(keywordResult!, d.labels);
    const ae = agreement(embeddingResult!, d.labels);
    agreeKeywords += ak;
    agreeEmbeddings += ae;
    items += keywordResult!.items.length;
    rows.push([d.file, String(d.model.pageCount), String(buildPassages(d.model).length), ms(d.parseMs), ms(k), ms(e), `${(e / k).toFixed(1)}x`, `${ak}/${keywordResult!.items.length}`, `${ae}/${embeddingResult!.items.length}`]);
  }
  rows.push(['total', '', '', '', ms(totalKeywords), ms(totalEmbeddings), `${(totalEmbeddings / totalKeywords).toFixed(1)}x`, `${agreeKeywords}/${items}`, `${agreeEmbeddings}/${items}`]);
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  for (const r of rows) console.log(r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  '));
  console.log(`Per document: keywords ${ms(totalKeywords / docs.length)}, with embeddings ${ms(totalEmbeddings / docs.length)} (${(totalEmbeddings / totalKeywords).toFixed(1)}x).`);
  console.log(`Agreement with the labels: keywords ${(agreeKeywords / items).toFixed(3)}, with embeddings ${(agreeEmbeddings / items).toFixed(3)}.`);
}

await main();
