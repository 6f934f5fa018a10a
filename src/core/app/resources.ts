import type { z } from 'zod';
import { isResourceName, resources, type ResourceBody, type ResourceName, type Resources, type RpcResult } from '../../shared/contract/index.ts';
import type { Db } from '../db/open.ts';
import { getAsset } from '../domain/assets.ts';
import type { MediaService } from '../media/media-service.ts';
import type { ReportService } from '../report/report-service.ts';
import { exportReview, type ReviewReportDeps } from '../report/review-report.ts';
import type { DocumentService } from '../documents/document-service.ts';
import type { Logger } from '../ports.ts';
import { parseInput, settle } from './dispatch.ts';
import { ChittiError } from './errors.ts';

/**
 * Binary resources (thumbnails, tiles): the GET-shaped sibling of dispatch.
 * Same door rules: the name is checked against the contract, the params are
 * parsed by its schema (query strings, coerced), errors map exactly as for
 * procedures. Every resource resolves an asset id through the database, so
 * no caller-supplied string ever becomes a path.
 */
type ResourceHandler<N extends ResourceName> = (params: z.output<Resources[N]>) => Promise<ResourceBody>;
export type ResourceHandlers = { [N in ResourceName]: ResourceHandler<N> };

export function createResourceHandlers(ctx: { db: Db; media: MediaService; reports: ReportService; documents: DocumentService; reviewReports: ReviewReportDeps }): ResourceHandlers {
  const { db, media } = ctx;
  return {
    'asset.thumbnail': ({ assetId, size }) => media.thumbnail(getAsset(db, assetId), size),
    'asset.tile': ({ assetId, level, x, y, ...view }) => media.tile(getAsset(db, assetId), level, x, y, view),
    'job.report': async ({ jobId, format }) => {
      const { mime, body } = await ctx.reports.export(jobId, format);
      return { mime, body };
    },
    'document.page': ({ assetId, page, dpi }) => ctx.documents.page(getAsset(db, assetId), page, dpi),
    'review.report': async ({ reviewId, format }) => {
      const { mime, body } = await exportReview(ctx.reviewReports, reviewId, format);
      return { mime, body };
    },
  };
}

export function createFetchResource(handlers: ResourceHandlers, logger: Logger) {
  return function fetchResource(name: string, params: unknown): Promise<RpcResult<ResourceBody>> {
    return settle(logger, 'resource failed', { resource: name }, async () => {
      if (!isResourceName(name)) throw new ChittiError('UNKNOWN_PROCEDURE', `Unknown resource “${name.slice(0, 80)}”.`);
      const handler = handlers[name] as (p: unknown) => Promise<ResourceBody>;
      return handler(parseInput(resources[name], params, name));
    });
  };
}

/**
 * A URL query as resource params: each value a string (the schemas coerce);
 * a repeated key becomes an array, which every schema refuses, rather than
 * one of its values being picked. Own properties only, so `__proto__=` is
 * just an unknown key. Shared by the HTTP route and the app's `chitti://`
 * protocol so that both read a URL the same way.
 */
export function paramsFromQuery(query: URLSearchParams): Record<string, string | string[]> {
  const values = new Map<string, string[]>();
  for (const [key, value] of query) values.set(key, [...(values.get(key) ?? []), value]);
  return Object.fromEntries([...values].map(([key, list]) => [key, list.length === 1 ? list[0]! : list]));
}
