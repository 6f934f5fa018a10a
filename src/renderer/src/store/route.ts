/** Screens, addressed by the URL fragment so reload, back and forward work. */
export type Route =
  | { screen: 'jobs' }
  | { screen: 'job'; jobId: string }
  | { screen: 'findings'; jobId: string }
  /** `findingId`: opened on that finding (from the job's findings list), selected and zoomed to. */
  | { screen: 'viewer'; jobId: string; assetId: string; findingId?: string }
  /** A document's checklist review: the pages beside the checklist. */
  | { screen: 'document-review'; jobId: string; reviewId: string }
  | { screen: 'models'; modelId?: string };

export function parseRoute(hash: string): Route {
  const [path = '', query = ''] = hash.replace(/^#\/?/, '').split('?');
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  if (parts[0] === 'jobs' && parts[1]) {
    if (parts[2] === 'assets' && parts[3]) {
      const findingId = new URLSearchParams(query).get('finding');
      return { screen: 'viewer', jobId: parts[1], assetId: parts[3], ...(findingId ? { findingId } : {}) };
    }
    if (parts[2] === 'findings') return { screen: 'findings', jobId: parts[1] };
    if (parts[2] === 'reviews' && parts[3]) return { screen: 'document-review', jobId: parts[1], reviewId: parts[3] };
    return { screen: 'job', jobId: parts[1] };
  }
  if (parts[0] === 'models') return parts[1] ? { screen: 'models', modelId: parts[1] } : { screen: 'models' };
  return { screen: 'jobs' };
}

export function routeHref(route: Route): string {
  switch (route.screen) {
    case 'jobs':
      return '#/';
    case 'job':
      return `#/jobs/${encodeURIComponent(route.jobId)}`;
    case 'findings':
      return `#/jobs/${encodeURIComponent(route.jobId)}/findings`;
    case 'viewer': {
      const finding = route.findingId ? `?finding=${encodeURIComponent(route.findingId)}` : '';
      return `#/jobs/${encodeURIComponent(route.jobId)}/assets/${encodeURIComponent(route.assetId)}${finding}`;
    }
    case 'document-review':
      return `#/jobs/${encodeURIComponent(route.jobId)}/reviews/${encodeURIComponent(route.reviewId)}`;
    case 'models':
      return route.modelId ? `#/models/${encodeURIComponent(route.modelId)}` : '#/models';
  }
}
