import { pdfkitAddPlaceholder } from '@signpdf/placeholder-pdfkit';
import { SignPdf } from '@signpdf/signpdf';
import { P12Signer } from '@signpdf/signer-p12';
import { SUBFILTER_ETSI_CADES_DETACHED } from '@signpdf/utils';
import forge from 'node-forge';
import { ChittiError } from '../app/errors.ts';
import type { SignatureSlot } from './render-pdf.ts';

/**
 * Digital signatures of PDF reports (PAdES: a CAdES detached signature,
 * SHA-256, in a signature field), with a PKCS#12 file the user chooses. The
 * passphrase is used here and dropped; it is never stored, logged or put in
 * an error message.
 */
export interface SigningKey {
  /** The PKCS#12 (.p12/.pfx) file's bytes. */
  p12: Uint8Array;
  passphrase: string;
}

/** Room for the signature in the PDF, in bytes: a certificate chain of a few certificates fits. */
const SIGNATURE_BYTES = 16_384;

/** PKCS#12 bag types (RFC 7292). */
const SHROUDED_KEY_BAG = '1.2.840.113549.1.12.10.1.2';
const CERT_BAG = '1.2.840.113549.1.12.10.1.3';

const failed = (message: string) => new ChittiError('SIGNING_FAILED', message);

/**
 * Opens the PKCS#12 file and checks what signing will need, before any work
 * is done: the passphrase, an RSA private key with its certificate, and that
 * the certificate is valid now. Returns the signer's name (the certificate's
 * common name).
 */
export function checkSigningKey(key: SigningKey, now: Date): { signer: string } {
  let p12: forge.pkcs12.Pkcs12Pfx;
  try {
    const der = forge.util.createBuffer(Buffer.from(key.p12).toString('binary'));
    p12 = forge.pkcs12.pkcs12FromAsn1(forge.asn1.fromDer(der), false, key.passphrase);
  } catch (e) {
    const text = e instanceof Error ? e.message : '';
    if (/MAC could not be verified|invalid password|decrypt/i.test(text)) {
      throw failed('The passphrase does not open this PKCS#12 file. Nothing was signed or written.');
    }
    throw failed('The signing file is not a PKCS#12 (.p12/.pfx) file Chitti can read. Nothing was signed or written.');
  }
  // P12Signer signs with a shrouded (encrypted) RSA key and the certificate of that key.
  const keys = p12.getBags({ bagType: SHROUDED_KEY_BAG })[SHROUDED_KEY_BAG] ?? [];
  const privateKey = keys[0]?.key;
  if (!privateKey || !('n' in privateKey)) {
    throw failed('The PKCS#12 file holds no encrypted RSA private key (Chitti signs with RSA keys). Nothing was signed or written.');
  }
  const certs = (p12.getBags({ bagType: CERT_BAG })[CERT_BAG] ?? []).map((b) => b.cert).filter((c) => c !== undefined);
  const cert = certs.find((c) => {
    const pub = c.publicKey as forge.pki.rsa.PublicKey;
    return pub.n !== undefined && pub.n.compareTo(privateKey.n) === 0 && pub.e.compareTo(privateKey.e) === 0;
  });
  if (!cert) throw failed('The PKCS#12 file has no certificate for its private key. Nothing was signed or written.');
  const day = (d: Date) => d.toISOString().slice(0, 10);
  if (now < cert.validity.notBefore) throw failed(`The signing certificate is valid only from ${day(cert.validity.notBefore)}. Nothing was signed or written.`);
  if (now > cert.validity.notAfter) throw failed(`The signing certificate expired on ${day(cert.validity.notAfter)}. Nothing was signed or written.`);
  const cn = cert.subject.getField('CN') as { value?: unknown } | null;
  return { signer: typeof cn?.value === 'string' && cn.value ? cn.value : 'the holder of the signing certificate' };
}

/** The empty signature field a signed report is rendered with (on its last page, invisible). */
export function signatureSlot(o: { signer: string; reason: string; location: string; at: Date }): SignatureSlot {
  return {
    signer: o.signer,
    addPlaceholder(doc) {
      pdfkitAddPlaceholder({
        pdf: doc,
        pdfBuffer: Buffer.alloc(0),
        reason: o.reason,
        contactInfo: '',
        name: o.signer,
        location: o.location,
        signingTime: o.at,
        signatureLength: SIGNATURE_BYTES,
        subFilter: SUBFILTER_ETSI_CADES_DETACHED,
        appName: 'Chitti',
      });
    },
  };
}

/** Signs a PDF rendered with `signatureSlot`. */
export async function signPdf(pdf: Buffer, key: SigningKey, at: Date): Promise<Buffer> {
  try {
    // A P12Signer signs once: a new one for every report.
    const signer = new P12Signer(Buffer.from(key.p12), { passphrase: key.passphrase });
    return await new SignPdf().sign(pdf, signer, at);
  } catch (_e) {
    // The library's messages are not meant for users (and the file was checked already): say what happened.
    throw failed('The report could not be signed with this PKCS#12 file. Nothing was written.');
  }
}
