import { createHash } from 'node:crypto';
import type { ChecklistStatus, DocumentReview, ReviewItem, Severity } from '../../shared/contract/index.ts';
import { ChittiError } from '../app/errors.ts';
import type { Write } from '../app/unit-of-work.ts';
import type { AuditService } from '../audit/service.ts';
import type { Db } from '../db/open.ts';
import { getReview, reviewDecisions } from '../domain/checklist-reviews.ts';
import { getJob } from '../domain/jobs.ts';
import {
  BAD_INK, CONTENT_WIDTH, INK, MARGIN, MUTED, RULE, dash, day, openDocument, orDash, pageFurniture, plural, stamp, type Cell, type Layout,
} from './pdf-layout.ts';

/**
 * A document's checklist review as a report: PDF (the checklist table with
 * each item's status, the evidence's page references and the reviewer's
 * decision, a compliance summary by severity with a chart, the decisions'
 * log and the audit chain head) or JSON (the same data). Each export is
 * audited with the file's sha256.
 */

export const REVIEW_REPORT_FORMAT = 'chitti.checklist-review';
export const REVIEW_REPORT_FORMAT_VERSION = 1;

export interface ReviewReportData {
  format: typeof REVIEW_REPORT_FORMAT;
  formatVersion: number;
  generatedAt: string;
  generatedBy: string;
  chittiVersion: string;
  job: { id: string; name: string; client: string; site: string; inspector: string };
  review: DocumentReview;
  items: ReviewItem[];
  decisions: Array<{ resultId: string; action: string; reviewer: string; at: string }>;
  audit: { headHash: string | null; entries: number; intact: boolean };
}

export interface ReviewReportDeps {
  db: Db;
  write: Write;
  audit: Pick<AuditService, 'verify'>;
  actor: () => string;
  clock: () => Date;
  version: string;
}

const STATUS_LABEL: Record<ChecklistStatus, string> = { met: 'Met', partial: 'Partial', not_met: 'Not met', not_applicable: 'N/A' };
/** Okabe–Ito colours (colour-blind safe), as in the inspection report. */
const STATUS_COLOUR: Record<ChecklistStatus, string> = { met: '#009E73', partial: '#E69F00', not_met: '#D55E00', not_applicable: '#999999' };
const DECISION_LABEL: Record<ReviewItem['decision'], string> = { proposed: 'Awaiting review', accepted: 'Accepted', rejected: 'Rejected', edited: 'Changed by reviewer' };
const SEVERITIES: Severity[] = ['high', 'medium', 'low'];
const STATUSES: ChecklistStatus[] = ['met', 'partial', 'not_met', 'not_applicable'];

export async function buildReviewReportData(deps: ReviewReportDeps, reviewId: string): Promise<ReviewReportData> {
  // Verify first, then read the review and its decisions together (no await between), so they agree.
  const audit = await deps.audit.verify();
  const { review, items } = getReview(deps.db, reviewId);
  if (review.status !== 'done') throw new ChittiError('CONFLICT', `This review failed (${review.message ?? review.errorCode}); there is nothing to report.`);
  const job = getJob(deps.db, review.jobId);
  return {
    format: REVIEW_REPORT_FORMAT,
    formatVersion: REVIEW_REPORT_FORMAT_VERSION,
    generatedAt: deps.clock().toISOString(),
    generatedBy: deps.actor(),
    chittiVersion: deps.version,
    job: { id: job.id, name: job.name, client: job.client, site: job.site, inspector: job.inspector },
    review,
    items,
    decisions: reviewDecisions(deps.db, reviewId),
    audit: { headHash: audit.headHash, entries: audit.entries, intact: audit.ok },
  };
}

const pages = (item: ReviewItem) => {
  const list = [...new Set([...(item.proposal?.evidence ?? []), ...(item.anchor ? [item.anchor] : [])].map((e) => e.page))].sort((a, b) => a - b);
  return list.length ? `p. ${list.join(', ')}` : dash;
};

