import { LineCounter, parseDocument, isNode, type Document } from 'yaml';
import { z } from 'zod';
import { ChittiError } from '../app/errors.ts';
import { compileHint, MAX_PATTERN_LENGTH } from './patterns.ts';

/**
 * A checklist framework: a versioned data file (YAML) listing what a document
 * must contain. The format is described in docs (and ../shared/checklists/README.md):
 * id, version (semver), title, description, items with id, section, title,
 * requirement, severity, guidance and optional evidence hints.
 */

export const SEVERITIES = ['high', 'medium', 'low'] as const;
export type Severity = (typeof SEVERITIES)[number];

export interface EvidenceHints {
  /** Case-insensitive patterns; any one found suggests the item is addressed. */
  any_of?: string[];
  /** Case-insensitive patterns that must all be found. */
  all_of?: string[];
}

export interface FrameworkItem {
  id: string;
  section: string;
  title: string;
  /** What must be true: the one field every evaluator layer reads. */
  requirement: string;
  severity: Severity;
  /** Shown to the reviewer when the item is not met. */
  guidance?: string;
  evidence?: EvidenceHints;
}

export interface Framework {
  id: string;
  version: string;
  title: string;
  description?: string;
  items: FrameworkItem[];
}

/** Framework files larger than this are refused before parsing (real ones are a few KB). */
export const MAX_FRAMEWORK_BYTES = 1024 * 1024;
/** More items than this is not a checklist a person reviews; it also bounds evaluation time. */
export const MAX_ITEMS = 500;

const text = (what: string, max: number) =>
  z.string({ error: (i) => (i.input === undefined ? `${what} is required` : `expected text, not ${describe(i.input)}`) })
    .trim()
    .min(1, { error: `${what} must not be empty` })
    .max(max, { error: `${what} is longer than ${max} characters` });

const pattern = z.string({ error: (i) => `expected a pattern (text), not ${describe(i.input)}` }).superRefine((p, ctx) => {
  const check = compileHint(p);
  if (!check.ok) ctx.addIssue({ code: 'custom', message: `pattern ${JSON.stringify(p.length > 60 ? `${p.slice(0, 60)}…` : p)}: ${check.reason}` });
});

const patternList = (name: string) =>
  z.array(pattern, { error: (i) => `${name} must be a list of patterns, not ${describe(i.input)}` })
    .min(1, { error: `${name} must list at least one pattern` })
    .max(50, { error: `${name} lists more than 50 patterns` });

const EvidenceSchema = z.strictObject(
  { any_of: patternList('any_of').optional(), all_of: patternList('all_of').optional() },
  { error: (i) => (i.code === 'unrecognized_keys' ? `unknown field ${quoteKeys(i.keys)} (evidence has any_of and all_of)` : `expected any_of / all_of, not ${describe(i.input)}`) },
).refine((e) => e.any_of !== undefined || e.all_of !== undefined, { error: 'evidence needs any_of or all_of' });

const ITEM_FIELDS = 'id, section, title, requirement, severity, guidance, evidence';

const ItemSchema = z.strictObject(
  {
    id: text('id', 64).regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, { error: 'id may hold letters, digits, ".", "_" and "-" only' }),
    section: text('section', 200),
    title: text('title', 300),
    requirement: text('requirement', 4000),
    severity: z.enum(SEVERITIES, { error: (i) => `expected high | medium | low${i.input === undefined ? ' (severity is required)' : `, not ${describe(i.input)}`}` }),
    guidance: text('guidance', 4000).optional(),
    evidence: EvidenceSchema.optional(),
  },
  { error: (i) => (i.code === 'unrecognized_keys' ? `unknown field ${quoteKeys(i.keys)} (an item has ${ITEM_FIELDS})` : `expected an item (${ITEM_FIELDS}), not ${describe(i.input)}`) },
);

