import type { ResourceName, ResourceParams } from '../../../../shared/contract/index.ts';
import type { ApiClient } from '../../api/client.ts';

/**
 * Saves a resource (a report) as a file: fetched with the transport's own
 * credentials (the bearer header over HTTP, chitti://res in Electron), then
 * handed to the browser as a download.
 */
export async function downloadResource<R extends ResourceName>(api: ApiClient, name: R, params: ResourceParams<R>, filename: string): Promise<void> {
  const { url, headers } = api.resourceRequest(name, params);
  const res = await fetch(url, { headers, credentials: 'omit' });
  if (!res.ok) {
    const body = (await res.json().catch(() => null)) as { error?: { message?: string } } | null;
    throw new Error(body?.error?.message ?? `The file could not be made (HTTP ${res.status}).`);
  }
  const href = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = href;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  // The download has its own copy once it started; the URL is let go a little later.
  setTimeout(() => URL.revokeObjectURL(href), 10_000);
}
