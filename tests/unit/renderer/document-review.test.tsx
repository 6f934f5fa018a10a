// @vitest-environment jsdom
import './setup.ts';
import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DocumentReviewScreen } from '../../../src/renderer/src/features/documents/DocumentReviewScreen.tsx';
import { crId, documentsApi, JOB, REVIEW } from './fake-documents.ts';
import { renderWithApp } from './render.tsx';

afterEach(() => vi.restoreAllMocks());

async function openReview(api = documentsApi()) {
  const user = userEvent.setup();
  const view = renderWithApp(<DocumentReviewScreen jobId={JOB} reviewId={REVIEW} />, api);
  await screen.findByRole('region', { name: 'Checklist' });
  // The pages are there once the document model is read.
  await screen.findByRole('region', { name: 'Page 1' });
  return { ...view, user, api };
}

/** The items listed now, by name, in the order shown. */
const listed = () => within(screen.getByRole('region', { name: 'Checklist' })).getAllByRole('listitem')
  .filter((li) => li.classList.contains('chitti-review-item'))
  .map((li) => li.getAttribute('aria-label'));
const current = () => within(screen.getByRole('region', { name: 'Checklist' })).queryAllByRole('listitem', { current: true }).map((li) => li.getAttribute('aria-label'));
const item = (name: string) => screen.getByRole('listitem', { name });
const callsOf = (api: ReturnType<typeof documentsApi>, name: string) => api.calls.filter((c) => c.name === name).map((c) => c.input);

/** The compliance table as numbers: severity → [met, partial, not met, n.a.]. */
function summaryTable() {
  const rows = within(screen.getByRole('table', { name: 'Compliance by severity' })).getAllByRole('row').slice(1);
  return Object.fromEntries(rows.map((r) => {
    const [sev, ...cells] = within(r).getAllByRole('cell').map((c) => c.textContent);
    return [sev, cells.map(Number)];
  }));
}

