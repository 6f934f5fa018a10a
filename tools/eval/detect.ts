/**
 * Detection evaluation against Pascal VOC annotations (NEU-DET layout):
 *
 *   node --import tsx tools/eval/detect.ts --pred PRED.jsonl --data ../shared/data/neu-det \
 *     --split val [--json OUT.json] [--classes a,b,c]
 *
 * PRED.jsonl holds one engine result per line ({"file", "detections": [{"class",
 * "score", "box"}], ...}); a line is matched to a split id by the file's
 * basename without extension. Every image of the split must have a line: a
 * missing one is an error (exit 2), never scored as "no detections", so a
 * crashed or truncated inference run cannot pass for a weak model.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import {
  evaluateDetections,
  vocToBox,
  type DetectionReport,
  type GroundTruthBox,
  type PredictedBox,
} from './metrics.ts';

export const NEU_CLASSES = ['crazing', 'inclusion', 'patches', 'pitted_surface', 'rolled-in_scale', 'scratches'] as const;

/** A problem with the inputs: reported on stderr with exit status 2. */
export class InputError extends Error {}

/** Runs a CLI body; bad inputs (InputError, bad arguments) become a message on stderr and exit status 2. */
export async function exitOnInputError(tool: string, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (err) {
    if (err instanceof InputError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS') === true) {
      console.error(`${tool}: ${(err as Error).message}`);
      return 2;
    }
    throw err;
  }
}

/** Runs `main` with the command-line arguments when the module at `url` is the one Node was started with. */
export async function runIfMain(url: string, main: (argv: string[]) => Promise<number>): Promise<void> {
  if (process.argv[1] !== undefined && url === pathToFileURL(process.argv[1]).href) process.exitCode = await main(process.argv.slice(2));
}

// ---------------------------------------------------------------- VOC XML

export interface VocObject {
  name: string;
  difficult: boolean;
  /** 1-based inclusive, as written in the file. */
  xmin: number;
  ymin: number;
  xmax: number;
  ymax: number;
}

/** Text of the first <tag>...</tag> in `xml`, trimmed; undefined when absent. */
function tagText(xml: string, tag: string): string | undefined {
  return new RegExp(`<${tag}(?:\\s[^>]*)?>([\\s\\S]*?)</${tag}>`).exec(xml)?.[1]?.trim();
}

function tagNumber(xml: string, tag: string, where: string): number {
  const text = tagText(xml, tag);
  const value = text === undefined ? NaN : Number(text);
  if (!Number.isFinite(value)) throw new InputError(`${where}: <${tag}> is missing or not a number`);
  return value;
}

/**
 * The <object> entries of a VOC annotation. VOC files are flat and
 * machine-written, so a regex reader is enough (no XML dependency); it does
 * not handle CDATA or entities, which VOC names never use.
 */
export function parseVocObjects(xml: string, where = 'annotation'): VocObject[] {
  const objects: VocObject[] = [];
  for (const match of xml.matchAll(/<object(?:\s[^>]*)?>([\s\S]*?)<\/object>/g)) {
    const body = match[1] ?? '';
    const name = tagText(body, 'name');
    const box = tagText(body, 'bndbox');
    if (name === undefined || name === '' || box === undefined) {
      throw new InputError(`${where}: an <object> lacks <name> or <bndbox>`);
    }
    objects.push({
      name,
      difficult: tagText(body, 'difficult') === '1',
      xmin: tagNumber(box, 'xmin', where),
      ymin: tagNumber(box, 'ymin', where),
      xmax: tagNumber(box, 'xmax', where),
      ymax: tagNumber(box, 'ymax', where),
    });
  }
  return objects;
}

// ---------------------------------------------------------------- predictions

const DetectionLine = z.object({
  file: z.string().min(1),
  detections: z.array(
    z.object({
      class: z.string(),
      score: z.number(),
      box: z.tuple([z.number(), z.number(), z.number(), z.number()]),
    }),
  ),
});

/** Image id of a prediction line: the basename without its extension. */
export function imageId(file: string): string {
  const base = file.split(/[\\/]/).pop() ?? file;
  return base.slice(0, base.length - path.extname(base).length);
}

/** JSON-lines predictions for the wanted ids; lines for other images are skipped, a repeated id is an error. */
export function parsePredictions(text: string, wanted: ReadonlySet<string>): Map<string, PredictedBox[]> {
  const byImage = new Map<string, PredictedBox[]>();
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '') return;
    const parsed = DetectionLine.safeParse(parseJsonLine(line, i + 1));
    if (!parsed.success) throw new InputError(`predictions line ${i + 1}: ${z.prettifyError(parsed.error)}`);
    const id = imageId(parsed.data.file);
    if (!wanted.has(id)) return;
    if (byImage.has(id)) throw new InputError(`predictions line ${i + 1}: image ${id} appears twice`);
    byImage.set(id, parsed.data.detections.map((d) => ({ image: id, class: d.class, score: d.score, box: d.box })));
  });
  return byImage;
}

/** JSON.parse of one predictions line, as an InputError naming the line when it is not JSON. */
export function parseJsonLine(line: string, lineNo: number): unknown {
  try {
    return JSON.parse(line) as unknown;
  } catch (err) {
    throw new InputError(`predictions line ${lineNo}: not JSON (${(err as Error).message})`);
  }
}

/** Throws InputError naming the split images that have no prediction line. */
export function requireAll(ids: readonly string[], have: ReadonlyMap<string, unknown>, what: string): void {
  const missing = ids.filter((id) => !have.has(id));
  if (missing.length === 0) return;
  const shown = missing.slice(0, 5).join(', ');
  throw new InputError(`${missing.length} of ${ids.length} ${what} images have no prediction: ${shown}${missing.length > 5 ? ', ...' : ''}`);
}

