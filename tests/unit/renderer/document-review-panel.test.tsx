// @vitest-environment jsdom
import './setup.ts';
import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { DocumentReviewPanel } from '../../../src/renderer/src/features/documents/DocumentReviewPanel.tsx';
import { ApiError } from '../../../src/renderer/src/api/types.ts';
import { makeItem } from './fake-api.ts';
import { checklistTask, DOC, documentsApi, JOB, makeReview } from './fake-documents.ts';
import { renderWithApp } from './render.tsx';

function renderPanel(api = documentsApi()) {
  const user = userEvent.setup();
  const documents = api.assets.filter((a) => a.kind === 'document');
  return { ...renderWithApp(<DocumentReviewPanel jobId={JOB} documents={documents} />, api), user, api };
}

describe('documents against a checklist, on the job screen', () => {
  it('starts a review with the chosen framework and documents, with or without the embedding layer', async () => {
    const { user, api } = renderPanel();
    const form = await screen.findByRole('group', { name: 'Review against a checklist' });
    const framework = within(form).getByRole('combobox', { name: 'Checklist framework' });
    await waitFor(() => expect(framework).toHaveValue('inspection-report-core'));
    expect(within(framework).getAllByRole('option').map((o) => o.textContent)).toEqual([
      'Inspection report - core content (12 items, 1.0.0)', 'Welding report (4 items, 1.0.0)',
    ]);
    // Every document by default: no assetIds, embeddings on.
    await user.click(within(form).getByRole('button', { name: 'Review against a checklist' }));
    await waitFor(() => expect(api.calls.filter((c) => c.name === 'reviews.start')).toHaveLength(1));
    expect(api.calls.find((c) => c.name === 'reviews.start')!.input).toEqual({ jobId: JOB, checklistId: 'inspection-report-core', embeddings: true });

    await user.selectOptions(framework, 'my-welding');
    await user.click(within(form).getByRole('checkbox', { name: 'bridge.pdf' }));
    await user.click(within(form).getByRole('checkbox', { name: 'Semantic search (embedding model)' }));
    expect(within(form).getByText(/Reviews 1 of 2 documents/)).toBeInTheDocument();
    await user.click(within(form).getByRole('button', { name: 'Review against a checklist' }));
    await waitFor(() => expect(api.calls.filter((c) => c.name === 'reviews.start')).toHaveLength(2));
    expect(api.calls.filter((c) => c.name === 'reviews.start')[1]!.input).toEqual({ jobId: JOB, checklistId: 'my-welding', embeddings: false, assetIds: [DOC] });
  });

  it('follows the task live, lists the documents that failed, and shows each review as it arrives', async () => {
    const { user, api } = renderPanel();
    api.docReviews = [];
    await user.click(await screen.findByRole('button', { name: 'Review against a checklist' }));
    const run = await screen.findByRole('region', { name: 'Checklist review of 2 documents' });
    const bar = within(run).getByRole('progressbar', { name: 'Checklist review progress' });
    expect(bar).toHaveAttribute('aria-valuenow', '0');

    const review = makeReview();
    act(() => {
      api.emit('task.progressed', { task: checklistTask({ status: 'running', total: 2, processed: 1, analysed: 1 }), item: makeItem({ seq: 0, name: 'api510-vessel.pdf', status: 'analysed', assetId: DOC }) });
      api.emit('review.added', { review });
    });
    expect(bar).toHaveAttribute('aria-valuenow', '50');
    expect(within(run).getByText('Reviewing · 1 of 2 documents')).toBeInTheDocument();
    const table = await screen.findByRole('table', { name: 'Document reviews' });
    const link = within(table).getByRole('link', { name: 'Open the review of api510-vessel.pdf against Inspection report - core content' });
    expect(link).toHaveAttribute('href', `#/jobs/${JOB}/reviews/${review.id}`);
    const row = link.closest('tr')!;
    expect(within(row).getByRole('img', { name: 'Compliance: 2 met, 1 partial, 0 not met, 1 n.a.' })).toBeInTheDocument();
    expect(row).toHaveTextContent('2 / 5');

    const failed = makeReview({
      id: 'rv_0000000002', documentName: 'bridge.pdf', assetId: 'ast_00000000000000000011', status: 'failed',
      errorCode: 'DOCUMENT_ENCRYPTED', message: 'The PDF is password-protected.', decided: 0, total: 0, createdAt: '2026-11-24T09:01:00.000Z',
    });
    act(() => {
      api.emit('task.progressed', {
        task: checklistTask({ status: 'running', total: 2, processed: 2, analysed: 1, failed: 1 }),
        item: makeItem({ seq: 1, name: 'bridge.pdf', status: 'failed', errorCode: 'DOCUMENT_ENCRYPTED', message: 'The PDF is password-protected.' }),
      });
      api.emit('review.added', { review: failed });
      api.emit('task.finished', { task: checklistTask({ status: 'done', total: 2, processed: 2, analysed: 1, failed: 1 }) });
    });
    expect(bar).toHaveAttribute('aria-valuenow', '100');
    expect(within(run).getByRole('list', { name: 'Documents not reviewed' })).toHaveTextContent('bridge.pdf — DOCUMENT_ENCRYPTED: The PDF is password-protected.');
    expect(within(run).getByText('1 reviewed')).toBeInTheDocument();
    expect(within(run).getByText('1 failed')).toBeInTheDocument();
    // Newest first; the failed one says why and opens nothing.
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows[0]).toHaveTextContent('bridge.pdf');
    expect(rows[0]).toHaveTextContent('DOCUMENT_ENCRYPTED: The PDF is password-protected.');
    expect(within(rows[0]!).queryByRole('link')).toBeNull();
    await user.click(within(run).getByRole('button', { name: 'Dismiss' }));
    expect(screen.queryByRole('region', { name: 'Checklist review of 2 documents' })).toBeNull();
  });

  it('re-reads the list when an item of one of its reviews is decided elsewhere', async () => {
    const { api } = renderPanel();
    await screen.findByRole('table', { name: 'Document reviews' });
    const before = api.calls.filter((c) => c.name === 'reviews.list').length;
    api.docReviews = [makeReview({ decided: 3 })];
    act(() => api.emit('review.changed', { item: api.reviewItems[makeReview().id]![0]! }));
    await waitFor(() => expect(screen.getByRole('table', { name: 'Document reviews' })).toHaveTextContent('3 / 5'));
    expect(api.calls.filter((c) => c.name === 'reviews.list').length).toBe(before + 1);
  });

  it('says why it cannot start, and which checklist files were refused', async () => {
    const api = documentsApi();
    api.checklistProblems = [{ file: 'broken.yaml', message: 'items[0].severity: expected high, medium or low' }];
    api.failing['reviews.start'] = new ApiError('NOT_FOUND', 'No checklist framework has the id inspection-report-core.');
    const { user } = renderPanel(api);
    expect(await screen.findByText('broken.yaml')).toBeInTheDocument();
    await user.click(await screen.findByRole('button', { name: 'Review against a checklist' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('No checklist framework has the id inspection-report-core.');
  });

  it('asks for documents when the job has none', async () => {
    const api = documentsApi();
    renderWithApp(<DocumentReviewPanel jobId={JOB} documents={[]} />, api);
    expect(await screen.findByText(/No documents in this job yet/)).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Review against a checklist' })).toBeNull();
  });
});
