// @vitest-environment jsdom
import './setup.ts';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { JobsScreen } from '../../../src/renderer/src/features/jobs/JobsScreen.tsx';
import { FakeApi, makeJob } from './fake-api.ts';
import { renderWithApp } from './render.tsx';

describe('jobs screen', () => {
  it('lists the jobs with their facts, each a link to the job', async () => {
    const api = new FakeApi();
    api.jobs = [makeJob({ name: 'Tank 6 external', assetCount: 192 }), makeJob({ id: 'job_00000000000000000002', name: 'Bridge 12 bearings', client: 'DOT' })];
    renderWithApp(<JobsScreen />, api);
    const table = await screen.findByRole('table', { name: 'Inspection jobs' });
    const rows = within(table).getAllByRole('row');
    expect(rows).toHaveLength(3);
    expect(within(rows[1]!).getByRole('link', { name: 'Tank 6 external' })).toHaveAttribute('href', '#/jobs/job_00000000000000000001');
    expect(within(rows[1]!).getByText('192')).toBeInTheDocument();
    expect(within(rows[2]!).getByText('DOT')).toBeInTheDocument();
  });

  it('says so when there are no jobs yet', async () => {
    renderWithApp(<JobsScreen />);
    expect(await screen.findByText(/No jobs yet/)).toBeInTheDocument();
  });

  it('creates a job from the dialog and opens it; the name is required', async () => {
    const user = userEvent.setup();
    const { api } = renderWithApp(<JobsScreen />);
    await user.click(await screen.findByRole('button', { name: 'New job' }));
    const dialog = await screen.findByRole('dialog', { name: 'New inspection job' });
    await user.click(within(dialog).getByRole('button', { name: 'Create job' }));
    expect(await within(dialog).findByRole('alert')).toHaveTextContent('A job needs a name.');
    expect(api.jobs).toHaveLength(0);

    await user.type(within(dialog).getByRole('textbox', { name: /Job name/ }), 'Tank 6 external, LR0328');
    await user.type(within(dialog).getByRole('textbox', { name: 'Inspector' }), 'Priya N.');
    await user.click(within(dialog).getByRole('button', { name: 'Create job' }));
    await waitFor(() => expect(window.location.hash).toBe(`#/jobs/${api.jobs[0]!.id}`));
    expect(api.jobs[0]).toMatchObject({ name: 'Tank 6 external, LR0328', inspector: 'Priya N.' });
  });

  it('fills client, site, procedure and inspector in from the newest job, not from browser storage', async () => {
    const user = userEvent.setup();
    const api = new FakeApi();
    api.jobs = [makeJob({ client: 'Refinery Ltd', site: 'Unit 4', component: 'Shell', procedure: 'UT-7', inspector: 'Priya' })];
    renderWithApp(<JobsScreen />, api);
    await screen.findByRole('table', { name: 'Inspection jobs' });
    await user.keyboard('n');
    let dialog = await screen.findByRole('dialog');
    const value = (name: string | RegExp) => within(dialog).getByRole<HTMLInputElement>('textbox', { name }).value;
    expect([value('Client'), value('Site'), value('Procedure'), value('Inspector')]).toEqual(['Refinery Ltd', 'Unit 4', 'UT-7', 'Priya']);
    expect(value('Component')).toBe('');
    expect(value(/Job name/)).toBe('');

    // After creating a job, the next dialog starts from that one.
    await user.type(within(dialog).getByRole('textbox', { name: /Job name/ }), 'First');
    await user.clear(within(dialog).getByRole('textbox', { name: 'Inspector' }));
    await user.type(within(dialog).getByRole('textbox', { name: 'Inspector' }), 'Priya N.');
    await user.click(within(dialog).getByRole('button', { name: 'Create job' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    await user.keyboard('n');
    dialog = await screen.findByRole('dialog');
    expect(within(dialog).getByRole('textbox', { name: 'Inspector' })).toHaveValue('Priya N.');
    expect(within(dialog).getByRole('textbox', { name: 'Client' })).toHaveValue('Refinery Ltd');
    expect(within(dialog).getByRole('textbox', { name: /Job name/ })).toHaveValue('');
    expect(localStorage.length).toBe(0);
  });

  it('starts empty when there is no job yet', async () => {
    const user = userEvent.setup();
    renderWithApp(<JobsScreen />);
    await screen.findByText(/No jobs yet/);
    await user.keyboard('n');
    const dialog = await screen.findByRole('dialog');
    for (const name of ['Client', 'Site', 'Procedure', 'Inspector']) expect(within(dialog).getByRole('textbox', { name })).toHaveValue('');
  });
});
