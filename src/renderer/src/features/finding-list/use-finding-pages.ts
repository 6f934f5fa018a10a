import { useEffect, useMemo, useReducer, useSyncExternalStore } from 'react';
import type { ProcedureInput } from '../../../../shared/contract/index.ts';
import type { ApiClient } from '../../api/client.ts';
import type { FindingFilter } from '../review/review.ts';
import { FindingPages, type FindingPagesOptions } from './finding-pages.ts';

/** The list's order: highest score first, lowest first, or image by image (the job's order). */
export type ListSort = 'score-desc' | 'score-asc' | 'image';
/** What the list asks `findings.query`, less the job and the page. */
export type ListQuery = Omit<ProcedureInput<'findings.query'>, 'jobId' | 'limit' | 'offset'>;

/** The query for a filter as the list shows it: only the conditions that restrict anything. */
export function listQuery(filter: Omit<FindingFilter, 'sort'>, sort: ListSort): ListQuery {
  return {
    ...(filter.class !== null ? { class: filter.class } : {}),
    ...(filter.status !== null ? { status: filter.status } : {}),
    ...(filter.minScore > 0 ? { minScore: filter.minScore } : {}),
    ...(filter.maxScore < 1 ? { maxScore: filter.maxScore } : {}),
    sort,
  };
}

/**
 * The job's findings for one query, read page by page (FindingPages): a new
 * query starts a new cache, and `reset` starts one afresh (after a bulk
 * decision). Findings that change (decided here, in another window, in bulk:
 * `finding.changed`) are updated where they are held.
 *
 * The caller renders again only when the total or the error changes; the
 * rows arriving page by page are the grid's business (useRowsVersion), so a
 * page read while scrolling renders the grid alone, not the whole screen.
 */
export function useFindingPages(api: ApiClient, jobId: string, query: ListQuery, options?: FindingPagesOptions): {
  pages: FindingPages; total: number | null; error: string | null; reset: () => void;
} {
  const [resets, reset] = useReducer((n: number) => n + 1, 0);
  const key = JSON.stringify(query);
  const pages = useMemo(() => {
    const q = JSON.parse(key) as ListQuery;
    const read = (sort: ListQuery['sort']) => (offset: number, limit: number) => api.invoke('findings.query', { jobId, ...q, sort, limit, offset });
    // The score orders are exact mirrors of each other (ties go by insertion, both ways): far pages are read from the other end.
    const mirror = q.sort === 'score-desc' ? 'score-asc' : q.sort === 'score-asc' ? 'score-desc' : null;
    return new FindingPages(read(q.sort), { ...options, readReversed: mirror ? read(mirror) : undefined });
  },
    // `resets` is unused inside on purpose: reset() makes a fresh cache, read from the start.
    [api, jobId, key, resets],
  );
  useEffect(() => {
    pages.start();
    const off = api.on('finding.changed', ({ finding }) => pages.replace(finding));
    return () => {
      off();
      pages.stop();
    };
  }, [api, pages]);
  const total = useSyncExternalStore(pages.subscribe, () => pages.total);
  const error = useSyncExternalStore(pages.subscribe, () => pages.error);
  return { pages, total, error, reset };
}

/** Renders the caller again whenever the pages' rows change (a page read, a finding replaced). */
export function useRowsVersion(pages: FindingPages): number {
  return useSyncExternalStore(pages.subscribe, () => pages.version);
}
