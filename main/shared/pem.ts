/** True when a PEM private key needs a passphrase (PKCS#8 encrypted, or the old OpenSSL Proc-Type form). */
export function isEncryptedPemKey(pem: string): boolean {
  return pem.includes('-----BEGIN ENCRYPTED PRIVATE KEY-----') || /Proc-Type:\s*4,\s*ENCRYPTED/i.test(pem);
}
