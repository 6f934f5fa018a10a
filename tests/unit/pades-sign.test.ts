import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import PDFDocument from 'pdfkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkSigningKey, signatureSlot, signPdf, type SigningKey } from '../../src/core/report/sign.ts';
import { B_B_ATTRIBUTES, certificateInP12, opensslVerifies, pdfSignature, pdfsig, printCms, signedAttributeOids, signingCertificateV2Hash } from '../helpers/pades.ts';
import { opensslP12, selfSignedP12 } from '../helpers/p12.ts';
import { tempDir } from '../helpers/workspace.ts';

/**
 * PAdES baseline B-B signatures (ETSI EN 319 142-1) of a small PDF, with the
 * kinds of PKCS#12 file a user brings: node-forge's (RSA, self-signed) and
 * the openssl command line's (an RSA or an ECDSA P-256 key, issued by a CA
 * whose certificate is in the file). Checked with pdfsig and openssl only.
 */
const PASS = 'signing pass 5';
const AT = new Date('2026-11-25T10:00:00Z');

async function unsignedPdf(signer: string): Promise<Buffer> {
  const doc = new PDFDocument({ size: 'A4' });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const ended = new Promise((resolve) => doc.on('end', resolve));
  doc.text('Inspection report: a page to sign.');
  signatureSlot({ signer, reason: 'Inspection report of job job_1: a test', location: 'Test site', at: AT }).addPlaceholder(doc);
  doc.end();
  await ended;
  return Buffer.concat(chunks);
}

interface Case {
  name: string;
  commonName: string;
  key: () => { p12: Buffer; certificate: Buffer };
  algorithm: string;
  certificates: number;
}

const cases: Case[] = [
  {
    name: 'an RSA key in a node-forge PKCS#12, self-signed',
    commonName: 'Asha Menon (Level II RT)',
    key: () => {
      const p12 = selfSignedP12({ commonName: 'Asha Menon (Level II RT)', passphrase: PASS });
      return { p12, certificate: certificateInP12(p12, PASS) };
    },
    algorithm: 'sha256WithRSAEncryption (1.2.840.113549.1.1.11)',
    certificates: 1,
  },
  {
    name: 'an RSA key in an OpenSSL 3 PKCS#12, with its CA certificate',
    commonName: 'Ravi Iyer (Level III UT)',
    key: () => opensslP12({ commonName: 'Ravi Iyer (Level III UT)', passphrase: PASS, key: 'rsa' }),
    algorithm: 'sha256WithRSAEncryption (1.2.840.113549.1.1.11)',
    certificates: 2,
  },
  {
    name: 'an ECDSA P-256 key in an OpenSSL 3 PKCS#12, with its CA certificate',
    commonName: 'Meera Rao (Level II MT)',
    key: () => opensslP12({ commonName: 'Meera Rao (Level II MT)', passphrase: PASS, key: 'ec-p256' }),
    algorithm: 'ecdsa-with-SHA256 (1.2.840.10045.4.3.2)',
    certificates: 2,
  },
];