/** Stacked bars of met / partial / not met / n.a. per severity: the compliance summary at a glance. */
function summaryChart(L: Layout, summary: DocumentReview['summary']): void {
  const { doc } = L;
  const barHeight = 13;
  const labelWidth = 56;
  const width = CONTENT_WIDTH - labelWidth - 4;
  L.ensure(SEVERITIES.length * (barHeight + 6) + 24);
  const top = L.y;
  SEVERITIES.forEach((sev, row) => {
    const counts = summary[sev];
    const total = STATUSES.reduce((n, s) => n + counts[s], 0);
    const y = top + row * (barHeight + 6);
    doc.font('condBold').fontSize(8).fillColor(INK).text(`${sev[0]!.toUpperCase()}${sev.slice(1)} (${total})`, MARGIN.left, y + 3, { width: labelWidth, lineBreak: false });
    let x = MARGIN.left + labelWidth + 4;
    if (total === 0) {
      doc.rect(x, y, width, barHeight).lineWidth(0.4).strokeColor(RULE).stroke();
      return;
    }
    for (const s of STATUSES) {
      if (counts[s] === 0) continue;
      const w = (width * counts[s]) / total;
      doc.rect(x, y, w, barHeight).fill(STATUS_COLOUR[s]);
      if (w > 14) doc.font('condBold').fontSize(7.5).fillColor('#111111').text(String(counts[s]), x + 3, y + 3, { width: w - 4, lineBreak: false });
      x += w;
    }
  });
  let lx = MARGIN.left + labelWidth + 4;
  const ly = top + SEVERITIES.length * (barHeight + 6) + 2;
  for (const s of STATUSES) {
    doc.rect(lx, ly + 1, 7, 7).fill(STATUS_COLOUR[s]);
    doc.font('cond').fontSize(7.5).fillColor(MUTED).text(STATUS_LABEL[s], lx + 10, ly, { lineBreak: false });
    lx += 70;
  }
  L.y = ly + 18;
}

