// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { createAppStore } from '../../../src/renderer/src/store/app-store.ts';
import { FakeApi, makeAsset, makeJob } from './fake-api.ts';

const JOB = 'job_00000000000000000001';
const id = (prefix: string, i: number) => `${prefix}_${String(i).padStart(20, '0')}`;

describe('app store', () => {
  it('reads every file of a job and every job, page by page up to the total', async () => {
    const api = new FakeApi();
    api.assets = Array.from({ length: 2345 }, (_, i) => makeAsset({ id: id('ast', i), originalName: `IMG_${i}.jpg` }));
    api.jobs = Array.from({ length: 1001 }, (_, i) => makeJob({ id: id('job', i) }));
    const store = createAppStore(api, { screen: 'jobs' });

    await store.getState().loadAssets(JOB);
    const assets = store.getState().assets[JOB]!;
    expect(assets).toHaveLength(2345);
    expect(new Set(assets.map((a) => a.id)).size).toBe(2345);
    expect(api.calls.filter((c) => c.name === 'assets.list').map((c) => c.input.offset)).toEqual([0, 1000, 2000]);

    await store.getState().loadJobs();
    expect(store.getState().jobs).toHaveLength(1001);
  });
});
