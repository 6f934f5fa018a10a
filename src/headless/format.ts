import type { Job, Task, TaskItem } from '../shared/contract/index.ts';

/** Plain-text renderings for the terminal; `--json` bypasses all of these. */
export function table(rows: string[][]): string {
  if (rows.length === 0) return '';
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ')).join('\n');
}

export function formatJob(job: Job): string {
  const field = (label: string, value: string | null) => `${label.padEnd(11)}${value || '—'}`;
  return [
    field('Job', `${job.name}  (${job.id})`),
    field('Client', job.client), field('Site', job.site), field('Component', job.component),
    field('Procedure', job.procedure), field('Inspector', job.inspector),
    field('Dates', job.startDate || job.endDate ? `${job.startDate ?? '?'} – ${job.endDate ?? '?'}` : null),
    field('Assets', String(job.assetCount)),
    field('Created', job.createdAt),
  ].join('\n');
}

export function formatTaskSummary(task: Task): string {
  if (task.kind === 'detect') {
    return `${task.analysed} analysed, ${task.failed} failed, of ${task.total} image${task.total === 1 ? '' : 's'} (task ${task.id}, ${task.status})`;
  }
  return `${task.imported} imported, ${task.duplicates} duplicate${task.duplicates === 1 ? '' : 's'}, ${task.failed} failed, of ${task.total} file${task.total === 1 ? '' : 's'} (task ${task.id}, ${task.status})`;
}

export function formatItem(item: TaskItem): string {
  const what = item.status === 'failed' ? `${item.errorCode}: ${item.message}` : item.message ? `${item.status} (${item.message})` : item.status;
  return `${item.name}  ${what}\n    ${item.source}`;
}
