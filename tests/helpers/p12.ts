import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import forge from 'node-forge';

/**
 * A self-signed signing certificate and its RSA key as a PKCS#12 file, made
 * with node-forge (which @signpdf uses). The key comes from node:crypto,
 * which is much faster than forge's own key generation.
 */
export function selfSignedP12(o: { commonName: string; passphrase: string; notBefore?: Date; notAfter?: Date }): Buffer {
  const { privateKey: pem } = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
  const key = forge.pki.privateKeyFromPem(pem);
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.setRsaPublicKey(key.n, key.e);
  cert.serialNumber = '01' + Date.now().toString(16);
  cert.validity.notBefore = o.notBefore ?? new Date(Date.now() - 86_400_000);
  cert.validity.notAfter = o.notAfter ?? new Date(Date.now() + 365 * 86_400_000);
  const name = [{ name: 'commonName', value: o.commonName }, { name: 'organizationName', value: 'Chitti tests' }];
  cert.setSubject(name);
  cert.setIssuer(name);
  cert.setExtensions([{ name: 'basicConstraints', cA: false }, { name: 'keyUsage', digitalSignature: true, nonRepudiation: true }]);
  cert.sign(key, forge.md.sha256.create());
  const asn1 = forge.pkcs12.toPkcs12Asn1(key, [cert], o.passphrase, { algorithm: 'aes256' });
  return Buffer.from(forge.asn1.toDer(asn1).getBytes(), 'binary');
}

/**
 * A PKCS#12 file made by the openssl command line, as a user's own tools
 * make them (OpenSSL 3's defaults: PBES2 with AES-256-CBC, an HMAC-SHA-256
 * MAC): a key of the given kind and its certificate, issued by a throwaway
 * RSA certificate authority whose certificate is in the file too. Returns
 * the file and the signer's certificate (DER), taken from openssl's own
 * files, to compare a signature's certificate hash with.
 */
export function opensslP12(o: { commonName: string; passphrase: string; key: 'rsa' | 'ec-p256' | 'ec-p384' }): { p12: Buffer; certificate: Buffer } {
  const dir = mkdtempSync(path.join(tmpdir(), 'chitti-p12-'));
  const at = (f: string) => path.join(dir, f);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, env: { ...process.env, P12_PASS: o.passphrase }, stdio: ['ignore', 'pipe', 'pipe'] });
  const serial = () => `0x${randomBytes(8).toString('hex')}`;
  try {
    openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', at('ca.key'), '-out', at('ca.crt'), '-days', '30', '-set_serial', serial(),
      '-subj', '/O=Chitti tests/CN=Chitti test CA', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign');
    const keyArgs = o.key === 'rsa' ? ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048'] : ['-algorithm', 'EC', '-pkeyopt', `ec_paramgen_curve:${o.key === 'ec-p256' ? 'P-256' : 'P-384'}`];
    openssl('genpkey', ...keyArgs, '-out', at('signer.key'));
    openssl('req', '-new', '-key', at('signer.key'), '-out', at('signer.csr'), '-subj', `/O=Chitti tests/CN=${o.commonName}`);
    writeFileSync(at('signer.ext'), 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,nonRepudiation\n');
    openssl('x509', '-req', '-in', at('signer.csr'), '-CA', at('ca.crt'), '-CAkey', at('ca.key'), '-set_serial', serial(), '-days', '30', '-extfile', at('signer.ext'), '-out', at('signer.crt'));
    openssl('pkcs12', '-export', '-inkey', at('signer.key'), '-in', at('signer.crt'), '-certfile', at('ca.crt'), '-name', o.commonName, '-passout', 'env:P12_PASS', '-out', at('signer.p12'));
    return { p12: readFileSync(at('signer.p12')), certificate: openssl('x509', '-in', at('signer.crt'), '-outform', 'DER') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
