import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MeshClient } from '../../../main/mesh/client';
import { issueCertificate, toPfx } from '../../support/pki';
import { RECIPIENT, SENDER, SHARED_KEY, WORKFLOW, startTestbed, type MeshTestbed } from './sandbox-fixture';

let bed: MeshTestbed;

beforeAll(async () => {
  bed = await startTestbed();
});
afterAll(async () => {
  await bed?.close();
});

function clientWith(tls: ConstructorParameters<typeof MeshClient>[0]['tls']): MeshClient {
  return bed.client(SENDER, { tls: { environmentCaPems: [bed.pki.ca.certPem], useSystemStore: false, ...tls } });
}

async function smallFile(): Promise<string> {
  const path = join(bed.dir, 'tls.txt');
  await writeFile(path, 'tls test');
  return path;
}

describe('client certificate', () => {
  it('connects with a PEM certificate and key', async () => {
    await expect(bed.client(SENDER).handshake()).resolves.toBeUndefined();
  });

  it('connects with a PFX bundle and its passphrase', async () => {
    const pfx = toPfx(bed.pki.client, bed.pki.ca, 'pfx-secret');
    await expect(clientWith({ clientCertificate: { kind: 'pfx', pfx, passphrase: 'pfx-secret' } }).handshake()).resolves.toBeUndefined();
  });

  it('connects with an encrypted key and its passphrase', async () => {
    const encrypted = issueCertificate(bed.pki.ca, {
      commonName: 'ENC.X26.api.mesh-client.nhs.uk',
      kind: 'client',
      keyPassphrase: 'key-secret',
    });
    const client = clientWith({
      clientCertificate: { kind: 'pem', certificatePem: encrypted.certPem, privateKeyPem: encrypted.keyPem, passphrase: 'key-secret' },
    });
    await expect(client.listInbox()).resolves.toMatchObject({ messageIds: expect.any(Array) });
  });

  it('is refused in the TLS handshake when missing', async () => {
    const client = clientWith({});
    await expect(client.handshake()).rejects.toMatchObject({ code: 'client-certificate-missing' });
    await expect(client.listInbox()).rejects.toMatchObject({ code: 'client-certificate-missing' });
  });

  it('is refused when signed by another CA', async () => {
    const client = clientWith({
      clientCertificate: { kind: 'pem', certificatePem: bed.pki.otherClient.certPem, privateKeyPem: bed.pki.otherClient.keyPem },
    });
    await expect(client.handshake()).rejects.toMatchObject({ code: 'client-certificate-rejected' });
  });

  it('is refused when expired', async () => {
    const expired = issueCertificate(bed.pki.ca, {
      commonName: 'OLD.X26.api.mesh-client.nhs.uk',
      kind: 'client',
      notBefore: new Date(Date.now() - 400 * 86_400_000),
      notAfter: new Date(Date.now() - 30 * 86_400_000),
    });
    const client = clientWith({ clientCertificate: { kind: 'pem', certificatePem: expired.certPem, privateKeyPem: expired.keyPem } });
    await expect(client.handshake()).rejects.toMatchObject({ code: 'client-certificate-expired' });
  });

  it('a refused first POST is reported as a certificate problem, not as an unknown outcome', async () => {
    const client = clientWith({});
    const error = await client.sendFile(await smallFile(), { to: RECIPIENT, workflowId: WORKFLOW }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'client-certificate-missing' });
    expect(bed.sandbox.outbox(SENDER)).toEqual([]);
  });
});

describe('server certificate', () => {
  it('is refused by the client when no trusted CA signed it, naming what to add', async () => {
    const client = bed.client(SENDER, {
      tls: {
        clientCertificate: { kind: 'pem', certificatePem: bed.pki.client.certPem, privateKeyPem: bed.pki.client.keyPem },
        environmentCaPems: [bed.pki.otherCa.certPem],
        useSystemStore: false,
      },
    });
    const error = await client.handshake().catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'server-certificate-untrusted' });
    expect((error as Error).message).toContain('certificate authority');
  });

  it('is refused when the client trusts nothing at all', async () => {
    const client = new MeshClient({
      baseUrl: bed.sandbox.url,
      mailboxId: SENDER,
      password: 'password',
      sharedKey: SHARED_KEY,
      tls: {
        clientCertificate: { kind: 'pem', certificatePem: bed.pki.client.certPem, privateKeyPem: bed.pki.client.keyPem },
        useSystemStore: false,
      },
      proxy: 'direct',
      clientVersion: 'test',
    });
    try {
      await expect(client.listInbox()).rejects.toMatchObject({ code: 'server-certificate-untrusted' });
    } finally {
      client.close();
    }
  });

  it('a first POST refused for the server certificate is known not to have been sent', async () => {
    const client = bed.client(SENDER, {
      tls: {
        clientCertificate: { kind: 'pem', certificatePem: bed.pki.client.certPem, privateKeyPem: bed.pki.client.keyPem },
        environmentCaPems: [bed.pki.otherCa.certPem],
        useSystemStore: false,
      },
    });
    await expect(client.sendFile(await smallFile(), { to: RECIPIENT, workflowId: WORKFLOW })).rejects.toMatchObject({
      code: 'server-certificate-untrusted',
    });
  });
});

describe('base URL', () => {
  it('refuses plain http to anything but this computer', () => {
    expect(() => bed.client(SENDER, { baseUrl: 'http://mesh.example.nhs.uk' })).toThrow(
      expect.objectContaining({ code: 'invalid-argument' }),
    );
  });
});
