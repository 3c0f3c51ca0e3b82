/**
 * Walks through setting up mailboxes the way the app will (settings, keychain,
 * certificate import) and then reads every file in the data folder, looking
 * for any secret in any common encoding. Needs a real keychain
 * (`node scripts/with-keyring.mjs …`).
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importCertificate } from '../../../main/certs/import';
import { SecretStore } from '../../../main/secrets/keychain';
import { SettingsStore } from '../../../main/settings/store';
import { createCa, issueCertificate, toPfx } from '../../support/pki';
import { writeFile } from 'node:fs/promises';

const secrets = new SecretStore({ service: `MESH Desktop test ${randomUUID()}` });
let dataDir: string;
let sourceDir: string;
const profileIds: string[] = [];

const SECRETS = {
  mailboxPassword: 'Mailbox-Pa55word-7731',
  keyPassphrase: 'key passphrase 4410',
  pfxPassphrase: 'pfx-passphrase-9902',
  sharedSecret: 'EnvSharedSecret-2231',
  proxyPassword: 'Proxy!Password#5150',
};

async function allFiles(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { withFileTypes: true, recursive: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => path.join(entry.parentPath, entry.name));
}

function encodings(secret: string): Buffer[] {
  return [
    Buffer.from(secret, 'utf8'),
    Buffer.from(secret, 'utf16le'),
    Buffer.from(Buffer.from(secret, 'utf8').toString('base64'), 'utf8'),
    Buffer.from(Buffer.from(secret, 'utf8').toString('hex'), 'utf8'),
    Buffer.from(JSON.stringify(secret), 'utf8'),
  ];
}

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'mesh-no-secrets-data-'));
  sourceDir = await mkdtemp(path.join(tmpdir(), 'mesh-no-secrets-src-'));
});

afterAll(async () => {
  for (const id of profileIds) await secrets.deleteAllFor(id);
  await secrets.delete({ kind: 'environment-shared-secret', environment: 'INT' });
  await secrets.delete({ kind: 'proxy-password' });
  await rm(dataDir, { recursive: true, force: true });
  await rm(sourceDir, { recursive: true, force: true });
});

describe('the data folder after a full set-up', () => {
  it('holds no password, passphrase or shared secret in any file', async () => {
    const store = await SettingsStore.open(dataDir);
    const ca = createCa({ commonName: 'NHS INT Authentication G2' });

    // Mailbox 1: PEM certificate with an encrypted key.
    const first = await store.addMailbox({ environment: 'INT', mailboxId: 'X26ABC1', displayName: 'Pathology', downloadFolder: '/in' });
    profileIds.push(first.id);
    const pem = issueCertificate(ca, {
      commonName: 'SERVER001.X26.api.mesh-client.nhs.uk',
      kind: 'client',
      keyPassphrase: SECRETS.keyPassphrase,
    });
    await writeFile(path.join(sourceDir, 'client.pem'), pem.certPem);
    await writeFile(path.join(sourceDir, 'client.key'), pem.keyPem);
    const imported = await importCertificate({
      dataDir,
      profileId: first.id,
      secrets,
      environment: 'INT',
      input: {
        kind: 'pem',
        certFile: path.join(sourceDir, 'client.pem'),
        keyFile: path.join(sourceDir, 'client.key'),
        passphrase: SECRETS.keyPassphrase,
      },
    });
    await store.updateMailbox(first.id, { certificate: imported.certificate });
    await secrets.set({ kind: 'mailbox-password', profileId: first.id }, SECRETS.mailboxPassword);

    // Mailbox 2: PFX.
    const second = await store.addMailbox({ environment: 'INT', mailboxId: 'X26ABC2', displayName: 'Radiology', downloadFolder: '/in2' });
    profileIds.push(second.id);
    const other = issueCertificate(ca, { commonName: 'SERVER002.X26.api.mesh-client.nhs.uk', kind: 'client' });
    await writeFile(path.join(sourceDir, 'client.pfx'), toPfx(other, ca, SECRETS.pfxPassphrase));
    const bundle = await importCertificate({
      dataDir,
      profileId: second.id,
      secrets,
      input: { kind: 'pfx', file: path.join(sourceDir, 'client.pfx'), passphrase: SECRETS.pfxPassphrase },
    });
    await store.updateMailbox(second.id, { certificate: bundle.certificate });
    await secrets.set({ kind: 'mailbox-password', profileId: second.id }, SECRETS.mailboxPassword);

    await secrets.set({ kind: 'environment-shared-secret', environment: 'INT' }, SECRETS.sharedSecret);
    await store.setProxy({ mode: 'manual', url: 'http://proxy.trust.nhs.uk:8080', username: 'jbloggs' });
    await secrets.set({ kind: 'proxy-password' }, SECRETS.proxyPassword);

    // The secrets really are in the keychain…
    expect(await secrets.get({ kind: 'certificate-passphrase', profileId: first.id })).toBe(SECRETS.keyPassphrase);
    expect(await secrets.get({ kind: 'certificate-passphrase', profileId: second.id })).toBe(SECRETS.pfxPassphrase);
    expect(await secrets.get({ kind: 'proxy-password' })).toBe(SECRETS.proxyPassword);

    // …and the data folder has settings and certificates, but none of them.
    const files = await allFiles(dataDir);
    expect(files.map((file) => path.relative(dataDir, file)).sort()).toEqual(
      [
        path.join('certificates', first.id, 'certificate.pem'),
        path.join('certificates', first.id, 'private-key.pem'),
        path.join('certificates', second.id, 'certificate.pfx'),
        'settings.json',
      ].sort(),
    );
    for (const file of files) {
      const contents = await readFile(file);
      for (const [name, secret] of Object.entries(SECRETS)) {
        for (const encoded of encodings(secret)) {
          expect(contents.includes(encoded), `${name} found in ${file}`).toBe(false);
        }
      }
    }
    const settingsText = await readFile(path.join(dataDir, 'settings.json'), 'utf8');
    // No key in the JSON even names a secret.
    expect(settingsText).not.toMatch(/"[^"]*(password|passphrase|secret)[^"]*"\s*:/i);
    expect(settingsText).toContain('jbloggs');
  });
});
