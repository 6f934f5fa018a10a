import { execFileSync, spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';

/**
 * A signed PDF's signature taken apart with the tools a reader of the file
 * would use (poppler's pdfsig, the openssl command line), not with the code
 * that made it.
 */

/** OIDs of the signed attributes a PAdES-B-B signature carries. */
export const B_B_ATTRIBUTES = {
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingCertificateV2: '1.2.840.113549.1.9.16.2.47',
} as const;

/** pdfsig's report of a PDF file (it exits non-zero on an invalid signature: its report is still what we want). */
export function pdfsig(file: string): string {
  const r = spawnSync('pdfsig', [file], { encoding: 'utf8', env: { ...process.env, TZ: 'UTC' } });
  return r.stdout + r.stderr;
}

/** The signature's CMS (the /Contents hex, without its zero padding) and the bytes its /ByteRange covers. */
export function pdfSignature(pdf: Buffer): { cms: Buffer; signedBytes: Buffer; byteRange: [number, number, number, number] } {
  const text = pdf.toString('latin1');
  const range = /\/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]/.exec(text);
  if (!range) throw new Error('no /ByteRange');
  const byteRange = range.slice(1, 5).map(Number) as [number, number, number, number];
  const [a, b, c, d] = byteRange;
  // The /Contents hex string fills the gap between the two ranges: <...>.
  const hex = text.slice(a + b + 1, c - 1);
  const padded = Buffer.from(hex, 'hex');
  // DER: the outer SEQUENCE's length says where the CMS ends and the padding starts.
  if (padded[0] !== 0x30) throw new Error('the signature is not a DER SEQUENCE');
  const first = padded[1]!;
  const lengthBytes = first & 0x80 ? first & 0x7f : 0;
  const length = lengthBytes ? padded.subarray(2, 2 + lengthBytes).reduce((n, x) => n * 256 + x, 0) : first;
  const cms = padded.subarray(0, 2 + lengthBytes + length);
  expectZeros(padded.subarray(cms.length));
  return { cms, signedBytes: Buffer.concat([pdf.subarray(a, a + b), pdf.subarray(c, c + d)]), byteRange };
}

function expectZeros(rest: Buffer) {
  if (rest.some((x) => x !== 0)) throw new Error('bytes after the CMS are not zero padding');
}

/** `openssl cms -cmsout -print -inform DER` of a CMS. */
export function printCms(cms: Buffer): string {
  return execFileSync('openssl', ['cms', '-cmsout', '-print', '-inform', 'DER'], { input: cms, encoding: 'utf8' });
}

/** From a printed CMS: the OIDs of the signer's signed attributes, in their order. */
export function signedAttributeOids(printed: string): string[] {
  const from = printed.indexOf('signedAttrs:');
  const to = printed.indexOf('signatureAlgorithm:', from);
  if (from < 0 || to < 0) throw new Error('no signed attributes');
  return [...printed.slice(from, to).matchAll(/^\s*object: .*\(([\d.]+)\)$/gm)].map((m) => m[1]!);
}

/** From a printed CMS: the certificate hash in the ESS signing-certificate-v2 attribute (hex, upper case). */
export function signingCertificateV2Hash(printed: string): string | undefined {
  const at = printed.indexOf(`(${B_B_ATTRIBUTES.signingCertificateV2})`);
  if (at < 0) return undefined;
  return /OCTET STRING\s+\[HEX DUMP\]:([0-9A-F]+)/.exec(printed.slice(at))?.[1];
}

/** `openssl cms -verify` of a detached CMS over its content (signature and message digest; the certificate is not chained to a trust anchor). */
export function opensslVerifies(cms: Buffer, content: string): { ok: boolean; output: string } {
  const r = spawnSync('openssl', ['cms', '-verify', '-binary', '-inform', 'DER', '-content', content, '-noverify', '-out', '/dev/null'], { input: cms, encoding: 'utf8' });
  return { ok: r.status === 0, output: r.stdout + r.stderr };
}

/** The signer's certificate (DER) in a PKCS#12 file, as openssl reads it. */
export function certificateInP12(p12: Buffer, passphrase: string): Buffer {
  const pem = execFileSync('openssl', ['pkcs12', '-nokeys', '-clcerts', '-passin', 'env:P12_PASS'], { input: p12, env: { ...process.env, P12_PASS: passphrase } }).toString('latin1');
  return new X509Certificate(pem).raw;
}
