import { describe, expect, it } from 'vitest';
import { anchorFromSelection, evidenceBox, fontSizeFor, pickDpi, textSpans } from '../../../src/renderer/src/features/documents/page-geometry.ts';
import { complianceSummary, filterItems, groupBySection, NO_ITEM_FILTER, rankedDownLabel } from '../../../src/renderer/src/features/documents/review-items.ts';
import { parseRoute, routeHref } from '../../../src/renderer/src/store/route.ts';
import { documentModel, documentsApi, REVIEW } from './fake-documents.ts';

describe('document review: pure parts', () => {
  it('addresses a review by job and review id, both ways', () => {
    const route = { screen: 'document-review', jobId: 'job_00000000000000000001', reviewId: 'rv_abc123' } as const;
    expect(routeHref(route)).toBe('#/jobs/job_00000000000000000001/reviews/rv_abc123');
    expect(parseRoute(routeHref(route))).toEqual(route);
    expect(parseRoute('#/jobs/job_00000000000000000001/reviews')).toEqual({ screen: 'job', jobId: 'job_00000000000000000001' });
  });

  it('builds an anchor from the spans a selection touches: first page only, their union box, the text tidied', () => {
    expect(anchorFromSelection('  Report No.\n 54-11-001 ', [
      { page: 3, bbox: [72, 72, 300, 90] }, { page: 3, bbox: [60, 100, 240, 114] }, { page: 4, bbox: [0, 0, 612, 792] },
    ])).toEqual({ page: 3, text: 'Report No. 54-11-001', bbox: [60, 72, 300, 114] });
    // Text with no positioned span (a page shown as text): the page it is on, no box.
    expect(anchorFromSelection('Client', [], 2)).toEqual({ page: 2, text: 'Client' });
    expect(anchorFromSelection('   ', [{ page: 1, bbox: [0, 0, 1, 1] }])).toBeNull();
    expect(anchorFromSelection('x'.repeat(3000), [{ page: 1, bbox: [0, 0, 1, 1] }])!.text).toHaveLength(2000);
  });

  it('finds where to highlight evidence: its box, else the block of its page holding its text', () => {
    const model = documentModel();
    expect(evidenceBox(model, { page: 1, text: 'whatever', bbox: [1, 2, 3, 4] })).toEqual([1, 2, 3, 4]);
    expect(evidenceBox(model, { page: 2, text: 'client:  REFINERY Ltd' })).toEqual([72, 300, 400, 330]);
    expect(evidenceBox(model, { page: 1, text: 'Client: Refinery Ltd' })).toBeUndefined();
  });

  it('places table cells one by one, blocks whole; picks a page resolution sharp enough for the zoom and screen', () => {
    expect(textSpans(documentModel(), 2).map((s) => s.text)).toEqual(['Client: Refinery Ltd, Unit 4 site', 'CML 7', '12.4 mm']);
    expect(pickDpi(1, 1)).toBe(96);
    expect(pickDpi(0.5, 1)).toBe(72);
    expect(pickDpi(1, 2)).toBe(200);
    expect(pickDpi(4, 2)).toBe(200);
    // One line of 20 characters in an 18 pt high box: a font of about the box's height, never above it.
    expect(fontSizeFor('Report No. 54-11-001', [72, 72, 300, 90])).toBeLessThanOrEqual(18 / 1.05);
  });

  it('counts compliance as the core does, groups by section in framework order, and explains a ranking down', () => {
    const items = documentsApi().reviewItems[REVIEW]!;
    expect(complianceSummary(items)).toEqual({
      high: { met: 1, partial: 0, not_met: 0, not_applicable: 0 },
      medium: { met: 0, partial: 1, not_met: 0, not_applicable: 1 },
      low: { met: 1, partial: 0, not_met: 0, not_applicable: 0 },
    });
    expect(groupBySection(items).map((g) => [g.section, g.items.length])).toEqual([['Identification', 2], ['Scope', 1], ['Personnel', 2]]);
    expect(filterItems(items, { ...NO_ITEM_FILTER, severity: 'medium', decision: 'open' }).map((i) => i.itemId)).toEqual(['IRC-02', 'IRC-09']);
    expect(rankedDownLabel(items[1]!)).toBe('Ranked down: rejected 2× before (last reason: Wrong status)');
    expect(rankedDownLabel(items[0]!)).toBeNull();
    // Once rejected here, the core's count includes this rejection: it is not one from before.
    const history = { rejected: 1, lastReason: 'Wrong status', lastAt: '2026-11-24T10:00:00.000Z' };
    expect(rankedDownLabel({ ...items[0]!, decision: 'rejected', history })).toBeNull();
    expect(rankedDownLabel({ ...items[0]!, decision: 'rejected', history: { ...history, rejected: 3 } })).toBe('Ranked down: rejected 2× before');
  });
});