describe('PAdES-B-B signatures of a PDF', () => {
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  beforeAll(async () => {
    tmp = await tempDir();
  });
  afterAll(async () => {
    await tmp?.cleanup();
  });

  describe.each(cases)('with $name', (c) => {
    let signed: Buffer;
    let certificate: Buffer;
    let file: string;

    beforeAll(async () => {
      const made = c.key();
      certificate = made.certificate;
      const key: SigningKey = { p12: made.p12, passphrase: PASS };
      expect(checkSigningKey(key, new Date())).toEqual({ signer: c.commonName });
      signed = await signPdf(await unsignedPdf(c.commonName), key, AT);
      file = path.join(tmp.dir, `${c.algorithm.split(' ')[0]}-${c.certificates}.pdf`);
      await writeFile(file, signed);
    });

    it('is valid for pdfsig, as ETSI.CAdES.detached over the whole file, timed by /M', () => {
      const out = pdfsig(file);
      expect(out).toContain(`Signer Certificate Common Name: ${c.commonName}`);
      expect(out).toContain('Signature Type: ETSI.CAdES.detached');
      expect(out).toContain('Signing Hash Algorithm: SHA-256');
      expect(out).toContain('Signing Time: Nov 25 2026 10:00:00'); // the dictionary's /M: the CMS has no signing time
      expect(out).toContain('Total document signed');
      expect(out).toContain('Signature Validation: Signature is Valid.');
    });

    it('signs content-type, message-digest and signing-certificate-v2 (the certificate\'s SHA-256), and no signing time', () => {
      const printed = printCms(pdfSignature(signed).cms);
      // DER sorts a SET OF by encoding: here, the order of the OIDs.
      expect(signedAttributeOids(printed)).toEqual([B_B_ATTRIBUTES.contentType, B_B_ATTRIBUTES.messageDigest, B_B_ATTRIBUTES.signingCertificateV2]);
      expect(printed).toContain('object: id-smime-aa-signingCertificateV2 (1.2.840.113549.1.9.16.2.47)');
      expect(signingCertificateV2Hash(printed)).toBe(createHash('sha256').update(certificate).digest('hex').toUpperCase());
      expect(printed).not.toMatch(/signingTime|1\.2\.840\.113549\.1\.9\.5\b/);
      expect(printed).toContain('eContent: <ABSENT>'); // detached
      expect(printed).toContain(`algorithm: ${c.algorithm}`);
      expect(printed).toContain('unsignedAttrs:\n          <ABSENT>');
    });

    it('carries the signer\'s certificate first, then the rest of the chain', () => {
      const printed = printCms(pdfSignature(signed).cms);
      const subjects = [...printed.matchAll(/^\s+subject: (.*)$/gm)].map((m) => m[1]);
      expect(subjects).toHaveLength(c.certificates);
      expect(subjects[0]).toContain(`CN=${c.commonName}`);
      if (c.certificates > 1) expect(subjects[1]).toContain('CN=Chitti test CA');
    });

    it('verifies with openssl over the signed byte range', async () => {
      const { cms, signedBytes } = pdfSignature(signed);
      const content = `${file}.signed-bytes`;
      await writeFile(content, signedBytes);
      const r = opensslVerifies(cms, content);
      expect(r.output).toContain('Verification successful');
      expect(r.ok).toBe(true);
      // The same CMS over other bytes does not verify.
      signedBytes[signedBytes.length - 10]! ^= 1;
      await writeFile(content, signedBytes);
      expect(opensslVerifies(cms, content).ok).toBe(false);
    });

    it('is invalid for pdfsig once a byte of either signed range changes', async () => {
      const { byteRange } = pdfSignature(signed);
      // A byte of the binary comment on the second line (first range), and one of the /Reason string (second range).
      const first = signed.indexOf('\n%') + 2;
      const second = signed.indexOf('Inspection report of job', byteRange[2]);
      expect(first).toBeLessThan(byteRange[1]);
      expect(second).toBeGreaterThan(byteRange[2]);
      for (const at of [first, second]) {
        const tampered = Buffer.from(signed);
        tampered[at]! ^= 0x01;
        const bad = path.join(tmp.dir, 'tampered.pdf');
        await writeFile(bad, tampered);
        const out = pdfsig(bad);
        expect(out).toContain('Signature Type: ETSI.CAdES.detached'); // it still reads the signature...
        expect(out).not.toContain('Signature is Valid.'); // ...and finds that it does not hold
        expect(out).toMatch(/Signature Validation: (Digest Mismatch|Signature is Invalid)/);
      }
    });
  });

  it('refuses an ECDSA key on another curve, and a wrong passphrase of an OpenSSL file, with SIGNING_FAILED', () => {
    const p384 = opensslP12({ commonName: 'P-384 holder', passphrase: PASS, key: 'ec-p384' });
    expect(() => checkSigningKey({ p12: p384.p12, passphrase: PASS }, new Date())).toThrow(
      expect.objectContaining({ code: 'SIGNING_FAILED', message: expect.stringMatching(/no private key Chitti can sign with \(an RSA key, or an ECDSA key on P-256\)/) }),
    );
    expect(() => checkSigningKey({ p12: p384.p12, passphrase: 'not it' }, new Date())).toThrow(
      expect.objectContaining({ code: 'SIGNING_FAILED', message: expect.stringMatching(/passphrase does not open/) }),
    );
    expect(() => checkSigningKey({ p12: Buffer.from('%PDF-1.7 not a key'), passphrase: PASS }, new Date())).toThrow(
      expect.objectContaining({ code: 'SIGNING_FAILED', message: expect.stringMatching(/not a PKCS#12/) }),
    );
  });
});
