// @vitest-environment jsdom
import './setup.ts';
import { act, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { ImportPanel } from '../../../src/renderer/src/features/importing/ImportPanel.tsx';
import { FakeApi, makeItem, makeTask } from './fake-api.ts';
import { renderWithApp } from './render.tsx';

const JOB = 'job_00000000000000000001';

describe('import panel', () => {
  it('imports picked files and follows the task to 100 % with a line per failed file', async () => {
    const user = userEvent.setup();
    const api = new FakeApi();
    renderWithApp(<ImportPanel jobId={JOB} />, api);
    const files = [new File(['a'], 'a.jpg'), new File([''], 'empty.jpg'), new File(['<html>'], 'page.png')];
    await user.upload(screen.getByTestId('import-files-input'), files);
    expect(api.imports[0]?.files.map((f) => f.relativePath)).toEqual(['a.jpg', 'empty.jpg', 'page.png']);

    const bar = await screen.findByRole('progressbar', { name: 'Import progress' });
    expect(bar).toHaveAttribute('aria-valuenow', '0');

    act(() => api.emit('task.progressed', { task: makeTask({ total: 3, processed: 1, imported: 1 }), item: makeItem({ seq: 0, name: 'a.jpg' }) }));
    expect(bar).toHaveAttribute('aria-valuenow', '33');
    act(() => api.emit('task.progressed', {
      task: makeTask({ total: 3, processed: 2, imported: 1, failed: 1 }),
      item: makeItem({ seq: 1, name: 'empty.jpg', status: 'failed', errorCode: 'FILE_EMPTY', message: 'the file is empty (0 bytes)' }),
    }));
    act(() => api.emit('task.progressed', {
      task: makeTask({ total: 3, processed: 3, imported: 1, failed: 2 }),
      item: makeItem({ seq: 2, name: 'page.png', status: 'failed', errorCode: 'FILE_TYPE_NOT_ALLOWED', message: 'an HTML page is not an inspection file' }),
    }));
    act(() => api.emit('task.finished', { task: makeTask({ status: 'done', total: 3, processed: 3, imported: 1, failed: 2 }) }));

    expect(bar).toHaveAttribute('aria-valuenow', '100');
    const failed = screen.getByRole('list', { name: 'Files not imported' });
    const lines = within(failed).getAllByRole('listitem').map((li) => li.textContent);
    expect(lines).toEqual([
      'empty.jpg — FILE_EMPTY: the file is empty (0 bytes)',
      'page.png — FILE_TYPE_NOT_ALLOWED: an HTML page is not an inspection file',
    ]);
    expect(screen.getByText('2 not imported')).toBeInTheDocument();
    expect(screen.getByText(/Finished · 3 of 3 files/)).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Dismiss' }));
    expect(screen.queryByRole('progressbar')).not.toBeInTheDocument();
  });

  it('ignores progress of tasks it did not start, and shows remarks apart from failures', async () => {
    const user = userEvent.setup();
    const api = new FakeApi();
    renderWithApp(<ImportPanel jobId={JOB} />, api);
    act(() => api.emit('task.progressed', { task: makeTask({ id: 'tsk_99999999999999999999', total: 9, processed: 9 }), item: null }));
    expect(screen.queryByRole('progressbar')).not.toBeInTheDocument();

    await user.upload(screen.getByTestId('import-files-input'), [new File(['%PDF'], 'photo.jpg')]);
    act(() => api.emit('task.progressed', {
      task: makeTask({ total: 1, processed: 1, imported: 1 }),
      item: makeItem({ name: 'photo.jpg', status: 'imported', message: 'named .jpg but the content is a PDF document' }),
    }));
    expect(screen.getByRole('list', { name: 'Imported with remarks' })).toHaveTextContent('photo.jpg: named .jpg but the content is a PDF document');
    expect(screen.queryByRole('list', { name: 'Files not imported' })).not.toBeInTheDocument();
  });
});
