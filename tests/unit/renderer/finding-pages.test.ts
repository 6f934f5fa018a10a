import { describe, expect, it } from 'vitest';
import type { Finding } from '../../../src/shared/contract/index.ts';
import { FindingPages } from '../../../src/renderer/src/features/finding-list/finding-pages.ts';
import { makeFinding } from './fake-api.ts';

const TOTAL = 10_000;
const finding = (i: number, version = 1): Finding => makeFinding({ id: `fnd_${String(i).padStart(20, '0')}`, score: 1 - i / TOTAL, version });

/** A core that answers `findings.query` pages only when the test says so, recording each read. */
function heldCore() {
  const reads: Array<{ offset: number; limit: number; answer: () => Promise<void>; fail: (e: Error) => Promise<void> }> = [];
  const read = (offset: number, limit: number) => new Promise<{ findings: Finding[]; total: number }>((resolve, reject) => {
    const settle = async (run: () => void) => {
      run();
      await new Promise((r) => setTimeout(r, 0));
    };
    reads.push({
      offset, limit,
      answer: () => settle(() => resolve({ findings: Array.from({ length: Math.min(limit, TOTAL - offset) }, (_, k) => finding(offset + k)), total: TOTAL })),
      fail: (e) => settle(() => reject(e)),
    });
  });
  return { reads, read };
}

/** Answers every read asked so far, and those they lead to, until none is left. */
async function answerAll(reads: ReturnType<typeof heldCore>['reads']) {
  for (let done = 0; done < reads.length; done++) await reads[done]!.answer();
}

