import { createHash, webcrypto, type KeyObject } from 'node:crypto';
import { Signer } from '@signpdf/utils';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';

/**
 * The CMS of a PAdES baseline B-B signature (ETSI EN 319 142-1, with the CAdES
 * baseline rules of EN 319 122-1): a detached SignedData over the PDF's signed
 * byte range, SHA-256, whose signed attributes are exactly
 *
 * - content-type (id-data),
 * - message-digest (SHA-256 of the signed bytes),
 * - ESS signing-certificate-v2 (RFC 5035: the SHA-256 of the signer's
 *   certificate and its issuer and serial number), which binds the signature
 *   to that certificate so that it cannot be swapped for another one with the
 *   same key;
 *
 * and no signing-time attribute: in PAdES the claimed time is the signature
 * dictionary's /M. The signer's certificate, then the rest of the chain from
 * the PKCS#12, go in the certificates set. Built with pkijs on Node's
 * WebCrypto, offline (no timestamp, no revocation data: that is B-T and up).
 */

/** What a signature is made with: the private key and the certificates, the signer's first (DER). */
export interface SignatureMaterial {
  privateKey: KeyObject;
  certificates: Uint8Array[];
}

const OID = {
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingCertificateV2: '1.2.840.113549.1.9.16.2.47',
} as const;

/** The key algorithms Chitti signs with, as WebCrypto imports them. */
function webCryptoAlgorithm(key: KeyObject): webcrypto.RsaHashedImportParams | webcrypto.EcKeyImportParams {
  if (key.asymmetricKeyType === 'rsa') return { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
  if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') return { name: 'ECDSA', namedCurve: 'P-256' };
  throw new Error(`unsupported key: ${key.asymmetricKeyType ?? 'unknown'}`);
}

/** Whether the key is one Chitti signs with: RSA (PKCS#1 v1.5), or ECDSA on P-256. */
export function isSupportedKey(key: KeyObject): boolean {
  try {
    webCryptoAlgorithm(key);
    return true;
  } catch {
    return false;
  }
}

const sha256 = (bytes: Uint8Array) => new Uint8Array(createHash('sha256').update(bytes).digest());

/** RFC 5035 SigningCertificateV2 with one ESSCertIDv2 (hashAlgorithm left out: SHA-256 is its DEFAULT, so DER omits it). */
function signingCertificateV2(cert: pkijs.Certificate, der: Uint8Array): asn1js.Sequence {
  const issuerSerial = new asn1js.Sequence({
    value: [
      new pkijs.GeneralNames({ names: [new pkijs.GeneralName({ type: 4, value: cert.issuer })] }).toSchema(),
      new asn1js.Integer({ valueHex: cert.serialNumber.valueBlock.valueHexView }),
    ],
  });
  const essCertIdV2 = new asn1js.Sequence({ value: [new asn1js.OctetString({ valueHex: sha256(der) }), issuerSerial] });
  return new asn1js.Sequence({ value: [new asn1js.Sequence({ value: [essCertIdV2] })] });
}

/** A DER SET OF is sorted by its elements' encodings. */
function derSorted(attributes: pkijs.Attribute[]): pkijs.Attribute[] {
  const encoded = attributes.map((a) => ({ a, der: Buffer.from(a.toSchema().toBER()) }));
  return encoded.sort((x, y) => Buffer.compare(x.der, y.der)).map((e) => e.a);
}

/** The CMS (DER ContentInfo) of a PAdES-B-B signature of `signed`, the PDF without its /Contents. */
export async function padesCms(signed: Uint8Array, material: SignatureMaterial): Promise<Buffer> {
  const [signerDer, ...chainDer] = material.certificates;
  if (!signerDer) throw new Error('no signer certificate');
  const signerCert = pkijs.Certificate.fromBER(signerDer);
  // The certificate goes into the CMS as it is encoded here: it must be the bytes that were hashed.
  if (Buffer.compare(Buffer.from(signerCert.toSchema().toBER()), Buffer.from(signerDer)) !== 0) throw new Error('certificate does not re-encode');

  const engine = new pkijs.CryptoEngine({ name: 'node', crypto: webcrypto });
  const privateKey = await webcrypto.subtle.importKey(
    'pkcs8',
    material.privateKey.export({ format: 'der', type: 'pkcs8' }),
    webCryptoAlgorithm(material.privateKey),
    false,
    ['sign'],
  );

  const attributes = derSorted([
    new pkijs.Attribute({ type: OID.contentType, values: [new asn1js.ObjectIdentifier({ value: OID.data })] }),
    new pkijs.Attribute({ type: OID.messageDigest, values: [new asn1js.OctetString({ valueHex: sha256(signed) })] }),
    new pkijs.Attribute({ type: OID.signingCertificateV2, values: [signingCertificateV2(signerCert, signerDer)] }),
  ]);
  const cms = new pkijs.SignedData({
    version: 1,
    encapContentInfo: new pkijs.EncapsulatedContentInfo({ eContentType: OID.data }), // detached: no eContent
    signerInfos: [
      new pkijs.SignerInfo({
        version: 1,
        sid: new pkijs.IssuerAndSerialNumber({ issuer: signerCert.issuer, serialNumber: signerCert.serialNumber }),
        signedAttrs: new pkijs.SignedAndUnsignedAttributes({ type: 0, attributes }),
      }),
    ],
    certificates: [signerCert, ...chainDer.map((der) => pkijs.Certificate.fromBER(der))],
  });
  await cms.sign(privateKey, 0, 'SHA-256', undefined, engine);
  const contentInfo = new pkijs.ContentInfo({ contentType: OID.signedData, content: cms.toSchema(true) });
  return Buffer.from(contentInfo.toSchema().toBER());
}

/**
 * A @signpdf signer that makes PAdES-B-B signatures. The signing time SignPdf
 * passes is not put in the CMS (B-B forbids the signing-time attribute): the
 * placeholder wrote it as the signature dictionary's /M.
 */
export class PadesSigner extends Signer {
  constructor(private readonly material: SignatureMaterial) {
    super();
  }

  override async sign(pdfBuffer: Buffer): Promise<Buffer> {
    return padesCms(pdfBuffer, this.material);
  }
}
