// @vitest-environment jsdom
import './setup.ts';
import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { filesFromInput } from '../../../src/renderer/src/features/importing/collect-files.ts';
import { ImportPanel } from '../../../src/renderer/src/features/importing/ImportPanel.tsx';
import { FakeApi, makeAsset, makeItem, makeTask } from './fake-api.ts';
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

  it('cancels a running import from its Cancel button and follows it to Cancelled', async () => {
    const user = userEvent.setup();
    const api = new FakeApi();
    api.transfer = () => new Promise(() => {}); // still sending
    renderWithApp(<ImportPanel jobId={JOB} />, api);
    await user.upload(screen.getByTestId('import-files-input'), [new File(['a'], 'a.jpg'), new File(['b'], 'b.jpg')]);
    const region = await screen.findByRole('region', { name: 'Import of 2 files' });
    act(() => api.emit('task.progressed', { task: makeTask({ total: 2, processed: 1, imported: 1 }), item: makeItem({ seq: 0, name: 'a.jpg' }) }));

    await user.click(within(region).getByRole('button', { name: 'Cancel import' }));
    expect(api.calls.filter((c) => c.name === 'tasks.cancel')).toEqual([{ name: 'tasks.cancel', input: { taskId: makeTask().id } }]);
    // Files not sent yet are not wanted any more.
    expect(api.imports[0]?.signal?.aborted).toBe(true);
    expect(within(region).getByText(/Cancelling · 1 of 2 files/)).toBeInTheDocument();
    expect(within(region).queryByRole('button', { name: 'Cancel import' })).not.toBeInTheDocument();

    act(() => api.emit('task.finished', { task: makeTask({ status: 'cancelled', total: 2, processed: 1, imported: 1 }) }));
    expect(within(region).getByText(/Cancelled · 1 of 2 files/)).toBeInTheDocument();
    expect(within(region).getByRole('button', { name: 'Dismiss' })).toBeInTheDocument();
  });

  it('says when the files could not be sent, and advises to cancel and add them again', async () => {
    const user = userEvent.setup();
    const api = new FakeApi();
    api.transfer = () => Promise.reject(new Error('Failed to fetch'));
    renderWithApp(<ImportPanel jobId={JOB} />, api);
    await user.upload(screen.getByTestId('import-files-input'), [new File(['a'], 'a.jpg')]);
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('The files could not be sent');
    expect(alert).toHaveTextContent('Failed to fetch');
    expect(alert).toHaveTextContent(/cancel this import and add the files again/);
    expect(screen.getByRole('button', { name: 'Cancel import' })).toBeInTheDocument();
  });

  it('re-reads a running import after the event connection comes back, with the files it missed', async () => {
    const user = userEvent.setup();
    const api = new FakeApi();
    const { store } = renderWithApp(<ImportPanel jobId={JOB} />, api);
    await user.upload(screen.getByTestId('import-files-input'), [new File(['a'], 'a.jpg'), new File([''], 'empty.jpg'), new File(['c'], 'c.jpg')]);
    const bar = await screen.findByRole('progressbar', { name: 'Import progress' });
    expect(screen.getByText(/Importing · 0 of 3 files/)).toBeInTheDocument();

    // Meanwhile, with the connection down, the core finished the import: its events never arrived.
    const taskId = makeTask().id;
    api.tasks = [makeTask({ status: 'done', total: 3, processed: 3, imported: 2, failed: 1, finishedAt: '2026-11-23T08:01:00.000Z' })];
    api.items[taskId] = [
      makeItem({ seq: 0, name: 'a.jpg', assetId: 'ast_00000000000000000001' }),
      makeItem({ seq: 1, name: 'empty.jpg', status: 'failed', errorCode: 'FILE_EMPTY', message: 'the file is empty (0 bytes)' }),
      makeItem({ seq: 2, name: 'c.jpg', assetId: 'ast_00000000000000000002' }),
    ];
    api.assets = [makeAsset(), makeAsset({ id: 'ast_00000000000000000002', originalName: 'c.jpg' })];
    act(() => api.reconnect());

    await waitFor(() => expect(bar).toHaveAttribute('aria-valuenow', '100'));
    expect(screen.getByText(/Finished · 3 of 3 files/)).toBeInTheDocument();
    expect(within(screen.getByRole('list', { name: 'Files not imported' })).getAllByRole('listitem').map((li) => li.textContent))
      .toEqual(['empty.jpg — FILE_EMPTY: the file is empty (0 bytes)']);
    expect(api.calls.some((c) => c.name === 'tasks.get' && c.input.taskId === taskId)).toBe(true);
    await waitFor(() => expect(store.getState().assets[JOB]?.map((a) => a.originalName)).toEqual(['IMG_0001.jpg', 'c.jpg']));

    // A finished import is not read again on the next reconnect.
    const reads = api.calls.filter((c) => c.name === 'tasks.get').length;
    act(() => api.reconnect());
    expect(api.calls.filter((c) => c.name === 'tasks.get')).toHaveLength(reads);
  });

  it('keeps the newer picture when an answer arrives after a later event', async () => {
    const user = userEvent.setup();
    const api = new FakeApi();
    renderWithApp(<ImportPanel jobId={JOB} />, api);
    await user.upload(screen.getByTestId('import-files-input'), [new File(['a'], 'a.jpg'), new File(['b'], 'b.jpg')]);
    const bar = await screen.findByRole('progressbar', { name: 'Import progress' });
    act(() => api.emit('task.progressed', { task: makeTask({ total: 2, processed: 2, imported: 2 }), item: null }));
    act(() => api.emit('task.progressed', { task: makeTask({ total: 2, processed: 1, imported: 1 }), item: null }));
    expect(bar).toHaveAttribute('aria-valuenow', '100');
  });

  it('leaves folder housekeeping out of a folder, never out of files picked one by one', async () => {
    const inFolder = (relativePath: string) => {
      const f = new File(['x'], relativePath.split('/').pop()!);
      Object.defineProperty(f, 'webkitRelativePath', { value: relativePath });
      return f;
    };
    // What <input webkitdirectory> gives for a picked folder (user-event sends only one file to an input without `multiple`).
    const folder = [
      inFolder('DCIM/IMG_0001.JPG'), inFolder('DCIM/.DS_Store'), inFolder('DCIM/._IMG_0001.JPG'), inFolder('DCIM/Thumbs.db'),
      inFolder('DCIM/.thumbnails/IMG_0001.JPG'), inFolder('DCIM/100CANON/IMG_0002.JPG'),
    ];
    expect(filesFromInput(folder as unknown as FileList).map((f) => f.relativePath)).toEqual(['DCIM/IMG_0001.JPG', 'DCIM/100CANON/IMG_0002.JPG']);

    const user = userEvent.setup();
    const api = new FakeApi();
    renderWithApp(<ImportPanel jobId={JOB} />, api);
    await user.upload(screen.getByTestId('import-files-input'), [new File(['x'], '.DS_Store'), new File(['y'], 'a.jpg')]);
    expect(api.imports[0]?.files.map((f) => f.relativePath)).toEqual(['.DS_Store', 'a.jpg']);
  });
});
