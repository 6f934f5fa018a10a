import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Core } from '../../src/core/app/core-api.ts';
import { reportCsv, CSV_COLUMNS } from '../../src/core/report/formats.ts';
import type { ReportData } from '../../src/core/report/report-data.ts';
import type { Finding } from '../../src/shared/contract/index.ts';
import { DETECTOR_ID, neuImage, testModelsDir } from '../helpers/models.ts';
import { B_B_ATTRIBUTES, certificateInP12, pdfSignature, printCms, signedAttributeOids, signingCertificateV2Hash } from '../helpers/pades.ts';
import { selfSignedP12 } from '../helpers/p12.ts';
import { radiographTiff } from '../helpers/radiograph.ts';
import { PASSPHRASE, REPO, ok, openTestCore, runCli, taskFinished, tempDir } from '../helpers/workspace.ts';

/**
 * Reports of a real job: a real encrypted workspace, three NEU-DET images and
 * a 16-bit radiograph imported and analysed by the shipped detector, decided
 * through the review procedures. The PDF is read as a person would (its text
 * with pdftotext, its pages as PNG with pdftoppm, saved under
 * test-results/report/ to look at) and signed reports are checked by pdfsig.
 */
const PAGES_DIR = path.join(REPO, 'test-results/report');
const P12_PASS = 'inspector signing key 7';
const JOB = {
  name: 'Tank 6 external, LR0328', client: 'Acme Refining', site: 'Jamnagar west', component: 'Shell course 2',
  procedure: 'ASME V Art. 2 RT-04', inspector: 'A. Menon', startDate: '2026-11-20', endDate: '2026-11-22',
};

const pdftotext = (file: string) => execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-'], { encoding: 'utf8' });
/** Text with every run of white space as one space: sentences that wrap across lines are found whole. */
const flat = (s: string) => s.replace(/\s+/g, ' ');

