/** Screens, addressed by the URL fragment so reload, back and forward work. */
export type Route =
  | { screen: 'jobs' }
  | { screen: 'job'; jobId: string }
  | { screen: 'viewer'; jobId: string; assetId: string }
  | { screen: 'models'; modelId?: string };

export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  if (parts[0] === 'jobs' && parts[1]) {
    if (parts[2] === 'assets' && parts[3]) return { screen: 'viewer', jobId: parts[1], assetId: parts[3] };
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
    case 'viewer':
      return `#/jobs/${encodeURIComponent(route.jobId)}/assets/${encodeURIComponent(route.assetId)}`;
    case 'models':
      return route.modelId ? `#/models/${encodeURIComponent(route.modelId)}` : '#/models';
  }
}
