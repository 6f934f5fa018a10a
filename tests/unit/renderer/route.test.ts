import { describe, expect, it } from 'vitest';
import { parseRoute, routeHref, type Route } from '../../../src/renderer/src/store/route.ts';
import { importPercent, neighbours } from '../../../src/renderer/src/store/selectors.ts';
import { makeAsset, makeTask } from './fake-api.ts';

describe('routes and selectors', () => {
  it('round-trips every screen through the address', () => {
    const routes: Route[] = [
      { screen: 'jobs' }, { screen: 'job', jobId: 'job_a' }, { screen: 'viewer', jobId: 'job_a', assetId: 'ast_b' },
      { screen: 'models' }, { screen: 'models', modelId: 'neu-det-fcos-mnv2' },
    ];
    for (const r of routes) expect(parseRoute(routeHref(r))).toEqual(r);
    expect(parseRoute('#token=abc')).toEqual({ screen: 'jobs' });
    expect(parseRoute('')).toEqual({ screen: 'jobs' });
  });

  it('computes progress from the task counts', () => {
    const state = (t: Parameters<typeof makeTask>[0]) => ({ jobId: 'j', task: makeTask(t), notices: [], transferError: null });
    expect(importPercent(state({ total: 3, processed: 1 }))).toBe(33);
    expect(importPercent(state({ total: 0, processed: 0, status: 'running' }))).toBe(0);
    expect(importPercent(state({ total: 0, processed: 0, status: 'done' }))).toBe(100);
  });

  it('steps through images only, skipping documents', () => {
    const list = [makeAsset({ id: 'a' }), makeAsset({ id: 'doc', kind: 'document' }), makeAsset({ id: 'b' })];
    expect(neighbours(list, 'a')).toMatchObject({ previous: undefined, next: { id: 'b' }, index: 0, count: 2 });
    expect(neighbours(list, 'b')).toMatchObject({ previous: { id: 'a' }, next: undefined, index: 1 });
  });
});