/** RFC 4180 rows (quoted fields may hold commas, quotes and line ends). */
function parseCsv(csv: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  const endField = () => {
    row.push(field);
    field = '';
  };
  for (let i = 0; i < csv.length; i++) {
    const c = csv[i]!;
    if (quoted) {
      if (c === '"' && csv[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') endField();
    else if (c === '\r' && csv[i + 1] === '\n') {
      endField();
      rows.push(row);
      row = [];
      i++;
    } else field += c;
  }
  return rows;
}
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** Every page as a PNG (`pdftoppm -png`), copied to test-results/report/<name>-<page>.png; returns how many. */
async function pagesOf(file: string, name: string): Promise<number> {
  const dir = path.join(path.dirname(file), `${name}-pages`);
  await mkdir(dir, { recursive: true });
  execFileSync('pdftoppm', ['-png', '-r', '60', file, path.join(dir, 'page')]);
  const pages = (await readdir(dir)).filter((f) => f.endsWith('.png')).sort();
  await mkdir(PAGES_DIR, { recursive: true });
  for (const [i, p] of pages.entries()) await copyFile(path.join(dir, p), path.join(PAGES_DIR, `${name}-${i + 1}.png`));
  await copyFile(file, path.join(PAGES_DIR, `${name}.pdf`));
  return pages.length;
}

describe('the inspection report of a reviewed job', () => {
  let tmp: { dir: string; cleanup: () => Promise<void> };
  let ws: string;
  let core: Core;
  let jobId: string;
  let data: ReportData;
  let pdf: Buffer;
  let pdfFile: string;
  let text: string;
  let p12File: string;
  const decided = { accepted: [] as Finding[], edited: [] as Finding[], rejected: [] as Finding[], added: [] as Finding[] };
  let proposedLeft = 0;

  beforeAll(async () => {
    tmp = await tempDir('chitti-report-');
    ws = path.join(tmp.dir, 'ws');
    core = await openTestCore(ws, { modelDirs: [{ dir: testModelsDir(), origin: 'built-in' }], inference: { poolSize: 2 } });
    const radiograph = path.join(tmp.dir, 'weld-R7.tif');
    // Indications small enough (0.2 % of the area) to stay above the display window, as on real film.
    await writeFile(radiograph, await radiographTiff(1200, 400, [{ x: 300, y: 200, r: 16 }, { x: 900, y: 150, r: 10 }]));
    const notes = path.join(tmp.dir, 'procedure-notes.txt');
    await writeFile(notes, 'Film density 2.0–4.0; IQI wire 10 visible.\n');

    jobId = (await ok(core, 'jobs.create', JOB)).id;
    const imported = await ok(core, 'assets.import', {
      jobId, paths: [neuImage('scratches_100'), neuImage('patches_105'), neuImage('inclusion_111'), radiograph, notes],
    });
    expect(await taskFinished(core, imported.id)).toMatchObject({ status: 'done', imported: 5 });
    const detect = await ok(core, 'detect.start', { jobId, modelId: DETECTOR_ID });
    expect(await taskFinished(core, detect.id)).toMatchObject({ status: 'done', analysed: 4 });

    const { assets } = await ok(core, 'assets.list', { jobId });
    const byName = new Map(assets.map((a) => [a.originalName, a.id]));
    const findingsOf = async (name: string) => (await ok(core, 'findings.list', { assetId: byName.get(name) })).findings;

    // scratches: its one proposal accepted, with a note.
    const scratches = await findingsOf('scratches_100.jpg');
    expect(scratches.length).toBeGreaterThanOrEqual(1);
    decided.accepted.push(await ok(core, 'findings.decide', { findingId: scratches[0]!.id, expectedVersion: 1, action: 'accept', note: 'Confirmed visually; depth 0.3 mm by UT.' }));
    // patches: the best proposal's box corrected, the next rejected with a reason, the rest left for later.
    const patches = await findingsOf('patches_105.jpg');
    expect(patches.length).toBeGreaterThanOrEqual(3);
    const [x1, y1, x2, y2] = patches[0]!.box;
    decided.edited.push(await ok(core, 'findings.decide', {
      findingId: patches[0]!.id, expectedVersion: 1, action: 'edit', box: [Math.round(x1) + 4, Math.round(y1) + 4, Math.round(x2) - 4, Math.round(y2) - 4],
    }));
    decided.rejected.push(await ok(core, 'findings.decide', { findingId: patches[1]!.id, expectedVersion: 1, action: 'reject', reason: 'Roll mark, not a defect' }));
    // inclusion: every proposal rejected.
    for (const f of await findingsOf('inclusion_111.jpg')) {
      decided.rejected.push(await ok(core, 'findings.decide', { findingId: f.id, expectedVersion: 1, action: 'reject', reason: 'Surface stain' }));
    }
    // The radiograph: the steel model finds nothing there, so the reviewer draws both indications.
    for (const f of await findingsOf('weld-R7.tif')) {
      decided.rejected.push(await ok(core, 'findings.decide', { findingId: f.id, expectedVersion: 1, action: 'reject', reason: 'Not on steel strip' }));
    }
    const tif = byName.get('weld-R7.tif');
    decided.added.push(await ok(core, 'findings.add', { assetId: tif, class: 'inclusion', box: [280, 180, 320, 220], note: 'Porosity, 6 mm; repair.' }));
    decided.added.push(await ok(core, 'findings.add', { assetId: tif, class: 'inclusion', box: [886, 136, 914, 164] }));
    proposedLeft = scratches.length - 1 + patches.length - 2;

    p12File = path.join(tmp.dir, 'inspector.p12');
    await writeFile(p12File, selfSignedP12({ commonName: 'Asha Menon (Level II RT)', passphrase: P12_PASS }));

    const r = await core.exportReport(jobId, { format: 'pdf' });
    if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
    pdf = r.result.body;
    pdfFile = path.join(tmp.dir, 'report.pdf');
    await writeFile(pdfFile, pdf);
    text = pdftotext(pdfFile);
    const json = await core.exportReport(jobId, { format: 'json' });
    if (!json.ok) throw new Error(json.error.message);
    data = JSON.parse(json.result.body.toString('utf8')) as ReportData;
  }, 180_000);

  afterAll(async () => {
    await core?.close();
    await tmp?.cleanup();
  });

  it('states the job header, the review status and the counts by class and decision', () => {
    for (const v of Object.values(JOB)) expect(text).toContain(v);
    const all = flat(text);
    expect(text).toContain('Inspection report');
    expect(text).toContain(jobId);
    const kept = decided.accepted.length + decided.edited.length + decided.added.length;
    expect(all).toContain(`4 images: 4 analysed, 0 failed, 0 not analysed. ${kept} findings accepted (1 of them edited by a reviewer), ${decided.rejected.length} rejected, on 3 images.`);
    expect(proposedLeft).toBeGreaterThan(0);
    expect(all).toMatch(new RegExp(`Review not complete: ${proposedLeft} findings? on 1 image (is|are) still waiting for a decision`));
    // The summary table: one row per class in the model's order, with its counts (pdftotext gives a cell per line).
    const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
    for (const c of data.summary.byClass) {
      const at = lines.indexOf(c.class.replace(/_/g, ' '));
      expect(at).toBeGreaterThan(-1);
      expect(lines.slice(at + 1, at + 6)).toEqual([c.accepted, c.edited, c.rejected, c.proposed, c.accepted + c.edited + c.rejected + c.proposed].map(String));
    }
    const t = data.summary.totals;
    expect(t).toEqual({ accepted: decided.accepted.length + decided.added.length, edited: 1, rejected: decided.rejected.length, proposed: proposedLeft });
    const sum = lines.indexOf('All classes');
    expect(lines.slice(sum + 1, sum + 6)).toEqual([t.accepted, t.edited, t.rejected, t.proposed, t.accepted + t.edited + t.rejected + t.proposed].map(String));
    expect(all).toContain('Documents in the job (not analysed): procedure-notes.txt');
  });

  it('lists the accepted findings with their images, and the rejected ones only in the appendix', () => {
    const appendix = text.indexOf('Appendix A: rejected findings');
    expect(appendix).toBeGreaterThan(0);
    for (const f of [...decided.accepted, ...decided.edited, ...decided.added]) {
      const at = text.indexOf(f.id);
      expect(at, f.id).toBeGreaterThan(0);
      expect(at).toBeLessThan(appendix);
    }
    for (const f of decided.rejected) {
      expect(text.indexOf(f.id), f.id).toBeGreaterThan(appendix);
      expect(text.split(f.id).length - 1).toBe(1); // listed once, never with the images
    }
    const all = flat(text);
    expect(all).toContain('Confirmed visually; depth 0.3 mm by UT.');
    expect(all).toContain('Porosity, 6 mm; repair.');
    expect(all).toContain('Roll mark, not a defect');
    expect(all).toMatch(/Model proposed box \d+,\d+– ?\d+,\d+/);
    const number = (name: string) => data.images.find((i) => i.name === name)!.number;
    for (const name of ['scratches_100.jpg', 'patches_105.jpg', 'weld-R7.tif']) expect(all).toContain(`Image ${number(name)} · ${name}`);
    // inclusion_111 has no accepted finding: it is on the contact sheet, not on a page of its own.
    expect(all).not.toContain(`Image ${number('inclusion_111.jpg')} · inclusion_111.jpg`);
    expect(all).toContain(`${number('inclusion_111.jpg')} · inclusion_111.jpg`);
  });

  it('names the models with their sha256 and metrics, and ends with the audit chain head', async () => {
    const model = (await ok(core, 'models.get', { id: DETECTOR_ID }));
    expect(text).toContain(model.title);
    expect(text).toContain(model.sha256);
    expect(text).toMatch(/mAP@0\.5 0\.748/);
    expect(data.models).toEqual([expect.objectContaining({ id: DETECTOR_ID, version: model.version, sha256: model.sha256, images: 4, installed: expect.objectContaining({ licence: model.licence }) })]);

    // The head the PDF states is the chain's head when it was made; its export is the entry right after it,
    // which records the PDF's sha256: the file and the workspace point at each other.
    const { entries } = await ok(core, 'audit.list', { limit: 1000 });
    const pdfExport = entries.find((e) => e.action === 'report.exported' && (e.data as { format: string }).format === 'pdf')!;
    expect(pdfExport.data).toMatchObject({ sha256: sha256(pdf), bytes: pdf.length, signed: false, findings: data.summary.totals });
    const head = entries.find((e) => e.seq === pdfExport.seq - 1)!;
    expect((pdfExport.data as { auditHead: string }).auditHead).toBe(head.hash);
    const lastPage = flat(text.split('\f').filter((p) => p.trim()).at(-1)!);
    expect(lastPage).toContain('Audit trail');
    expect(lastPage).toContain(`held ${head.seq} entries and verified intact. Its head: entry #${head.seq} ${head.hash}`);
    expect(await ok(core, 'audit.verify', {})).toMatchObject({ ok: true });
  });

  it('has the pages the content needs, each with its header and "Page i of n"', async () => {
    const pages = await pagesOf(pdfFile, 'report');
    const withFindings = data.images.filter((i) => i.findings.length > 0).length;
    // summary, one per image with findings, the contact sheet, models, appendix (+ audit)
    expect(withFindings).toBe(3);
    expect(pages).toBe(1 + withFindings + 1 + 1 + 1);
    const texts = text.split('\f').filter((p) => p.trim());
    expect(texts).toHaveLength(pages);
    texts.forEach((p, i) => {
      expect(p).toContain(`Page ${i + 1} of ${pages}`);
      expect(p).toContain(`Inspection report · ${JOB.name}`);
    });
  });

  it('shows the 16-bit radiograph through its display window, downscaled, as an 8-bit JPEG', () => {
    const tif = data.images.find((i) => i.name === 'weld-R7.tif')!;
    expect(tif).toMatchObject({ width: 1200, height: 400, bitsPerSample: 16, mime: 'image/tiff' });
    expect(flat(text)).toMatch(/16-bit samples shown through the display window \d+–\d+/);
    // pdfimages -list: every image embedded is 8 bits per component, JPEG (DCT), at most 1600 px a side.
    const list = execFileSync('pdfimages', ['-list', pdfFile], { encoding: 'utf8' }).trim().split('\n').slice(2).map((l) => l.trim().split(/\s+/));
    expect(list.length).toBe(4); // 3 pages with findings + 1 on the contact sheet
    for (const row of list) {
      const [, , type, width, height, , , bpc, enc] = row;
      expect([type, bpc, enc]).toEqual(['image', '8', 'jpeg']);
      expect(Math.max(Number(width), Number(height))).toBeLessThanOrEqual(1600);
    }
    expect(list.some((r) => r[3] === '1200' && r[4] === '400')).toBe(true);
  });

  it('exports the same data as JSON and CSV', async () => {
    expect(data).toMatchObject({ format: 'chitti.inspection-report', formatVersion: 1, job: { id: jobId, ...JOB }, chittiVersion: expect.any(String) });
    // Images in the job's order (as assets.list gives them), numbered from 1.
    const { assets } = await ok(core, 'assets.list', { jobId });
    expect(data.images.map((i) => [i.number, i.name])).toEqual(assets.filter((a) => a.kind === 'image').map((a, i) => [i + 1, a.originalName]));
    const image = (name: string) => data.images.find((i) => i.name === name)!;
    expect(data.documents).toEqual([expect.objectContaining({ name: 'procedure-notes.txt', mime: 'text/plain' })]);
    const edited = image('patches_105.jpg').findings.find((f) => f.id === decided.edited[0]!.id)!;
    expect(edited).toMatchObject({ status: 'edited', source: 'model', proposed: { class: decided.edited[0]!.modelClass, box: decided.edited[0]!.modelBox } });
    const n = image('weld-R7.tif').number;
    // In reading order: the upper indication (y 136) first.
    expect(image('weld-R7.tif').findings.map((f) => [f.ref, f.id, f.source, f.score])).toEqual([[`${n}.1`, decided.added[1]!.id, 'reviewer', null], [`${n}.2`, decided.added[0]!.id, 'reviewer', null]]);

    const r = await core.exportReport(jobId, { format: 'csv' });
    if (!r.ok) throw new Error(r.error.message);
    expect(r.result.mime).toBe('text/csv; charset=utf-8');
    const csv = r.result.body.toString('utf8');
    expect(csv.endsWith('\r\n')).toBe(true);
    const rows = parseCsv(csv);
    expect(rows[0]).toEqual([...CSV_COLUMNS]);
    const total = decided.accepted.length + decided.edited.length + decided.added.length + decided.rejected.length;
    expect(rows).toHaveLength(1 + total);
    expect(rows.every((row) => row.length === CSV_COLUMNS.length)).toBe(true);
    const col = (name: (typeof CSV_COLUMNS)[number]) => CSV_COLUMNS.indexOf(name);
    const rowOf = (id: string) => rows.find((row) => row[col('finding_id')] === id)!;
    const accepted = rowOf(decided.accepted[0]!.id);
    expect(accepted[col('decision')]).toBe('accepted');
    expect(accepted[col('score')]).toBe(String(Number(decided.accepted[0]!.score.toFixed(5))));
    expect(accepted[col('image')]).toBe('scratches_100.jpg');
    const drawn = rowOf(decided.added[1]!.id);
    expect([drawn[col('source')], drawn[col('score')], drawn[col('x1')], drawn[col('width')]]).toEqual(['reviewer', '', '886', '28']);
    expect(rowOf(decided.added[0]!.id)[col('note')]).toBe('Porosity, 6 mm; repair.');
    expect(rowOf(decided.rejected[0]!.id)[col('reject_reason')]).toBe('Roll mark, not a defect');
    // Notes are quoted when they hold a comma or a quote; a formula stays text.
    const tricky: ReportData = structuredClone(data);
    tricky.images.find((i) => i.name === 'scratches_100.jpg')!.findings[0]!.note = '=HYPERLINK("x"), see "A"';
    expect(reportCsv(tricky)).toContain(`"'=HYPERLINK(""x""), see ""A"""`);
  });

  it('is the app\'s job.report resource, as PDF, JSON or CSV; unknown jobs are NOT_FOUND', async () => {
    const res = await core.fetchResource('job.report', { jobId, format: 'pdf' });
    expect(res.ok && res.result.mime).toBe('application/pdf');
    expect(res.ok && Buffer.from(res.result.body).subarray(0, 5).toString()).toBe('%PDF-');
    const byDefault = await core.fetchResource('job.report', { jobId });
    expect(byDefault.ok && byDefault.result.mime).toBe('application/pdf');
    const json = await core.fetchResource('job.report', { jobId, format: 'json' });
    expect(json.ok && json.result.mime).toBe('application/json; charset=utf-8');
    expect(await core.fetchResource('job.report', { jobId: 'job_00000000000000000000' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(await core.fetchResource('job.report', { jobId, format: 'docx' })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
  });

  it('signs a report so that pdfsig finds the signature valid', async () => {
    const p12 = await readFile(p12File);
    const r = await core.exportReport(jobId, { format: 'pdf', signing: { p12, passphrase: P12_PASS } });
    if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
    expect(r.result.signer).toBe('Asha Menon (Level II RT)');
    const file = path.join(tmp.dir, 'signed.pdf');
    await writeFile(file, r.result.body);
    const sig = execFileSync('pdfsig', [file], { encoding: 'utf8' });
    expect(sig).toContain('Signer Certificate Common Name: Asha Menon (Level II RT)');
    expect(sig).toContain('Signature Type: ETSI.CAdES.detached');
    expect(sig).toContain('Total document signed');
    expect(sig).toContain('Signature Validation: Signature is Valid.');
    expect(pdftotext(file)).toContain('This PDF is digitally signed by Asha Menon (Level II RT)');
    // PAdES-B-B: signed content-type, message-digest and signing-certificate-v2 with the certificate's SHA-256; no signing time.
    const cms = printCms(pdfSignature(r.result.body).cms);
    expect(signedAttributeOids(cms)).toEqual([B_B_ATTRIBUTES.contentType, B_B_ATTRIBUTES.messageDigest, B_B_ATTRIBUTES.signingCertificateV2]);
    expect(signingCertificateV2Hash(cms)).toBe(sha256(certificateInP12(p12, P12_PASS)).toUpperCase());
    expect(cms).not.toContain('signingTime');
    await pagesOf(file, 'signed');

    // One changed byte and the signature no longer holds.
    const tampered = Buffer.from(r.result.body);
    const at = tampered.indexOf('Inspection report');
    tampered[at] = 'i'.charCodeAt(0);
    await writeFile(file, tampered);
    let out = '';
    try {
      out = execFileSync('pdfsig', [file], { encoding: 'utf8' });
    } catch (e) {
      out = String((e as { stdout?: string }).stdout);
    }
    expect(out).not.toContain('Signature is Valid.');
  });

  it('refuses a wrong passphrase, an unusable file or an expired certificate with SIGNING_FAILED, before any work', async () => {
    const p12 = await readFile(p12File);
    const before = (await ok(core, 'audit.list', { entityId: jobId, limit: 1000 })).entries.length;
    expect(await core.exportReport(jobId, { format: 'pdf', signing: { p12, passphrase: 'not it' } })).toMatchObject({
      ok: false, error: { code: 'SIGNING_FAILED', message: expect.stringMatching(/passphrase does not open/) },
    });
    expect(await core.exportReport(jobId, { format: 'pdf', signing: { p12: Buffer.from('%PDF-1.7 not a key'), passphrase: P12_PASS } })).toMatchObject({
      ok: false, error: { code: 'SIGNING_FAILED', message: expect.stringMatching(/not a PKCS#12/) },
    });
    const expired = selfSignedP12({ commonName: 'Old key', passphrase: 'x', notBefore: new Date('2020-01-01'), notAfter: new Date('2021-01-01') });
    expect(await core.exportReport(jobId, { format: 'pdf', signing: { p12: expired, passphrase: 'x' } })).toMatchObject({
      ok: false, error: { code: 'SIGNING_FAILED', message: expect.stringMatching(/expired on 2021-01-01/) },
    });
    expect(await core.exportReport(jobId, { format: 'csv', signing: { p12, passphrase: P12_PASS } })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    // Nothing was exported, so nothing was audited.
    expect((await ok(core, 'audit.list', { entityId: jobId, limit: 1000 })).entries.length).toBe(before);
  });

  describe('chitti report', () => {
    const env = { CHITTI_PASSPHRASE: PASSPHRASE, REPORT_P12_PASS: P12_PASS };
    const cli = (args: string[], extra: NodeJS.ProcessEnv = {}) => runCli(['--data-dir', ws, ...args], { ...env, ...extra });

    it('writes a PDF, a signed PDF, JSON and CSV (format from --out or --format)', async () => {
      const out = path.join(tmp.dir, 'cli');
      await mkdir(out);
      const plain = await cli(['report', jobId, '--out', path.join(out, 'r.pdf')]);
      expect(plain.code, plain.stderr).toBe(0);
      expect(plain.stdout).toMatch(/^Wrote .*r\.pdf \(PDF, \d+ KB\)\./);
      expect(plain.stderr).toMatch(/still await review/);
      expect((await readFile(path.join(out, 'r.pdf'))).subarray(0, 5).toString()).toBe('%PDF-');

      const signed = await cli(['--json', 'report', jobId, '--out', path.join(out, 'signed.pdf'), '--sign', p12File, '--passphrase-env', 'REPORT_P12_PASS']);
      expect(signed.code, signed.stderr).toBe(0);
      const summary = JSON.parse(signed.stdout) as { signer: string; sha256: string; format: string };
      expect(summary).toMatchObject({ format: 'pdf', signer: 'Asha Menon (Level II RT)' });
      expect(sha256(await readFile(path.join(out, 'signed.pdf')))).toBe(summary.sha256);
      expect(execFileSync('pdfsig', [path.join(out, 'signed.pdf')], { encoding: 'utf8' })).toContain('Signature is Valid.');
      expect(signed.stdout + signed.stderr).not.toContain(P12_PASS);

      expect((await cli(['report', jobId, '--out', path.join(out, 'r.csv')])).code).toBe(0);
      expect((await readFile(path.join(out, 'r.csv'), 'utf8')).split('\r\n')[0]).toBe(CSV_COLUMNS.join(','));
      expect((await cli(['report', jobId, '--out', path.join(out, 'data.txt'), '--format', 'json'])).code).toBe(0);
      expect(JSON.parse(await readFile(path.join(out, 'data.txt'), 'utf8'))).toMatchObject({ format: 'chitti.inspection-report', job: { id: jobId } });
      expect((await readdir(out)).sort()).toEqual(['data.txt', 'r.csv', 'r.pdf', 'signed.pdf']); // no temp file left
    });

    it('exits 11 with SIGNING_FAILED on a wrong passphrase, and writes nothing', async () => {
      const out = path.join(tmp.dir, 'cli-wrong');
      await mkdir(out);
      const r = await cli(['report', jobId, '--out', path.join(out, 'signed.pdf'), '--sign', p12File, '--passphrase-env', 'REPORT_P12_PASS'], { REPORT_P12_PASS: 'guess' });
      expect(r.code).toBe(11);
      expect(r.stderr).toMatch(/^chitti: SIGNING_FAILED: The passphrase does not open this PKCS#12 file/m);
      expect(r.stderr).not.toContain('guess');
      expect(await readdir(out)).toEqual([]);
    });

    it('refuses what it cannot do with usage errors or NOT_FOUND', async () => {
      const out = path.join(tmp.dir, 'x.pdf');
      const noEnv = await cli(['report', jobId, '--out', out, '--sign', p12File, '--passphrase-env', 'NO_SUCH_VAR']);
      expect([noEnv.code, noEnv.stderr]).toEqual([2, expect.stringMatching(/NO_SUCH_VAR \(--passphrase-env\) is not set/)]);
      // No terminal and no --passphrase-env: it cannot ask.
      expect((await cli(['report', jobId, '--out', out, '--sign', p12File])).stderr).toMatch(/run the command in a terminal, or name an environment variable/);
      expect((await cli(['report', jobId, '--out', out, '--sign', path.join(tmp.dir, 'none.p12'), '--passphrase-env', 'REPORT_P12_PASS'])).code).toBe(5);
      expect((await cli(['report', jobId, '--out', path.join(tmp.dir, 'x.csv'), '--sign', p12File, '--passphrase-env', 'REPORT_P12_PASS'])).code).toBe(2);
      expect((await cli(['report', 'job_00000000000000000000', '--out', out])).code).toBe(5);
      expect((await cli(['report', jobId, '--out', path.join(tmp.dir, 'no-such-dir', 'r.pdf')])).code).toBe(5);
      expect(existsSync(out)).toBe(false);
    });

    it('leaves the previous report whole when the disk fills up', async () => {
      // The output folder is a 64 KiB tmpfs in a private mount namespace, holding last week's report.
      const mnt = path.join(tmp.dir, 'full');
      await mkdir(mnt);
      const chitti = `${process.execPath} ${path.join(REPO, 'bin/chitti.mjs')} --data-dir "${ws}"`;
      const script = [
        'set -u',
        `mount -t tmpfs -o size=64k tmpfs "${mnt}"`,
        `printf 'last week' > "${mnt}/report.pdf"`,
        `${chitti} report ${jobId} --out "${mnt}/report.pdf" 2>"${tmp.dir}/full.err"; echo "EXIT=$?"`,
        `echo "CONTENT=$(cat "${mnt}/report.pdf")"`,
        `ls -A "${mnt}" | wc -l | sed "s/^/FILES=/"`,
      ].join('\n');
      const out = execFileSync('unshare', ['--mount', '--map-root-user', 'sh', '-c', script], {
        env: { PATH: process.env.PATH, HOME: process.env.HOME, CHITTI_PASSPHRASE: PASSPHRASE }, encoding: 'utf8',
      });
      expect(out).toContain('EXIT=9');
      expect(out).toContain('CONTENT=last week');
      expect(out).toContain('FILES=1');
      expect(await readFile(path.join(tmp.dir, 'full.err'), 'utf8')).toMatch(/DISK_FULL: The disk is full: .*report\.pdf was not written/);
      await rm(mnt, { recursive: true, force: true });
    });
  });
});