export async function renderReviewPdf(data: ReviewReportData): Promise<Buffer> {
  const { review, items, job } = data;
  const { doc, layout: L, finish } = openDocument({
    Title: `Checklist review: ${review.documentName}`,
    Author: data.generatedBy,
    Subject: `${review.framework.id} ${review.framework.version} on ${review.documentName}; audit chain head ${data.audit.headHash ?? 'none'}`,
    Keywords: 'checklist review, inspection report, Chitti',
    Creator: `Chitti ${data.chittiVersion}`,
    CreationDate: new Date(data.generatedAt),
  });

  L.text('Checklist review', { font: 'bold', size: 20, gap: 2 });
  L.text(review.documentName, { size: 13, gap: 12 });
  L.fields([
    ['Framework', `${review.framework.title}`], ['Id, version', `${review.framework.id} ${review.framework.version}`],
    ['Job', job.name], ['Client', orDash(job.client)],
    ['Site', orDash(job.site)], ['Inspector', orDash(job.inspector)],
    ['Pages', String(review.pageCount)], ['Reviewed by AI', `${stamp(review.createdAt)} (${review.layers.join(', ')})`],
    ['Report', `${stamp(data.generatedAt)} by ${data.generatedBy}`], ['Software', `Chitti ${data.chittiVersion}`],
  ], 74);

  const open = items.filter((i) => i.decision === 'proposed').length;
  const rejected = items.filter((i) => i.decision === 'rejected').length;
  L.text(`${plural(items.length, 'item')}: ${review.decided} decided by a reviewer, ${open} awaiting review.`, { gap: 6 });
  if (open > 0) L.notice(`Review not complete: ${plural(open, 'item')} ${open === 1 ? 'is' : 'are'} still the AI's proposal, not yet confirmed by a person.`, 'warn');
  if (rejected > 0) L.notice(`${plural(rejected, 'proposal')} ${rejected === 1 ? 'was' : 'were'} rejected by the reviewer without a replacement status; ${rejected === 1 ? 'it is' : 'they are'} left out of the summary.`, 'warn');
  if (!data.audit.intact) L.notice('The workspace\'s audit trail did not verify when this report was made (see "chitti audit verify").', 'bad');

  L.heading('Compliance by severity', 2);
  summaryChart(L, review.summary);

  L.heading('Checklist', 2);
  L.table(
    [
      { header: 'Item', width: 42 }, { header: 'Requirement', width: 122 }, { header: 'Severity', width: 40 }, { header: 'Status', width: 46 },
      { header: 'AI proposal', width: 56 }, { header: 'Pages', width: 36 }, { header: 'Feedback', width: 134 }, { header: 'Decision', width: 60 },
    ],
    items.map((i) => {
      // A rejected proposal's status is the AI's, judged wrong: it is not the item's status.
      const status: Cell = i.decision === 'rejected'
        ? { text: '— (rejected)', color: MUTED }
        : { text: STATUS_LABEL[i.status], font: 'condBold', color: i.status === 'not_met' ? BAD_INK : INK, swatch: STATUS_COLOUR[i.status] };
      const proposal = i.proposal ? `${STATUS_LABEL[i.proposal.status]} ${Math.round(i.proposal.confidence * 100)}%\n${i.proposal.source}` : 'added by reviewer';
      const decision = `${DECISION_LABEL[i.decision]}${i.rejectReason ? `: ${i.rejectReason}` : ''}${i.decidedBy ? `\n${i.decidedBy} ${day(i.decidedAt)}` : ''}`;
      const feedback = [i.feedback, i.note ? `Note: ${i.note}` : ''].filter(Boolean).join('\n');
      return [{ text: i.itemId ?? 'Reviewer', font: 'condBold' }, `${i.title}\n${i.section}`, i.severity, status, proposal, pages(i), feedback, decision];
    }),
  );

  const evidence = items.filter((i) => (i.proposal?.evidence.length ?? 0) > 0 || i.anchor);
  if (evidence.length) {
    L.heading('Evidence quoted from the document', 2);
    L.table(
      [{ header: 'Item', width: 50 }, { header: 'Page', width: 34, align: 'right' }, { header: 'Text', width: 426 }],
      evidence.flatMap((i) => [...(i.anchor ? [i.anchor] : []), ...(i.proposal?.evidence ?? [])].slice(0, 3).map((e) => [i.itemId ?? 'Reviewer', String(e.page), e.text.slice(0, 400)])),
    );
  }

  if (data.decisions.length) {
    L.heading('Decisions', 2);
    const refOf = new Map(items.map((i) => [i.id, i.itemId ?? i.title]));
    L.table(
      [{ header: 'When', width: 90 }, { header: 'Reviewer', width: 100 }, { header: 'Item', width: 120 }, { header: 'Action', width: 200 }],
      data.decisions.map((d) => [stamp(d.at), d.reviewer, refOf.get(d.resultId) ?? d.resultId, d.action]),
    );
  }

  L.ensure(110);
  L.heading('Audit trail', 2);
  L.text(`The workspace's audit chain held ${plural(data.audit.entries, 'entry', 'entries')} when this report was made${data.audit.intact ? ' and verified intact' : ' and did NOT verify'}. Its head:`, { size: 9, gap: 4 });
  L.text(data.audit.headHash ?? '(empty)', { font: 'mono', size: 8.5, gap: 6 });

  pageFurniture(doc, {
    title: `Checklist review · ${review.documentName} · ${review.framework.id} ${review.framework.version}`,
    id: review.id,
    footer: `Generated ${stamp(data.generatedAt)} by ${data.generatedBy} · audit head ${data.audit.headHash ? `${data.audit.headHash.slice(0, 16)}…` : 'none'}`,
  });
  return finish();
}

export const REVIEW_REPORT_MIME = { pdf: 'application/pdf', json: 'application/json; charset=utf-8' } as const;

/** Exports a review as PDF or JSON, audited `review.exported` with the file's sha256. */
export async function exportReview(deps: ReviewReportDeps, reviewId: string, format: 'pdf' | 'json'): Promise<{ mime: string; body: Buffer; sha256: string }> {
  const data = await buildReviewReportData(deps, reviewId);
  const body = format === 'json' ? Buffer.from(`${JSON.stringify(data, null, 2)}\n`, 'utf8') : await renderReviewPdf(data);
  const sha256 = createHash('sha256').update(body).digest('hex');
  deps.write((tx) => tx.audit({
    action: 'review.exported', entityType: 'checklist_review', entityId: reviewId,
    data: { format, bytes: body.length, sha256, generatedAt: data.generatedAt, auditHead: data.audit.headHash, decided: data.review.decided, total: data.review.total },
  }));
  return { mime: REVIEW_REPORT_MIME[format], body, sha256 };
}
