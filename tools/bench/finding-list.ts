/**
 * Findings list benchmark: `npx electron-vite build && node --import tsx tools/bench/finding-list.ts`.
 *
 * Seeds a workspace with one job of 100,000 current findings (seed-findings.ts:
 * 1,000 images × 100, plus superseded and reviewer-added ones), starts the real
 * `chitti serve` on it, opens the job's findings list in headless Chromium
 * (Debian's, as the e2e tests) and measures, inside the page
 * (finding-list.probe.js):
 *
 * (a) time to first rows: from the navigation (or the filter or order
 *     change) until the list's first rows are in the DOM, and painted; with
 *     how long the page's `findings.query` request took on the wire;
 * (b) frame times while scrolling programmatically (a fixed number of
 *     pixels every frame, for a few seconds): p50, p95 and max of the
 *     requestAnimationFrame intervals, dropped frames, and the long animation
 *     frames the browser reports; against a baseline measured in the same run
 *     (before and after): the same scroll on a static page of 200 plain rows,
 *     the cap of rows the list's own DOM never exceeds, so the ratio is the
 *     list's own cost.
 *
 * It prints a table and asserts nothing. BENCH_SECONDS sets each scroll's
 * length (default 4), BENCH_KEEP=1 keeps the workspace.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Browser, Page } from 'playwright-core';
import { openHeadlessCore } from '../../src/headless/host.ts';
import { launchBrowser } from '../../tests/helpers/browser.ts';
import { openWorkspaceDb } from '../../tests/helpers/db.ts';
import { startServe, type RunningServer } from '../../tests/helpers/serve.ts';
import { PASSPHRASE, REPO } from '../../tests/helpers/workspace.ts';
import { BENCH_CLASSES, seedFindings } from './seed-findings.ts';

const IMAGES = 1000;
const PER_IMAGE = 100;
const STALE_PER_IMAGE = 20;
const VIEWPORT = { width: 1280, height: 800 };
const SCROLL_MS = Number(process.env.BENCH_SECONDS ?? 4) * 1000;
const BASELINE_ROWS = 200;
const PROBE = path.join(import.meta.dirname, 'finding-list.probe.js');
const SHOTS = path.join(REPO, 'test-results', 'bench');

interface Rows { inDom: number; painted: number; fetch: number | null; rows: number }
interface Scroll {
  deltas: number[]; long: number[]; blame: Record<string, number>; longType: string; maxRows: number; loadingFrames: number; distance: number;
}

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN;
};
const median = (xs: number[]) => quantile(xs, 0.5);
const ms = (x: number | null | undefined) => (x === null || x === undefined || Number.isNaN(x) ? '—' : x.toFixed(1));
const pad = (s: string, n: number) => s.padStart(n);

const dir = await mkdtemp(path.join(os.tmpdir(), 'chitti-bench-finding-list-'));
let server: RunningServer | undefined;
let browser: Browser | undefined;
try {
  // The workspace: a job through the core, its findings inserted directly.
  const core = await openHeadlessCore({
    dataDir: dir, create: true, key: { env: { CHITTI_PASSPHRASE: PASSPHRASE }, interactive: false },
    logger: { debug() {}, info() {}, warn() {}, error: console.error },
  });
  const created = await core.dispatch('jobs.create', { name: 'bench: 100k findings' });
  if (!created.ok) throw new Error(created.error.message);
  const jobId = created.result.id;
  await core.close();
  const seedStart = performance.now();
  const db = await openWorkspaceDb(dir);
  const seeded = seedFindings(db, jobId, { images: IMAGES, perImage: PER_IMAGE, stalePerImage: STALE_PER_IMAGE });
  db.close();
  console.log(`seeded ${seeded.current.toLocaleString('en')} current findings (${seeded.rows.toLocaleString('en')} rows) on ${IMAGES} images in ${(performance.now() - seedStart).toFixed(0)} ms`);

  server = await startServe(dir);
  browser = await launchBrowser();
  console.log(`Chromium ${browser.version()}, headless, ${VIEWPORT.width}×${VIEWPORT.height}; ${os.cpus().length} CPUs (${os.loadavg()[0]!.toFixed(1)} load)\n`);

  /** The same scroll on a plain page of BASELINE_ROWS rows, in a scroller the size of the list's. */
  const baseline = async (size: { width: number; height: number }, pxPerFrame: number): Promise<Scroll> => {
    const page = await browser!.newPage({ viewport: VIEWPORT });
    await page.goto('about:blank');
    await page.addScriptTag({ path: PROBE });
    await page.evaluate(`chittiBench.staticPage(${BASELINE_ROWS}, ${size.width}, ${size.height})`);
    const run = await page.evaluate<Scroll>(`chittiBench.scrollRun('#static', ${pxPerFrame}, ${SCROLL_MS})`);
    await page.close();
    return run;
  };

  const page: Page = await browser.newPage({ viewport: VIEWPORT, colorScheme: 'light' });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  // An init script (the app's CSP allows no inline script tag).
  await page.addInitScript({ path: PROBE });
  await page.goto(`${server.url}/#token=${server.token}`);
  await page.getByText('bench: 100k findings').waitFor();
  const listHash = `#/jobs/${jobId}/findings`;
  const probe = (expr: string) => page.evaluate<Rows>(expr);

  // (a) Time to first rows.
  const opens: Rows[] = [];
  for (let i = 0; i < 6; i++) {
    if (i > 0) {
      await page.evaluate(`location.hash = '#/'`);
      await page.getByText('bench: 100k findings').waitFor();
    }
    opens.push(await probe(`chittiBench.openList(${JSON.stringify(listHash)})`));
  }
  await page.getByRole('grid').waitFor();
  // Names and classes arrive after the first rows (assets.list, jobs.review): wait for them before changing filters.
  await page.getByRole('combobox', { name: 'Class' }).locator('option', { hasText: 'pitted surface' }).waitFor({ state: 'attached' });
  const byClass: Rows[] = [];
  for (const cls of [...BENCH_CLASSES, '']) byClass.push(await probe(`chittiBench.selectFilter('Class', ${JSON.stringify(cls)})`));
  const byStatus: Rows[] = [];
  for (const status of ['proposed', 'rejected', 'accepted', '']) byStatus.push(await probe(`chittiBench.selectFilter('Status', '${status}')`));
  const lowest: Rows[] = [];
  for (let i = 0; i < 6; i++) lowest.push(await probe(`chittiBench.clickOrder('Lowest confidence first')`));
  const byImage: Rows[] = [];
  for (let i = 0; i < 3; i++) {
    byImage.push(await probe(`chittiBench.clickOrder('Image')`));
    await probe(`chittiBench.clickOrder('Score')`);
  }
  const total = await page.getByTestId('finding-total').textContent();

  // (b) Frame times while scrolling, against the static baseline before and after.
  const body = page.locator('.chitti-fl-body');
  const box = (await body.boundingBox())!;
  const size = { width: Math.round(box.width), height: Math.round(box.height) };
  // A wheel notch is about 100 px over ~8 frames (≈ 12 px/frame); a hard trackpad fling 60 px/frame and
  // more; 200 px/frame (about 350 rows a second) is a worst case, every frame bringing in six new rows.
  const speeds = [20, 60, 200];
  const before = new Map<number, Scroll>();
  const list = new Map<number, Scroll>();
  const held = new Map<number, Scroll>();
  const after = new Map<number, Scroll>();
  for (const px of speeds) before.set(px, await baseline(size, px));
  await page.bringToFront();
  for (const px of speeds) {
    // The same scroll twice: first reading its pages from the core, then with them held.
    list.set(px, await page.evaluate<Scroll>(`chittiBench.scrollRun('.chitti-fl-body', ${px}, ${SCROLL_MS})`));
    held.set(px, await page.evaluate<Scroll>(`chittiBench.scrollRun('.chitti-fl-body', ${px}, ${SCROLL_MS})`));
  }
  await mkdir(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, 'finding-list-100k.png') });
  // Jumps, as dragging the scrollbar: the page there is read at its offset (or from the other end).
  const jumps: Array<{ fraction: number; ms: number; row: number }> = [];
  for (const fraction of [0.1, 0.25, 0.5, 0.75, 0.9, 1, 0]) {
    jumps.push({ fraction, ...(await page.evaluate<{ ms: number; row: number }>(`chittiBench.jumpTo('.chitti-fl-body', ${fraction})`)) });
  }
  for (const px of speeds) after.set(px, await baseline(size, px));

  // The table.
  console.log(`time to first rows (ms), ${total}`);
  console.log(`${'what'.padEnd(46)}${pad('in DOM', 9)}${pad('painted', 9)}${pad('fetch', 8)}${pad('max DOM', 9)}   (median of n; first)`);
  const rowsLine = (label: string, runs: Rows[], cold?: Rows) => {
    const m = (k: 'inDom' | 'painted') => median(runs.map((r) => r[k]));
    const f = median(runs.map((r) => r.fetch ?? NaN));
    console.log(`${label.padEnd(46)}${pad(ms(m('inDom')), 9)}${pad(ms(m('painted')), 9)}${pad(ms(f), 8)}${pad(String(Math.max(...runs.map((r) => r.rows))), 9)}   n=${runs.length}${cold ? `; the first, cold: ${ms(cold.inDom)} / ${ms(cold.painted)}` : ''}`);
  };
  rowsLine('open the list (from the jobs screen)', opens.slice(1), opens[0]);
  rowsLine('filter: class (each of 6, then all)', byClass);
  rowsLine('filter: status', byStatus);
  rowsLine('order: lowest confidence first (toggle)', lowest);
  rowsLine('order: image by image', byImage);
  const warm = [...opens.slice(1), ...byClass, ...byStatus, ...lowest, ...byImage];
  console.log(`painted first rows, all ${warm.length} warm runs: p50 ${ms(median(warm.map((r) => r.painted)))} ms, max ${ms(Math.max(...warm.map((r) => r.painted)))} ms\n`);

  const interval = median([...before.values(), ...after.values()].flatMap((r) => r.deltas));
  console.log(`scrolling for ${SCROLL_MS / 1000} s (frame interval ${interval.toFixed(2)} ms, the baselines' median), scroller ${size.width}×${size.height}`);
  console.log(`${'what'.padEnd(40)}${pad('frames', 7)}${pad('p50', 7)}${pad('p95', 7)}${pad('max', 7)}${pad('dropped', 9)}${pad('long', 6)}${pad('rows', 6)}${pad('loading', 9)}`);
  const scrollLine = (label: string, r: Scroll) => {
    const dropped = r.deltas.reduce((n, d) => n + Math.max(0, Math.round(d / interval) - 1), 0);
    console.log(`${label.padEnd(40)}${pad(String(r.deltas.length), 7)}${pad(ms(quantile(r.deltas, 0.5)), 7)}${pad(ms(quantile(r.deltas, 0.95)), 7)}${pad(ms(Math.max(...r.deltas)), 7)}${pad(String(dropped), 9)}${pad(String(r.long.length), 6)}${pad(String(r.maxRows), 6)}${pad(String(r.loadingFrames), 9)}`);
    return { p95: quantile(r.deltas, 0.95), dropped };
  };
  for (const px of speeds) {
    const b1 = scrollLine(`baseline ${BASELINE_ROWS} static rows, ${px} px/frame`, before.get(px)!);
    const l = scrollLine(`list of ${seeded.current.toLocaleString('en')}, ${px} px/frame`, list.get(px)!);
    const h = scrollLine('  the same again, its pages held', held.get(px)!);
    const b2 = scrollLine(`baseline again, ${px} px/frame`, after.get(px)!);
    const base = (b1.p95 + b2.p95) / 2;
    console.log(`${''.padEnd(40)}list p95 / baseline p95 = ${(l.p95 / base).toFixed(2)} (pages held: ${(h.p95 / base).toFixed(2)}); dropped ${l.dropped} (held: ${h.dropped}) vs ${b1.dropped}/${b2.dropped}`);
    const blame = Object.entries(list.get(px)!.blame).sort((a, b) => b[1] - a[1]).slice(0, 3);
    console.log(`${''.padEnd(40)}long frames' script time: ${blame.length === 0 ? 'none' : blame.map(([what, t]) => `${what} ${t.toFixed(0)} ms`).join('; ')}\n`);
  }
  console.log(`(long: ${list.get(speeds[0]!)!.longType} entries; rows: most rows in the DOM at once; loading: frames showing a row still being read)\n`);
  console.log('jump (scrollbar dragged) to row      rows in view after (ms)');
  for (const j of jumps) console.log(`${`${(j.fraction * 100).toFixed(0)} % (row ${j.row.toLocaleString('en')})`.padEnd(37)}${pad(ms(j.ms), 10)}`);
  if (errors.length > 0) console.log(`page errors: ${errors.join('; ')}`);
} finally {
  await browser?.close();
  await server?.stop();
  if (process.env.BENCH_KEEP) console.log(`kept ${dir}`);
  else await rm(dir, { recursive: true, force: true });
}
