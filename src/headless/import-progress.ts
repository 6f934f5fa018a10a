import { SingleBar } from 'cli-progress';
import type { Core } from '../core/app/core-api.ts';
import type { Task } from '../shared/contract/index.ts';

/**
 * Follows a task (an import, a detect task) until it ends, drawing a progress
 * bar on a terminal and a line per file otherwise (CI logs, pipes). Ctrl+C
 * cancels the task: files already imported (images already analysed) stay,
 * the rest are marked cancelled.
 */
export async function watchTask(core: Core, task: Task, options: { progress: boolean }): Promise<Task> {
  const tty = process.stderr.isTTY === true;
  const detect = task.kind === 'detect';
  const bar = options.progress && tty
    ? new SingleBar({ format: `${detect ? 'Analysing' : 'Importing'} [{bar}] {percentage}% | {value}/{total} | {name}`, stream: process.stderr, hideCursor: true })
    : null;
  let started = false;
  const onSigint = () => {
    process.stderr.write(detect ? '\nCancelling: images already analysed are kept…\n' : '\nCancelling: files already imported are kept…\n');
    void core.dispatch('tasks.cancel', { taskId: task.id });
  };
  process.once('SIGINT', onSigint);
  try {
    return await new Promise<Task>((resolve) => {
      const unsubscribe = core.subscribe((name, payload) => {
        if (name === 'task.progressed') {
          const p = payload as { task: Task; item: { name: string; status: string; errorCode: string | null } | null };
          if (p.task.id !== task.id) return;
          if (bar) {
            if (!started) bar.start(p.task.total, 0, { name: '' });
            started = true;
            bar.setTotal(p.task.total);
            bar.update(p.task.processed, { name: p.item?.name ?? '' });
          } else if (options.progress && p.item) {
            process.stderr.write(`[${p.task.processed}/${p.task.total}] ${p.item.name}: ${p.item.errorCode ?? p.item.status}\n`);
          }
        } else if (name === 'task.finished') {
          const p = payload as { task: Task };
          if (p.task.id !== task.id) return;
          bar?.stop();
          unsubscribe();
          resolve(p.task);
        }
      });
      // The task may have ended before we subscribed (an empty or already-finished task).
      void core.dispatch('tasks.get', { taskId: task.id }).then((r) => {
        if (r.ok && ['done', 'failed', 'cancelled'].includes(r.result.status)) {
          bar?.stop();
          unsubscribe();
          resolve(r.result);
        }
      });
    });
  } finally {
    process.off('SIGINT', onSigint);
  }
}

/** An import's progress (see watchTask). */
export const watchImport = watchTask;
