import { createHash } from 'node:crypto';
import type { ReportFormat } from '../../shared/contract/index.ts';
import { ChittiError } from '../app/errors.ts';
import type { Write } from '../app/unit-of-work.ts';
import { getAsset } from '../domain/assets.ts';
import type { MediaService } from '../media/media-service.ts';
import { reportCsv, reportJson } from './formats.ts';
import { buildReportData, type ReportData, type ReportSources } from './report-data.ts';
import { renderReportPdf, type ReportImageSource } from './render-pdf.ts';
import { checkSigningKey, signPdf, signatureSlot, type SigningKey } from './sign.ts';

export const REPORT_MIME: Record<ReportFormat, string> = {
  pdf: 'application/pdf',
  json: 'application/json; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
};

export interface ReportFile {
  format: ReportFormat;
  mime: string;
  body: Buffer;
  sha256: string;
  /** The signer's name (the certificate's common name) when the PDF is signed. */
  signer: string | null;
  /** What the report holds, for the caller's summary. */
  summary: { images: number; accepted: number; edited: number; rejected: number; proposed: number; auditHead: string | null };
}

export interface ReportServiceDeps extends Omit<ReportSources, 'media'> {
  media: MediaService;
  write: Write;
}

/** The report's images, drawn from the encrypted originals through the display pipeline (16-bit through its window). */
function imageSource(deps: ReportServiceDeps): ReportImageSource {
  return {
    async rendition(image, maxSide) {
      const r = await deps.media.rendition(getAsset(deps.db, image.assetId), maxSide);
      return { jpeg: r.body, width: r.width, height: r.height, window: r.window };
    },
  };
}

/**
 * Exports a job's inspection report in one of its forms, signed when a key
 * is given (PDF only), and records the export in the audit trail with the
 * file's sha256 and the audit head the report states, so the file and the
 * workspace can be matched both ways.
 */
export class ReportService {
  constructor(private readonly deps: ReportServiceDeps) {}

  data(jobId: string): Promise<ReportData> {
    return buildReportData(this.deps, jobId);
  }

  async export(jobId: string, format: ReportFormat, signing?: SigningKey): Promise<ReportFile> {
    const { deps } = this;
    if (signing && format !== 'pdf') throw new ChittiError('INVALID_INPUT', `Only a PDF report can be signed, not ${format.toUpperCase()}.`);
    // The key is checked before any work, so a wrong passphrase costs nothing and leaves nothing behind.
    const signer = signing ? checkSigningKey(signing, deps.clock()).signer : null;

    const data = await this.data(jobId);
    let body: Buffer;
    if (format === 'json') body = Buffer.from(reportJson(data), 'utf8');
    else if (format === 'csv') body = Buffer.from(reportCsv(data), 'utf8');
    else if (signing && signer) {
      const at = new Date(data.generatedAt);
      const slot = signatureSlot({ signer, reason: `Inspection report of job ${data.job.id}: ${data.job.name}`, location: data.job.site, at });
      body = await signPdf(await renderReportPdf(data, imageSource(deps), { signature: slot }), signing, at);
    } else body = await renderReportPdf(data, imageSource(deps));

    const sha256 = createHash('sha256').update(body).digest('hex');
    const t = data.summary.totals;
    const summary = { images: data.images.length, ...t, auditHead: data.audit.headHash };
    deps.write((tx) =>
      tx.audit({
        action: 'report.exported', entityType: 'job', entityId: jobId,
        data: { format, bytes: body.length, sha256, signed: signer !== null, signer, generatedAt: data.generatedAt, auditHead: data.audit.headHash, findings: t },
      }),
    );
    return { format, mime: REPORT_MIME[format], body, sha256, signer, summary };
  }
}