describe('FindingPages: a bounded page cache of one findings query', () => {
  it('reads the first page at start, then only the pages on and near the rows shown', async () => {
    const core = heldCore();
    let changes = 0;
    const pages = new FindingPages(core.read, { pageSize: 100, maxPages: 10, parallel: 3 });
    pages.subscribe(() => changes++);
    pages.start();
    expect(core.reads.map((r) => r.offset)).toEqual([0]);
    await answerAll(core.reads);
    expect(pages.total).toBe(TOTAL);
    expect(pages.row(0)?.id).toBe(finding(0).id);
    expect(pages.row(99)?.id).toBe(finding(99).id);
    expect(pages.row(100)).toBeUndefined();
    expect(changes).toBe(1);
    expect(pages.version).toBe(1);

    // Rows 5,020–5,040 on screen: their page first, then the one within half a page of them.
    pages.show(5020, 5040);
    await answerAll(core.reads);
    expect(core.reads.map((r) => r.offset)).toEqual([0, 5000, 4900]);
    expect(pages.row(5030)?.id).toBe(finding(5030).id);
  });

  it('does not read the pages a fast scroll went past before their turn came', async () => {
    const core = heldCore();
    const pages = new FindingPages(core.read, { pageSize: 100, maxPages: 10, parallel: 2 });
    pages.start();
    await answerAll(core.reads);
    // The list flies from row 0 to row 9,000, a screen at a time, while the core is slow to answer.
    for (let first = 0; first <= 9000; first += 30) pages.show(first, first + 20);
    await answerAll(core.reads);
    const offsets = core.reads.map((r) => r.offset);
    // The two reads that had started, and the pages where it stopped; not the ninety passed on the way.
    expect(offsets.length).toBeLessThan(8);
    expect(offsets).toContain(9000);
    expect(pages.row(9010)?.id).toBe(finding(9010).id);
  });

  it('holds at most maxPages pages, dropping the least recently shown, never those on screen', async () => {
    const core = heldCore();
    const pages = new FindingPages(core.read, { pageSize: 100, maxPages: 5, parallel: 3 });
    pages.start();
    await answerAll(core.reads);
    for (let page = 0; page < 60; page += 3) {
      pages.show(page * 100 + 40, page * 100 + 60);
      await answerAll(core.reads);
      expect(pages.heldPages).toBeLessThanOrEqual(5);
      expect(pages.row(page * 100 + 50)?.id).toBe(finding(page * 100 + 50).id);
    }
    // Long gone: read again when shown again.
    expect(pages.row(50)).toBeUndefined();
    const before = core.reads.length;
    pages.show(40, 60);
    await answerAll(core.reads);
    expect(core.reads.slice(before).map((r) => r.offset)).toEqual([0, 100]);
  });

  it('takes a finding as it now is only if it is newer, and drops answers after stop()', async () => {
    const core = heldCore();
    let changes = 0;
    const pages = new FindingPages(core.read, { pageSize: 100 });
    const unsubscribe = pages.subscribe(() => changes++);
    pages.start();
    await answerAll(core.reads);
    const seenBefore = changes;
    expect(pages.replace({ ...finding(7, 2), status: 'accepted' })).toBe(true);
    expect(pages.row(7)?.status).toBe('accepted');
    expect(changes).toBe(seenBefore + 1);
    expect(pages.replace({ ...finding(7, 1), status: 'rejected' })).toBe(false);
    expect(pages.row(7)?.status).toBe('accepted');
    expect(pages.replace(finding(5000, 3))).toBe(false); // not held

    pages.show(3000, 3020);
    pages.stop();
    const seen = changes;
    await answerAll(core.reads);
    expect(changes).toBe(seen);
    expect(pages.row(3010)).toBeUndefined();
    pages.start();
    await answerAll(core.reads);
    expect(pages.row(3010)?.id).toBe(finding(3010).id);
    expect(changes).toBeGreaterThan(seen);
    // Read again when its page is dropped; a listener gone hears nothing more.
    const heard = changes;
    unsubscribe();
    pages.reload(3010);
    expect(pages.row(3010)).toBeUndefined();
    await answerAll(core.reads);
    expect(pages.row(3010)?.id).toBe(finding(3010).id);
    expect(changes).toBe(heard);
  });

  it('reads the far half of the list from the other end when the order has a mirror', async () => {
    const core = heldCore();
    // The mirror: the same rows, lowest first; rows are numbered as in the forward order.
    const mirrored: Array<{ offset: number; limit: number }> = [];
    let mirrorTotal = TOTAL;
    const readReversed = (offset: number, limit: number) => {
      mirrored.push({ offset, limit });
      const rows = Array.from({ length: limit }, (_, k) => finding(TOTAL - 1 - (offset + k)));
      return Promise.resolve({ findings: rows, total: mirrorTotal });
    };
    const pages = new FindingPages(core.read, { pageSize: 100, readReversed });
    pages.start();
    await answerAll(core.reads);
    pages.show(9920, 9999);
    await answerAll(core.reads);
    await new Promise((r) => setTimeout(r, 0));
    // Rows 9,900–9,999 are the mirror's first hundred; 9,800–9,899 (half a page away) its second.
    expect(mirrored).toEqual([{ offset: 0, limit: 100 }, { offset: 100, limit: 100 }]);
    expect(core.reads.map((r) => r.offset)).toEqual([0]);
    expect([pages.row(9900)?.id, pages.row(9999)?.id, pages.row(9850)?.id]).toEqual([finding(9900).id, finding(9999).id, finding(9850).id]);
    // The near half is read forward.
    pages.show(4000, 4020);
    await answerAll(core.reads);
    expect(core.reads.map((r) => r.offset)).toEqual([0, 4000, 3900]);
    // Rows came or went since the total was read: the mirror would be off, so the page is read forward.
    mirrorTotal = TOTAL + 1;
    pages.show(7030, 7060);
    await new Promise((r) => setTimeout(r, 0));
    await answerAll(core.reads);
    // Pages 70, 69 and 71 (on screen, then either side) were asked of the mirror, then read forward.
    expect(mirrored.slice(2)).toEqual([{ offset: 2900, limit: 100 }, { offset: 3000, limit: 100 }, { offset: 2800, limit: 100 }]);
    expect(core.reads.map((r) => r.offset).slice(3)).toEqual([7000, 6900, 7100]);
    expect(pages.row(7040)?.id).toBe(finding(7040).id);
  });

  it('says why a read failed, and reads again when asked', async () => {
    const core = heldCore();
    const pages = new FindingPages(core.read, { pageSize: 100 });
    pages.start();
    await core.reads[0]!.fail(new Error('The server stopped.'));
    expect(pages.error).toBe('The server stopped.');
    expect(pages.total).toBeNull();
    pages.retry();
    expect(pages.error).toBeNull();
    await answerAll(core.reads);
    expect(core.reads.map((r) => r.offset)).toEqual([0, 0]);
    expect(pages.total).toBe(TOTAL);
  });
});
