import { useHotkeys } from '@mantine/hooks';
import { useEffect } from 'react';
import type { ChecklistStatus, ReviewItem } from '../../../../shared/contract/index.ts';
import { STATUSES } from './review-items.ts';

/** What each key of the review screen does (see ShortcutsHelp, "Reviewing a document against a checklist"). */
export interface ReviewKeyActions {
  move: (delta: number) => void;
  accept: (item: ReviewItem) => void;
  reject: (item: ReviewItem) => void;
  setStatus: (item: ReviewItem, status: ChecklistStatus) => void;
  editFeedback: (item: ReviewItem) => void;
  note: (item: ReviewItem) => void;
  undo: (item: ReviewItem) => void;
  /** Enter/o: the selected item's next evidence entry. */
  nextEvidence: () => void;
  /** f: feedback on the text selected in the pages. */
  addFeedback: () => void;
  fitWidth: () => void;
  zoomBy: (factor: number) => void;
  back: () => void;
}

/** Keys typed in a dialog (a reason, the feedback) are the dialog's, not the screen's. */
const inDialog = (e: KeyboardEvent) => e.target instanceof Element && e.target.closest('[role="dialog"]') !== null;

/**
 * The review screen's keys. None acts while a dialog is open; those on the
 * selected item wait until the previous decision on it is answered (so a
 * second key press never decides at a stale version).
 */
export function useReviewKeys({ selected, busy, dialogOpen, actions }: {
  selected: ReviewItem | null;
  busy: boolean;
  dialogOpen: boolean;
  actions: ReviewKeyActions;
}) {
  const onSelected = (run: (item: ReviewItem) => void) => (e: KeyboardEvent) => {
    if (!dialogOpen && !inDialog(e) && selected && !busy) run(selected);
  };
  const free = (run: () => void) => (e: KeyboardEvent) => {
    if (!dialogOpen && !inDialog(e)) run();
  };
  useHotkeys([
    ['j', free(() => actions.move(1))],
    ['k', free(() => actions.move(-1))],
    // A reviewer's own item has no proposal to accept or reject.
    ['a', onSelected((i) => { if (i.proposal) actions.accept(i); })],
    ['r', onSelected((i) => { if (i.proposal) actions.reject(i); })],
    ...STATUSES.map((status, n): [string, (e: KeyboardEvent) => void] => [String(n + 1), onSelected((i) => actions.setStatus(i, status))]),
    ['e', onSelected(actions.editFeedback)],
    ['n', onSelected(actions.note)],
    ['z', onSelected((i) => { if (i.version > 1) actions.undo(i); })],
    ['o', free(actions.nextEvidence)],
    ['f', free(actions.addFeedback)],
    ['0', free(actions.fitWidth)],
    ['Escape', free(actions.back)],
  ]);
  // Enter shows the evidence unless it presses a button or link (those keep their own Enter);
  // the selected item's own button is the exception: the focus rests there after a click.
  // '+' cannot be written in a Mantine hotkey and differs by layout: read the character typed.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey || dialogOpen || inDialog(e)) return;
      const target = e.target instanceof Element ? e.target : null;
      if (target?.closest('input, textarea, select')) return;
      if (e.key === 'Enter') {
        const control = target?.closest('button, a, [role="button"]');
        if (control && !(control.hasAttribute('data-select-item') && control.closest('[aria-current="true"]'))) return;
        e.preventDefault();
        actions.nextEvidence();
      } else if (e.key === '+' || e.key === '=') actions.zoomBy(1.25);
      else if (e.key === '-' || e.key === '_') actions.zoomBy(1 / 1.25);
    };
    document.documentElement.addEventListener('keydown', onKey);
    return () => document.documentElement.removeEventListener('keydown', onKey);
  });
}