// ---------------------------------------------------------------- dataset

async function readSplitIds(data: string, split: string): Promise<string[]> {
  const file = path.join(data, `${split}.txt`);
  const text = await readFile(file, 'utf8').catch(() => {
    throw new InputError(`cannot read split file ${file}`);
  });
  const ids = text.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  if (ids.length === 0) throw new InputError(`split file ${file} is empty`);
  return ids;
}

async function readGroundTruth(data: string, ids: readonly string[]): Promise<GroundTruthBox[]> {
  const boxes: GroundTruthBox[] = [];
  for (const id of ids) {
    const file = path.join(data, 'annotations', `${id}.xml`);
    const xml = await readFile(file, 'utf8').catch(() => {
      throw new InputError(`cannot read annotation ${file}`);
    });
    for (const o of parseVocObjects(xml, file)) {
      boxes.push({ image: id, class: o.name, difficult: o.difficult, box: vocToBox(o.xmin, o.ymin, o.xmax, o.ymax) });
    }
  }
  return boxes;
}

/** The NEU order first, then any other annotation names, sorted, so the table order is stable. */
export function defaultClasses(gt: readonly GroundTruthBox[]): string[] {
  const known: readonly string[] = NEU_CLASSES;
  const extra = [...new Set(gt.map((g) => g.class))].filter((c) => !known.includes(c)).sort();
  return [...known, ...extra];
}

// ---------------------------------------------------------------- output

const fmt = (v: number | null): string => (v === null ? '-' : v.toFixed(4));

export function formatTable(report: DetectionReport, classes: readonly string[]): string {
  const width = Math.max(5, ...classes.map((c) => c.length));
  const row = (name: string, ap50: string, ap: string, gt: string, preds: string) =>
    `${name.padEnd(width)}  ${ap50.padStart(8)}  ${ap.padStart(11)}  ${gt.padStart(6)}  ${preds.padStart(7)}`;
  const lines = [row('class', 'AP@0.5', 'AP@.5:.95', 'gt', 'preds')];
  for (const c of classes) {
    const r = report.perClass[c]!;
    lines.push(row(c, fmt(r.ap50), fmt(r.ap50_95), String(r.gt), String(r.predictions)));
  }
  lines.push(row('mean', fmt(report.map50), fmt(report.map50_95), String(report.gt), String(report.predictions)));
  return lines.join('\n');
}

export function reportJson(report: DetectionReport, classes: readonly string[], images: number, split: string) {
  return {
    map50: report.map50,
    map50_95: report.map50_95,
    per_class: Object.fromEntries(
      classes.map((c) => {
        const r = report.perClass[c]!;
        return [c, {
          ap50: r.ap50, ap50_95: r.ap50_95, gt: r.gt, predictions: r.predictions,
          recall_at_best_f1: r.bestF1.recall, precision_at_best_f1: r.bestF1.precision, best_f1: r.bestF1.f1, best_f1_threshold: r.bestF1.scoreThreshold,
        }];
      }),
    ),
    recall_at_best_f1: report.bestF1.recall,
    images,
    split,
  };
}

/** A class-name mismatch (e.g. rolled_in_scale vs rolled-in_scale) would otherwise just read as a bad model. */
export function warnUnscored(what: string, items: ReadonlyArray<{ class: string }>, classes: readonly string[]): void {
  const counts = new Map<string, number>();
  for (const { class: c } of items) if (!classes.includes(c)) counts.set(c, (counts.get(c) ?? 0) + 1);
  if (counts.size === 0) return;
  const list = [...counts].map(([c, n]) => `${c} (${n})`).join(', ');
  console.error(`warning: ${what} of classes not scored were left out: ${list}`);
}

// ---------------------------------------------------------------- main

const USAGE = 'usage: detect.ts --pred PRED.jsonl --data DIR [--split val] [--json OUT.json] [--classes a,b,...]';

/** Runs the CLI; returns the exit status (2 for bad inputs). */
export function main(argv: string[]): Promise<number> {
  return exitOnInputError('detect', async () => {
    const { values } = parseArgs({
      args: argv,
      options: {
        pred: { type: 'string' },
        data: { type: 'string' },
        split: { type: 'string', default: 'val' },
        json: { type: 'string' },
        classes: { type: 'string' },
      },
    });
    if (values.pred === undefined || values.data === undefined) throw new InputError(USAGE);
    const ids = await readSplitIds(values.data, values.split);
    const gt = await readGroundTruth(values.data, ids);
    const predText = await readFile(values.pred, 'utf8').catch(() => {
      throw new InputError(`cannot read predictions ${values.pred}`);
    });
    const byImage = parsePredictions(predText, new Set(ids));
    requireAll(ids, byImage, values.split);
    const classes = values.classes !== undefined ? values.classes.split(',').map((c) => c.trim()).filter(Boolean) : defaultClasses(gt);
    const preds = [...byImage.values()].flat();
    warnUnscored('predictions', preds, classes);
    warnUnscored('ground-truth boxes', gt, classes);
    const report = evaluateDetections(gt, preds, classes);
    console.log(`${values.split}: ${ids.length} images, predictions ${values.pred}`);
    console.log(formatTable(report, classes));
    if (values.json !== undefined) {
      await writeFile(values.json, `${JSON.stringify(reportJson(report, classes, ids.length, values.split), null, 2)}\n`);
    }
    return 0;
  });
}

await runIfMain(import.meta.url, main);
