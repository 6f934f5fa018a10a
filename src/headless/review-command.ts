import path from 'node:path';
import { Option, type Command } from 'commander';
import { ChecklistRegistry, evaluateDocument, type ChecklistResult, type LoadedFramework } from '../core/checklist/index.ts';
import { buildDocumentModel } from '../core/structure/index.ts';
import { parseDocumentInWorker, readDocumentFile } from './document-input.ts';
import { EXIT } from './exit-codes.ts';

/**
 * `chitti review FILE --checklist ID|PATH [--format json|md] [--no-embeddings] [--no-ocr]`:
 * checks one document against a checklist framework and prints, per item, the
 * proposed status with evidence and feedback. Needs no workspace; frameworks
 * are the built-in ones plus `<workspace>/checklists/*.yaml`, or any file.
 */

type Standalone = (fn: (dataDir: string, json: boolean) => Promise<number | void>) => Promise<void>;

export type ReviewOutputFormat = 'json' | 'md';

interface ReviewOptions {
  checklist: string;
  format?: ReviewOutputFormat;
  embeddings: boolean;
  ocr: boolean;
}

const round1 = (v: number) => Math.round(v * 10) / 10;

/** The JSON document `chitti review` prints (README: Command line). */
export function reviewJson(file: string, framework: LoadedFramework, result: ChecklistResult) {
  const summary = { met: 0, partial: 0, not_met: 0, not_applicable: 0 };
  for (const i of result.items) summary[i.status]++;
  return {
    file,
    framework: { id: result.framework.id, version: result.framework.version, title: framework.title },
    layers: result.layers,
    summary,
    items: result.items.map((i) => ({
      id: i.id,
      status: i.status,
      confidence: i.confidence,
      evidence: i.evidence.map((e) => ({ page: e.page, text: e.text, bbox: e.bbox ? e.bbox.map(round1) : null })),
      feedback: i.feedback,
      source: i.source,
    })),
    warnings: result.warnings,
  };
}

const STATUS_LABEL = { met: 'met', partial: 'partial', not_met: 'NOT MET', not_applicable: 'n/a' } as const;

/** Table cells: one line, pipes escaped. */
const cell = (s: string) => s.replace(/\s+/g, ' ').replace(/\|/g, '\\|').trim();

export function reviewMarkdown(file: string, framework: LoadedFramework, result: ChecklistResult): string {
  const json = reviewJson(file, framework, result);
  const titles = new Map(framework.items.map((i) => [i.id, i.title]));
  const s = json.summary;
  const lines = [
    `# ${path.basename(file)}: ${framework.title}`,
    '',
    `Framework \`${json.framework.id}\` ${json.framework.version}; layers: ${json.layers.join(', ')}.`,
    `${s.met} met, ${s.partial} partial, ${s.not_met} not met, ${s.not_applicable} not applicable of ${json.items.length} items. Every status is a proposal for a reviewer to accept or change.`,
    '',
    '| Item | Status | Confidence | Evidence | Feedback | Source |',
    '| --- | --- | --- | --- | --- | --- |',
    ...json.items.map((i) => {
      const evidence = i.evidence.map((e) => `p. ${e.page}: "${e.text}"`).join('<br>') || '—';
      return `| ${cell(`${i.id} ${titles.get(i.id) ?? ''}`)} | ${STATUS_LABEL[i.status]} | ${i.confidence.toFixed(2)} | ${cell(evidence)} | ${cell(i.feedback)} | ${i.source} |`;
    }),
  ];
  if (json.warnings.length > 0) lines.push('', ...json.warnings.map((w) => `> ${w}`));
  return `${lines.join('\n')}\n`;
}

export function registerReviewCommand(program: Command, standalone: Standalone): void {
  program
    .command('review <file>')
    .description('check a document against a checklist framework: status, evidence and feedback per item (needs no workspace)')
    .requiredOption('--checklist <id|path>', 'a framework id (built-in, or in <workspace>/checklists) or a .yaml file')
    .addOption(new Option('--format <format>', 'json or md (default: md; json with --json)').choices(['json', 'md']))
    .option('--no-embeddings', 'keyword retrieval only, without the sentence-embedding model (faster)')
    .option('--no-ocr', 'do not OCR pages that have no text layer (faster; their text is missing)')
    .action((file: string, o: ReviewOptions) =>
      standalone(async (dataDir, json) => {
        const format = o.format ?? (json ? 'json' : 'md');
        // The framework first: a bad checklist is reported before any time is spent on the document.
        const registry = new ChecklistRegistry({ userDir: path.join(dataDir, 'checklists') });
        const framework = await registry.get(o.checklist);
        const model = buildDocumentModel(await parseDocumentInWorker(await readDocumentFile(file), o.ocr));
        const result = await evaluateDocument(model, framework, { embeddings: o.embeddings });
        process.stdout.write(format === 'json' ? `${JSON.stringify(reviewJson(file, framework, result), null, 2)}\n` : reviewMarkdown(file, framework, result));
        for (const w of result.warnings) process.stderr.write(`chitti: note: ${w}\n`);
        // Pages (or the whole document) could not be read: the review is incomplete, and scripts should know.
        const textless = !model.blocks.some((b) => b.text.trim().length > 0);
        return textless || model.unreadablePages.length > 0 ? EXIT.PARTIAL : EXIT.OK;
      }),
    );
}