const FrameworkSchema = z.strictObject(
  {
    id: text('id', 100).regex(/^[a-z0-9-]+$/, { error: 'id may hold lower-case letters, digits and "-" only' }),
    version: text('version', 100).regex(/^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/, { error: 'expected a semantic version such as 1.0.0' }),
    title: text('title', 300),
    description: z.string({ error: (i) => `expected text, not ${describe(i.input)}` }).max(10_000).optional(),
    items: z.array(ItemSchema, { error: (i) => (i.input === undefined ? 'items is required' : `expected a list of items, not ${describe(i.input)}`) })
      .min(1, { error: 'a framework needs at least one item' })
      .max(MAX_ITEMS, { error: `more than ${MAX_ITEMS} items` }),
  },
  { error: (i) => (i.code === 'unrecognized_keys' ? `unknown field ${quoteKeys(i.keys)} (a framework has id, version, title, description, items)` : `expected a framework (a YAML mapping), not ${describe(i.input)}`) },
).superRefine((f, ctx) => {
  const seen = new Map<string, number>();
  f.items.forEach((item, index) => {
    const first = seen.get(item.id);
    if (first !== undefined) ctx.addIssue({ code: 'custom', path: ['items', index, 'id'], message: `duplicate item id ${JSON.stringify(item.id)} (also items[${first}])` });
    else seen.set(item.id, index);
  });
});

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'an empty value';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return `${typeof value} ${value}`;
  return typeof value;
}

const quoteKeys = (keys: readonly string[]) => keys.map((k) => JSON.stringify(k)).join(', ');

/** `items[3].severity` from zod's path. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const part of path) out += typeof part === 'number' ? `[${part}]` : `${out ? '.' : ''}${String(part)}`;
  return out;
}

/** 1-based line of the YAML node at `path`, or of its nearest existing parent. */
function lineOf(doc: Document, lines: LineCounter, path: ReadonlyArray<PropertyKey>): number | null {
  for (let n = path.length; n >= 0; n--) {
    const node = doc.getIn(path.slice(0, n) as Array<string | number>, true);
    if (isNode(node) && node.range) return lines.linePos(node.range[0]).line;
  }
  return null;
}

function invalid(source: string, line: number | null, message: string): ChittiError {
  return new ChittiError('CHECKLIST_INVALID', `${source}${line ? `:${line}` : ''}: ${message}`);
}

/**
 * Parses and validates a framework file's text. `source` (the file name) is
 * put in front of every error message, with the line where the problem is:
 * `checklists/weld.yaml:23: items[3].severity: expected high | medium | low`.
 */
export function parseFramework(yamlText: string, source: string): Framework {
  if (Buffer.byteLength(yamlText, 'utf8') > MAX_FRAMEWORK_BYTES) throw invalid(source, null, `the file is larger than ${MAX_FRAMEWORK_BYTES / 1024} KB; a framework is a short list of items`);
  const lines = new LineCounter();
  const doc = parseDocument(yamlText, { lineCounter: lines, uniqueKeys: true, prettyErrors: false });
  const yamlError = doc.errors[0];
  if (yamlError) throw invalid(source, lines.linePos(yamlError.pos[0]).line, `not valid YAML: ${yamlError.message.split('\n')[0]}`);
  let data: unknown;
  try {
    // Aliases are expanded with a cap, so a "billion laughs" file is refused rather than inflated.
    data = doc.toJS({ maxAliasCount: 50 });
  } catch (e) {
    throw invalid(source, null, `not usable YAML: ${(e as Error).message}`);
  }
  const parsed = FrameworkSchema.safeParse(data);
  if (!parsed.success) {
    // A misspelt field name also shows up as a missing required field: name the misspelling, it is the cause.
    const issue = parsed.error.issues.find((i) => i.code === 'unrecognized_keys') ?? parsed.error.issues[0]!;
    const where = issue.path.length > 0 ? `${formatPath(issue.path)}: ` : '';
    throw invalid(source, lineOf(doc, lines, issue.path), `${where}${issue.message}${itemHint(data, issue.path)}`);
  }
  return parsed.data;
}

/** ` (item IRC-04)` when the problem is inside an item that has a readable id, so the author finds it fast. */
function itemHint(data: unknown, path: ReadonlyArray<PropertyKey>): string {
  if (path[0] !== 'items' || typeof path[1] !== 'number' || path[2] === 'id') return '';
  const items = (data as { items?: unknown })?.items;
  const id = Array.isArray(items) ? (items[path[1]] as { id?: unknown } | undefined)?.id : undefined;
  return typeof id === 'string' && id.length <= 64 ? ` (item ${id})` : '';
}

export { MAX_PATTERN_LENGTH };
