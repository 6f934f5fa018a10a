import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { pdfkitAddPlaceholder } from '@signpdf/placeholder-pdfkit';
import { SignPdf } from '@signpdf/signpdf';
import { SUBFILTER_ETSI_CADES_DETACHED } from '@signpdf/utils';
import forge from 'node-forge';
import * as pkijs from 'pkijs';
import { ChittiError } from '../app/errors.ts';
import { isSupportedKey, PadesSigner, type SignatureMaterial } from './pades-signer.ts';
import type { SignatureSlot } from './render-pdf.ts';

/**
 * Digital signatures of PDF reports: PAdES baseline B-B (a CAdES detached
 * signature, SHA-256, with the ESS signing-certificate-v2 attribute, in a
 * signature field; see pades-signer.ts and docs/adr/0015), with a PKCS#12
 * file the user chooses: an RSA key, or an ECDSA key on P-256. The
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
const KEY_BAG = '1.2.840.113549.1.12.10.1.1';
const SHROUDED_KEY_BAG = '1.2.840.113549.1.12.10.1.2';
const CERT_BAG = '1.2.840.113549.1.12.10.1.3';
const COMMON_NAME = '2.5.4.3';

const failed = (message: string) => new ChittiError('SIGNING_FAILED', message);

/** A PKCS#12 file, opened: what a signature is made with, and the signer's certificate. */
interface OpenedKey extends SignatureMaterial {
  certificate: pkijs.Certificate;
}

/** A DER encoding of a node-forge ASN.1 value. */
const der = (asn1: forge.asn1.Asn1) => new Uint8Array(Buffer.from(forge.asn1.toDer(asn1).getBytes(), 'binary'));

/**
 * Opens the PKCS#12 file with node-forge (which reads both the current
 * PBES2/AES files and the older 3DES/RC2 ones), then hands the key and the
 * certificates to node:crypto and pkijs: forge itself reads only RSA keys
 * and certificates, and leaves the others to us as ASN.1.
 */
function openKey(key: SigningKey): OpenedKey {
  let p12: forge.pkcs12.Pkcs12Pfx;
  try {
    const buffer = forge.util.createBuffer(Buffer.from(key.p12).toString('binary'));
    p12 = forge.pkcs12.pkcs12FromAsn1(forge.asn1.fromDer(buffer), false, key.passphrase);
  } catch (e) {
    const text = e instanceof Error ? e.message : '';
    if (/MAC could not be verified|invalid password|decrypt/i.test(text)) {
      throw failed('The passphrase does not open this PKCS#12 file. Nothing was signed or written.');
    }
    throw failed('The signing file is not a PKCS#12 (.p12/.pfx) file Chitti can read. Nothing was signed or written.');
  }
  const noKey = () => failed('The PKCS#12 file holds no private key Chitti can sign with (an RSA key, or an ECDSA key on P-256). Nothing was signed or written.');
  const bags = [...(p12.getBags({ bagType: SHROUDED_KEY_BAG })[SHROUDED_KEY_BAG] ?? []), ...(p12.getBags({ bagType: KEY_BAG })[KEY_BAG] ?? [])];
  const keyBag = bags[0];
  // forge parses RSA keys; it leaves any other PrivateKeyInfo as ASN.1.
  const pkcs8 = keyBag?.key ? der(forge.pki.wrapRsaPrivateKey(forge.pki.privateKeyToAsn1(keyBag.key))) : keyBag?.asn1 ? der(keyBag.asn1) : null;
  if (!pkcs8) throw noKey();
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey({ key: Buffer.from(pkcs8), format: 'der', type: 'pkcs8' });
  } catch {
    throw noKey();
  }
  if (!isSupportedKey(privateKey)) throw noKey();

  const certificates: Uint8Array[] = [];
  for (const bag of p12.getBags({ bagType: CERT_BAG })[CERT_BAG] ?? []) {
    // forge parses certificates with RSA keys (it re-encodes them exactly); others stay ASN.1.
    const bytes = bag.cert ? der(forge.pki.certificateToAsn1(bag.cert)) : bag.asn1 ? der(bag.asn1) : null;
    if (bytes) certificates.push(bytes);
  }
  const signerAt = certificates.findIndex((c) => {
    try {
      return new X509Certificate(c).checkPrivateKey(privateKey);
    } catch {
      return false;
    }
  });
  if (signerAt < 0) throw failed('The PKCS#12 file has no certificate for its private key. Nothing was signed or written.');
  const signer = certificates[signerAt]!;
  let certificate: pkijs.Certificate;
  try {
    certificate = pkijs.Certificate.fromBER(signer);
  } catch {
    throw failed('The certificate in the PKCS#12 file cannot be read. Nothing was signed or written.');
  }
  return { privateKey, certificates: [signer, ...certificates.filter((_, i) => i !== signerAt)], certificate };
}

/**
 * Opens the PKCS#12 file and checks what signing will need, before any work
 * is done: the passphrase, a private key Chitti can sign with and its
 * certificate, and that the certificate is valid now. Returns the signer's
 * name (the certificate's common name).
 */
export function checkSigningKey(key: SigningKey, now: Date): { signer: string } {
  const { certificate } = openKey(key);
  const notBefore = certificate.notBefore.value;
  const notAfter = certificate.notAfter.value;
  const day = (d: Date) => d.toISOString().slice(0, 10);
  if (now < notBefore) throw failed(`The signing certificate is valid only from ${day(notBefore)}. Nothing was signed or written.`);
  if (now > notAfter) throw failed(`The signing certificate expired on ${day(notAfter)}. Nothing was signed or written.`);
  const cn = certificate.subject.typesAndValues.find((t) => t.type === COMMON_NAME)?.value.valueBlock as { value?: unknown } | undefined;
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
    return await new SignPdf().sign(pdf, new PadesSigner(openKey(key)), at);
  } catch (_e) {
    // The library's messages are not meant for users (and the file was checked already): say what happened.
    throw failed('The report could not be signed with this PKCS#12 file. Nothing was written.');
  }
}