describe('document review: the checklist', () => {
  it('groups the items by section with status, severity, confidence, feedback and evidence, and says why one was ranked down', async () => {
    await openReview();
    expect(screen.getAllByRole('heading', { level: 3 }).map((h) => h.textContent)).toEqual(['Identification', 'Scope', 'Personnel']);
    expect(listed()).toEqual(['IRC-01 Report number and date', 'IRC-02 Client and location', 'IRC-05 Governing code or standard', 'IRC-08 Inspector named', 'IRC-09 Signature']);
    const first = item('IRC-01 Report number and date');
    expect(within(first).getByLabelText('Status: met')).toBeInTheDocument();
    expect(within(first).getByLabelText('Severity: high')).toBeInTheDocument();
    expect(within(first).getByText('confidence 0.90')).toBeInTheDocument();
    expect(within(first).getByLabelText('Feedback')).toHaveTextContent('The report number and date are given.');
    expect(within(first).getByRole('button', { name: 'Show evidence p. 1: “Report No. 54-11-001”' })).toBeInTheDocument();
    expect(within(item('IRC-02 Client and location')).getByRole('note')).toHaveTextContent('Ranked down: rejected 2× before (last reason: Wrong status)');
    expect(within(item('IRC-01 Report number and date')).queryByRole('note')).toBeNull();
    expect(within(item('IRC-05 Governing code or standard')).getByText('Evidence does not support it')).toBeInTheDocument();
  });

  it('filters by section, severity, status and decision; j/k walk only what is shown', async () => {
    const { user } = await openReview();
    const filters = screen.getByRole('group', { name: 'Filter items' });
    await user.selectOptions(within(filters).getByRole('combobox', { name: 'Section' }), 'Personnel');
    expect(listed()).toEqual(['IRC-08 Inspector named', 'IRC-09 Signature']);
    expect(within(filters).getByRole('status')).toHaveTextContent('2 of 5 shown');
    // Keys typed in a select are the select's: leave it first.
    (document.activeElement as HTMLElement).blur();
    await user.keyboard('j');
    expect(current()).toEqual(['IRC-08 Inspector named']);
    await user.keyboard('jj');
    expect(current()).toEqual(['IRC-09 Signature']);

    await user.selectOptions(within(filters).getByRole('combobox', { name: 'Section' }), '');
    await user.selectOptions(within(filters).getByRole('combobox', { name: 'Severity' }), 'high');
    expect(listed()).toEqual(['IRC-01 Report number and date', 'IRC-05 Governing code or standard']);
    await user.selectOptions(within(filters).getByRole('combobox', { name: 'Status' }), 'not_met');
    expect(listed()).toEqual(['IRC-05 Governing code or standard']);
    await user.click(within(filters).getByRole('button', { name: 'Clear filters' }));
    await user.selectOptions(within(filters).getByRole('combobox', { name: 'Decision' }), 'open');
    expect(listed()).toEqual(['IRC-01 Report number and date', 'IRC-02 Client and location', 'IRC-09 Signature']);
    await user.selectOptions(within(filters).getByRole('combobox', { name: 'Decision' }), 'decided');
    expect(listed()).toEqual(['IRC-05 Governing code or standard', 'IRC-08 Inspector named']);
  });

  it('decides from the keyboard: each key calls its procedure with the version shown', async () => {
    const { user, api } = await openReview();
    await user.keyboard('j');
    expect(current()).toEqual(['IRC-01 Report number and date']);

    // a accepts and moves on to the next item.
    await user.keyboard('a');
    await waitFor(() => expect(current()).toEqual(['IRC-02 Client and location']));
    expect(callsOf(api, 'reviews.decide')).toEqual([{ resultId: crId(1), expectedVersion: 1, action: 'accept' }]);
    expect(within(item('IRC-01 Report number and date')).getByText('accepted')).toBeInTheDocument();

    // 3 sets "not met" and stays.
    await user.keyboard('3');
    await waitFor(() => expect(within(item('IRC-02 Client and location')).getByLabelText('Status: not met')).toBeInTheDocument());
    expect(callsOf(api, 'reviews.decide').at(-1)).toEqual({ resultId: crId(2), expectedVersion: 1, action: 'set-status', status: 'not_met' });

    // r asks why; 2 picks "Wrong status" (and is not also "set partial").
    await user.keyboard('r');
    const dialog = await screen.findByRole('dialog', { name: "Reject the AI's feedback" });
    await user.keyboard('2');
    await waitFor(() => expect(dialog).not.toBeInTheDocument());
    await waitFor(() => expect(current()).toEqual(['IRC-05 Governing code or standard']));
    expect(callsOf(api, 'reviews.decide').at(-1)).toEqual({ resultId: crId(2), expectedVersion: 2, action: 'reject', reason: 'Wrong status' });
    expect(callsOf(api, 'reviews.decide')).toHaveLength(3);

    // k goes back; z undoes the rejection at the version now shown.
    await user.keyboard('k');
    expect(item('IRC-02 Client and location')).toHaveTextContent('Rejected: Wrong status');
    await user.keyboard('z');
    await waitFor(() => expect(within(item('IRC-02 Client and location')).getByLabelText('Status: not met')).toBeInTheDocument());
    expect(callsOf(api, 'reviews.undo')).toEqual([{ resultId: crId(2), expectedVersion: 3 }]);

    // e edits the feedback; Ctrl+Enter saves.
    await user.keyboard('e');
    const edit = await screen.findByRole('dialog', { name: 'Edit the feedback' });
    const box = within(edit).getByRole('textbox', { name: /Feedback for IRC-02/ });
    await user.clear(box);
    await user.type(box, 'The client is named; the site address is given on page 2.');
    await user.keyboard('{Control>}{Enter}{/Control}');
    await waitFor(() => expect(within(item('IRC-02 Client and location')).getByLabelText('Feedback')).toHaveTextContent('the site address is given on page 2. (edited)'));
    expect(callsOf(api, 'reviews.decide').at(-1)).toEqual({ resultId: crId(2), expectedVersion: 4, action: 'edit-feedback', feedback: 'The client is named; the site address is given on page 2.' });

    // n writes a note (once the feedback dialog has closed and given the focus back).
    await waitFor(() => expect(screen.queryByRole('dialog', { name: 'Edit the feedback' })).toBeNull());
    await user.keyboard('n');
    const note = await screen.findByRole('dialog', { name: 'Note on this item' });
    await user.type(within(note).getByRole('textbox'), 'Checked against the site plan.');
    await user.click(within(note).getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(within(item('IRC-02 Client and location')).getByText('Checked against the site plan.')).toBeInTheDocument());
    expect(callsOf(api, 'reviews.decide').at(-1)).toEqual({ resultId: crId(2), expectedVersion: 5, action: 'note', note: 'Checked against the site plan.' });
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('keeps the compliance summary in step with the decisions (a rejected proposal counts nowhere)', async () => {
    const { user } = await openReview();
    expect(summaryTable()).toEqual({ high: [1, 0, 0, 0], medium: [0, 1, 0, 1], low: [1, 0, 0, 0] });
    expect(screen.getByText('2 of 5 decided')).toBeInTheDocument();
    expect(screen.getByRole('img', { name: /^Compliance by severity\. high: 1 met, 0 partial, 0 not met, 0 n\.a\.; medium: 0 met, 1 partial, 0 not met, 1 n\.a\.; low: 1 met/ })).toBeInTheDocument();

    await user.keyboard('j');
    await user.keyboard('3');
    await waitFor(() => expect(summaryTable()).toEqual({ high: [0, 0, 1, 0], medium: [0, 1, 0, 1], low: [1, 0, 0, 0] }));
    expect(screen.getByText('3 of 5 decided')).toBeInTheDocument();
    // The rejected item gets a status of its own: it counts again.
    await user.click(screen.getByRole('button', { name: 'Select IRC-05 Governing code or standard' }));
    await user.keyboard('2');
    await waitFor(() => expect(summaryTable().high).toEqual([0, 1, 1, 0]));
  });

  it('shows a conflict clearly and reloads the review on request', async () => {
    const api = documentsApi();
    const { user } = await openReview(api);
    api.changeElsewhere(crId(1), { decision: 'accepted' });
    await user.keyboard('j');
    await user.keyboard('a');
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Changed meanwhile');
    expect(alert).toHaveTextContent('changed by sam');
    // Nothing moved on: the item is still the one selected, shown as before.
    expect(current()).toEqual(['IRC-01 Report number and date']);
    await user.click(within(alert).getByRole('button', { name: 'Reload the review' }));
    await waitFor(() => expect(screen.queryByRole('alert')).toBeNull());
    expect(within(item('IRC-01 Report number and date')).getByText('accepted by sam', { exact: false })).toBeInTheDocument();
    expect(callsOf(api, 'reviews.get')).toHaveLength(2);
    // Decided again at the version now shown.
    await user.keyboard('3');
    await waitFor(() => expect(callsOf(api, 'reviews.decide').at(-1)).toEqual({ resultId: crId(1), expectedVersion: 2, action: 'set-status', status: 'not_met' }));
  });
});

describe('document review: the pages', () => {
  it('renders the pages at their size with a text layer placed from the document model', async () => {
    const { api } = await openReview();
    const page1 = screen.getByRole('region', { name: 'Page 1' });
    const span = within(page1).getByText('Report No. 54-11-001');
    expect(span).toHaveAttribute('data-bbox', '72,72,300,90');
    expect(span.style.left).toBe(`${(100 * 72) / 612}%`);
    expect(span.style.top).toBe(`${(100 * 72) / 792}%`);
    // Table cells with boxes are placed one by one.
    expect(within(screen.getByRole('region', { name: 'Page 2' })).getByText('12.4 mm')).toHaveAttribute('data-bbox', '200,400,300,420');
    // Pages near the view are fetched from the core's resource, not before.
    await waitFor(() => expect(api.pagesLoaded.map((p) => p.page).sort()).toEqual([1, 2]));
    expect(api.pagesLoaded[0]).toMatchObject({ assetId: 'ast_00000000000000000010', dpi: 96 });
  });

  it('clicking an evidence entry scrolls to its page and highlights its box; Enter/o walk the selected item’s evidence', async () => {
    const scrolled: Element[] = [];
    vi.spyOn(Element.prototype, 'scrollIntoView').mockImplementation(function (this: Element) {
      scrolled.push(this);
    });
    const { user } = await openReview();
    await user.click(screen.getByRole('button', { name: 'Show evidence p. 1: “Report No. 54-11-001”' }));
    const page1 = screen.getByRole('region', { name: 'Page 1' });
    const mark = await within(page1).findByRole('mark', { name: 'Evidence highlighted on page 1' });
    expect(mark.style.left).toBe(`${(100 * 72) / 612}%`);
    expect(mark.style.width).toBe(`${(100 * 228) / 612}%`);
    expect(scrolled).toContain(mark);
    // The item of that evidence is selected.
    expect(current()).toEqual(['IRC-01 Report number and date']);

    // IRC-02's evidence has no box: the block of its page containing its text is highlighted.
    await user.keyboard('j');
    await user.keyboard('o');
    const page2 = screen.getByRole('region', { name: 'Page 2' });
    const mark2 = await within(page2).findByRole('mark', { name: 'Evidence highlighted on page 2' });
    expect(mark2.style.top).toBe(`${(100 * 300) / 792}%`);
    expect(scrolled.at(-1)).toBe(mark2);
    expect(within(page1).queryByRole('mark')).toBeNull();
    await user.keyboard('k');
    await user.keyboard('{Enter}');
    await within(page1).findByRole('mark');
  });

  it('adds feedback on a text selection, anchored to its page, text and the box of the spans selected', async () => {
    const { user, api } = await openReview();
    const add = screen.getByRole('button', { name: 'Add feedback on the selection' });
    expect(add).toBeDisabled();
    const page1 = screen.getByRole('region', { name: 'Page 1' });
    const from = within(page1).getByText('Report No. 54-11-001').firstChild!;
    const to = within(page1).getByText('Date: 2025-03-14').firstChild!;
    act(() => {
      const range = document.createRange();
      range.setStart(from, 0);
      range.setEnd(to, 5);
      const selection = window.getSelection()!;
      selection.removeAllRanges();
      selection.addRange(range);
      document.dispatchEvent(new Event('selectionchange'));
    });
    await waitFor(() => expect(add).toBeEnabled());
    expect(screen.getByRole('group', { name: 'Selection in the document' })).toHaveTextContent('Selected p. 1: “Report No. 54-11-001 Date:”');

    await user.keyboard('f');
    const dialog = await screen.findByRole('dialog', { name: 'Add feedback on the selection' });
    expect(within(dialog).getByLabelText('Selected text')).toHaveTextContent('Report No. 54-11-001 Date:');
    await user.type(within(dialog).getByRole('textbox', { name: /Title/ }), 'Inspection date not stated');
    await user.selectOptions(within(dialog).getByRole('combobox', { name: 'Status' }), 'partial');
    await user.selectOptions(within(dialog).getByRole('combobox', { name: 'Severity' }), 'high');
    await user.type(within(dialog).getByRole('textbox', { name: /Feedback/ }), 'The date given is the issue date, not the inspection date.');
    await user.click(within(dialog).getByRole('button', { name: 'Add feedback' }));

    await waitFor(() => expect(callsOf(api, 'reviews.addItem')).toHaveLength(1));
    expect(callsOf(api, 'reviews.addItem')[0]).toEqual({
      reviewId: REVIEW, title: 'Inspection date not stated', status: 'partial', severity: 'high', section: 'Reviewer',
      feedback: 'The date given is the issue date, not the inspection date.',
      anchor: { page: 1, text: 'Report No. 54-11-001 Date:', bbox: [72, 72, 300, 114] },
    });
    // It joins the checklist in its own section, selected, with its anchor as evidence.
    await waitFor(() => expect(current()).toEqual(['Inspection date not stated']));
    const added = item('Inspection date not stated');
    expect(within(added).getByRole('button', { name: 'Show evidence p. 1: “Report No. 54-11-001 Date:”' })).toBeInTheDocument();
    expect(screen.getAllByRole('heading', { level: 3 }).map((h) => h.textContent)).toContain('Reviewer');
    expect(summaryTable().high).toEqual([1, 1, 0, 0]);
    // A reviewer's own item has no proposal to accept or reject.
    expect(within(added).getByRole('button', { name: 'Accept' })).toBeDisabled();
  });

  it('zooms the pages with the buttons and keys', async () => {
    const { user } = await openReview();
    const zoom = screen.getByTestId('document-zoom');
    expect(zoom).toHaveTextContent('Zoom 100%');
    const page1 = screen.getByRole('region', { name: 'Page 1' });
    expect(page1.style.width).toBe(`${612 * (96 / 72)}px`);
    await user.click(screen.getByRole('button', { name: 'Zoom in' }));
    expect(zoom).toHaveTextContent('Zoom 125%');
    expect(page1.style.width).toBe(`${612 * (96 / 72) * 1.25}px`);
    fireEvent.keyDown(document.body, { key: '-' });
    expect(zoom).toHaveTextContent('Zoom 100%');
  });
});
