import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChittiError } from '../../src/core/app/errors.ts';
import { reportCsv, reportJson } from '../../src/core/report/formats.ts';
import { OKABE_ITO, reportClassColour, textOn } from '../../src/core/report/palette.ts';
import type { ReportData, ReportFinding, ReportImage } from '../../src/core/report/report-data.ts';
import { renderReportPdf, type ReportImageSource } from '../../src/core/report/render-pdf.ts';
import { REPO, tempDir } from '../helpers/workspace.ts';

/**
 * The PDF layout from a plain ReportData (no workspace): the cases a real job
 * rarely shows at once. Text is read back with pdftotext.
 */
const classes = ['crazing', 'inclusion', 'patches', 'pitted_surface', 'rolled-in_scale', 'scratches'];

function finding(ref: string, cls: string, box: [number, number, number, number], extra: Partial<ReportFinding> = {}): ReportFinding {
  return {
    id: `fnd_${ref.replace(/\W/g, '').padEnd(20, '0')}`, ref, class: cls, source: 'model', score: 0.8, box, polygon: null, status: 'accepted',
    decidedBy: 'Łukasz Żółć', decidedAt: '2026-11-23T10:00:00.000Z', note: null, rejectReason: null, proposed: null, ...extra,
  };
}

function image(n: number, extra: Partial<ReportImage>): ReportImage {
  return {
    number: n, assetId: `ast_${String(n).padEnd(20, '0')}`, name: `img-${n}.png`, mime: 'image/png', sha256: 'a'.repeat(64), fileBytes: 2048,
    width: 400, height: 300, bitsPerSample: 8, state: 'analysed', problem: null,
    analysis: { id: 'ana_1', modelId: 'gone-model', modelVersion: '2.0.0', modelSha256: 'b'.repeat(64), at: '2026-11-23T09:00:00.000Z', threshold: null },
    findings: [], rejected: [], proposed: 0, ...extra,
  };
}

const many = Array.from({ length: 60 }, (_, i) => finding(`1.${i + 1}`, classes[i % 6]!, [(i % 10) * 38, Math.floor(i / 10) * 48, (i % 10) * 38 + 30, Math.floor(i / 10) * 48 + 40], { note: i === 59 ? 'The last one.' : null }));
const polygonFinding = finding('2.1', 'scratches', [50, 50, 150, 120], { polygon: [[50, 50], [150, 60], [140, 120], [60, 110]], source: 'reviewer', score: null });

const data: ReportData = {
  format: 'chitti.inspection-report', formatVersion: 1, generatedAt: '2026-11-23T12:00:00.000Z', generatedBy: 'Ирина', chittiVersion: '0.1.0',
  job: { id: 'job_0123456789abcdefghjk', name: 'Łódź gas main, Ørsted weld 7', client: 'Κλάδος', site: 'Site', component: '', procedure: 'P-1', inspector: 'I', startDate: null, endDate: '2026-11-22', createdAt: '2026-11-20T08:00:00.000Z' },
  images: [
    image(1, { findings: many }),
    image(2, { findings: [polygonFinding] }),
    image(3, { name: 'unreadable.tif', findings: [finding('3.1', 'patches', [1, 1, 5, 5])] }),
    image(4, { name: 'failed.jpg', state: 'failed', problem: 'The image data is truncated or corrupt.', analysis: null, width: null, height: null, bitsPerSample: null }),
  ],
  documents: [],
  models: [{ id: 'gone-model', version: '2.0.0', sha256: 'b'.repeat(64), images: 3, installed: null, notInstalled: 'This model is no longer installed: its manifest (metrics, training data) is not available.' }],
  summary: { byClass: [], totals: { accepted: 62, edited: 0, rejected: 0, proposed: 0 }, images: { total: 4, analysed: 3, failed: 1, notAnalysed: 0, withFindings: 3 } },
  audit: { headHash: 'c'.repeat(64), headSeq: 9, entries: 9, intact: false, problems: 2 },
};

const source: ReportImageSource = {
  async rendition(img, maxSide) {
    if (img.name === 'unreadable.tif') throw new ChittiError('IMAGE_UNREADABLE', 'The image could not be decoded.');
    expect(maxSide).toBeLessThanOrEqual(1600);
    const jpeg = await sharp({ create: { width: img.width!, height: img.height!, channels: 3, background: '#777777' } }).jpeg().toBuffer();
    return { jpeg, width: img.width!, height: img.height!, window: null };
  },
};

describe('the report PDF, from plain data', () => {
  let tmp: { dir: string; cleanup: () => Promise<void> };
  let pages: string[];

  beforeAll(async () => {
    tmp = await tempDir('chitti-report-unit-');
    const file = path.join(tmp.dir, 'r.pdf');
    await writeFile(file, await renderReportPdf(data, source));
    // The pages, to look at: test-results/report/layout-<n>.png.
    const out = path.join(REPO, 'test-results/report');
    await mkdir(out, { recursive: true });
    execFileSync('pdftoppm', ['-png', '-r', '60', file, path.join(out, 'layout')]);
    pages = execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-'], { encoding: 'utf8' }).split('\f').filter((p) => p.trim());
  });
  afterAll(() => tmp.cleanup());

  const all = () => pages.join('\n').replace(/\s+/g, ' ');

  it('prints names in Latin, Greek and Cyrillic as typed', () => {
    expect(all()).toContain('Łódź gas main, Ørsted weld 7');
    expect(all()).toContain('Κλάδος');
    expect(all()).toContain('by Ирина');
    expect(all()).toContain('Łukasz Żółć');
  });

  it('continues a long findings table on the next page, and numbers every page', () => {
    const first = pages.findIndex((p) => p.includes('Image 1 · img-1.png'));
    const last = pages.findIndex((p) => p.includes('The last one.'));
    expect(pages[first]).toContain('fnd_1100000000000000000');
    expect(last).toBeGreaterThan(first);
    for (const p of pages.slice(first + 1, last + 1)) expect(p).toContain('Finding id'); // the header row again
    pages.forEach((p, i) => expect(p).toContain(`Page ${i + 1} of ${pages.length}`));
  });

  it('says what it could not show or check, instead of failing', () => {
    expect(all()).toContain('The image cannot be shown: The image could not be decoded. Its findings are listed below.');
    expect(all()).toContain('analysis failed: The image data is truncated or corrupt.');
    expect(all()).toContain('This model is no longer installed');
    expect(all()).toContain('did not verify when this report was made (2 problems');
    expect(all()).toContain('No finding was rejected.');
    expect(all()).toContain('Added by the reviewer.');
  });

  it('serialises the same data as JSON and CSV', () => {
    expect(JSON.parse(reportJson(data))).toEqual(data);
    const csv = reportCsv(data).split('\r\n');
    expect(csv).toHaveLength(1 + 62 + 1); // header, findings, final line end
    expect(csv[1]).toMatch(/^job_0123456789abcdefghjk,1,img-1\.png,/);
  });

  it('colours classes from the Okabe–Ito palette, by their place in the model, with readable label text', () => {
    expect(reportClassColour('crazing', classes)).toBe(OKABE_ITO[0]);
    expect(reportClassColour('scratches', classes)).toBe(OKABE_ITO[5]);
    expect(OKABE_ITO).toContain(reportClassColour('not-a-model-class', classes));
    expect(textOn('#F0E442')).toBe('#000000');
    expect(textOn('#0072B2')).toBe('#FFFFFF');
  });
});
