import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { launchBrowser, watchPageErrors } from './browser.ts';
import type { RunningServer } from './serve.ts';

/**
 * What every e2e file (tests/e2e/) sets up around its own workspace: calls on
 * the served API, one Chromium page, and the teardown. Shared so the files
 * differ only in what they test.
 */

/**
 * A call on the server's API, as the page makes it (the session token as a
 * bearer): to set data up, or to check what the database holds. A refused call
 * throws with the server's code and message.
 */
export async function callRpc<T>(server: RunningServer, name: string, input: unknown): Promise<T> {
  const res = await fetch(`${server.url}/rpc/${name}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${server.token}` },
    body: JSON.stringify(input),
  });
  const body = (await res.json()) as { ok: boolean; result?: T; error?: { code: string; message: string } };
  if (!body.ok) throw new Error(`${name}: ${body.error?.code}: ${body.error?.message}`);
  return body.result!;
}

export interface BrowserPage {
  browser: Browser;
  page: Page;
  /** Uncaught errors in the page; each file ends by expecting none. */
  pageErrors: string[];
}

/** Headless Chromium with one page in the light theme (the screenshots compare alike), of this size. */
export async function openBrowserPage(viewport: { width: number; height: number }, options: BrowserContextOptions = {}): Promise<BrowserPage> {
  const browser = await launchBrowser();
  const page = await browser.newPage({ viewport, colorScheme: 'light', ...options });
  return { browser, page, pageErrors: watchPageErrors(page) };
}

/** For afterAll: any part may be missing when beforeAll failed half-way, and the rest must still go. */
export async function closeE2e(parts: { browser?: Browser; server?: RunningServer; tmp?: { cleanup(): Promise<void> } }): Promise<void> {
  await parts.browser?.close();
  await parts.server?.stop();
  await parts.tmp?.cleanup();
}
