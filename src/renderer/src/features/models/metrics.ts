/**
 * Turns a manifest's free-form `metrics` and `training` objects into rows and
 * tables people can read, whatever evaluation wrote them: numbers become
 * labelled values, objects keyed by class become per-class tables, text
 * becomes notes, and anything else is shown as it is.
 */

const LABELS: Record<string, string> = {
  map50: 'mAP@0.5', map50_95: 'mAP@0.5:0.95', map75: 'mAP@0.75', map: 'mAP',
  ap50: 'AP@0.5', ap50_95: 'AP@0.5:0.95', ap75: 'AP@0.75', ap: 'AP',
  mean_iou: 'Mean IoU', miou: 'Mean IoU', mean_dice: 'Mean Dice', iou: 'IoU', dice: 'Dice',
  precision: 'Precision', recall: 'Recall', f1: 'F1', accuracy: 'Accuracy',
  far: 'False-alarm rate', image_threshold_at_far: 'Image score threshold at that false-alarm rate',
  per_class: 'Per class', split: 'Evaluated on', measured: 'Measured on', measured_with: 'Measured with',
  data: 'Training data', epochs_trained: 'Epochs trained', command: 'Command', config: 'Configuration',
};

/** Values shown as percentages. */
const PERCENT = new Set(['far']);

export const metricLabel = (key: string, labels: Record<string, string> = {}): string => {
  const known = labels[key] ?? LABELS[key];
  if (known) return known;
  const words = key.replace(/[_-]+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
};

const percent = (v: number) => `${Number((v * 100).toPrecision(3))} %`;

export function formatValue(key: string, value: number): string {
  if (PERCENT.has(key)) return percent(value);
  if (Number.isInteger(value)) return String(value);
  return Math.abs(value) <= 1 ? value.toFixed(3) : value.toFixed(2);
}

export interface Row {
  key: string;
  label: string;
  value: string;
}

export interface ClassTable {
  key: string;
  title: string;
  columns: Array<{ key: string; label: string }>;
  /** One row per class; a value the evaluation did not give is ''. */
  rows: Array<{ cls: string; values: string[] }>;
}

export interface DataView {
  /** Numbers: the headline figures. */
  values: Row[];
  /** Objects keyed by class. */
  tables: ClassTable[];
  /** Text: where and how it was measured, what it was trained on. */
  notes: Row[];
  /** Anything else (lists, nested settings), as JSON. */
  other: Row[];
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** Rows in the model's class order, then any others in the order given. */
function orderRows(keys: string[], classes: readonly string[]): string[] {
  const known = classes.filter((c) => keys.includes(c));
  return [...known, ...keys.filter((k) => !known.includes(k))];
}

function classTable(key: string, value: Record<string, unknown>, classes: readonly string[]): ClassTable | null {
  const entries = Object.entries(value);
  if (entries.length === 0) return null;
  // { crazing: 0.41, … }: one column.
  if (entries.every(([, v]) => isNumber(v))) {
    return {
      key, title: metricLabel(key), columns: [{ key, label: metricLabel(key) }],
      rows: orderRows(Object.keys(value), classes).map((cls) => ({ cls, values: [formatValue(key, value[cls] as number)] })),
    };
  }
  // { crazing: { ap50: 0.41, ap50_95: 0.2 }, … }: a column per figure.
  if (entries.every(([, v]) => isRecord(v) && Object.values(v).every(isNumber))) {
    const columns = [...new Set(entries.flatMap(([, v]) => Object.keys(v as object)))];
    return {
      key, title: metricLabel(key), columns: columns.map((c) => ({ key: c, label: metricLabel(c) })),
      rows: orderRows(Object.keys(value), classes).map((cls) => {
        const figures = value[cls] as Record<string, number>;
        return { cls, values: columns.map((c) => (figures[c] === undefined ? '' : formatValue(c, figures[c]))) };
      }),
    };
  }
  return null;
}

/** `labels` overrides the usual names (e.g. `split` is where a model was evaluated in `metrics`, but its training split in `training`). */
export function dataView(data: Record<string, unknown>, classes: readonly string[] = [], labels: Record<string, string> = {}): DataView {
  const view: DataView = { values: [], tables: [], notes: [], other: [] };
  for (const [key, value] of Object.entries(data)) {
    if (isNumber(value)) {
      view.values.push({ key, label: metricLabel(key, labels), value: formatValue(key, value) });
    } else if (typeof value === 'string' || typeof value === 'boolean') {
      view.notes.push({ key, label: metricLabel(key, labels), value: String(value) });
    } else {
      const table = isRecord(value) ? classTable(key, value, classes) : null;
      if (table) view.tables.push(table);
      else if (value !== null && value !== undefined) view.other.push({ key, label: metricLabel(key, labels), value: JSON.stringify(value, null, 2) });
    }
  }
  // "Recall at 1 % false alarms" reads better than two rows.
  const recall = view.values.find((r) => r.key === 'recall_at_far');
  const far = data.far;
  if (recall && isNumber(far)) recall.label = `Recall at ${percent(far)} false alarms`;
  return view;
}
