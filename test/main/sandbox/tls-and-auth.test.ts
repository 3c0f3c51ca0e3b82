import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authHash, createAuthHeader } from '../../../main/mesh/auth';
import { startSandbox } from '../../../main/sandbox/index';
import { NHS_SANDBOX_MAILBOXES, SHARED_KEY, type MeshFixture, startNhsSandboxFixture, sharedTestPki } from '../../support/mesh-fixture';
import { meshRequest } from './mesh-http';

const handshakeHeaders = { 'mex-ClientVersion': 'ApiDocs==0.0.1', 'mex-OSName': 'Linux', 'mex-OSVersion': '#44~18.04.2-Ubuntu' };

function handshake(target: MeshFixture, extra: Partial<Parameters<typeof meshRequest>[1]> = {}) {
  return meshRequest(target, {
    method: 'POST',
    path: '/messageexchange/X26ABC1',
    as: 'X26ABC1',
    headers: handshakeHeaders,
    ...extra,
  });
}

describe('mutual TLS', () => {
  let target: MeshFixture;
  beforeAll(async () => {
    target = await startNhsSandboxFixture();
  });
  afterAll(async () => {
    await target.close();
  });

  it('accepts a client certificate from the trusted CA', async () => {
    expect(target.sandbox.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect((await handshake(target)).status).toBe(200);
  });

  it('refuses a connection without a client certificate in the TLS handshake', async () => {
    await expect(handshake(target, { tls: { ca: target.pki.ca.certPem } })).rejects.toThrow(/certificate required/i);
  });

  it('refuses a client certificate from another CA in the TLS handshake', async () => {
    const { otherClient } = target.pki;
    await expect(
      handshake(target, { tls: { ca: target.pki.ca.certPem, cert: otherClient.certPem, key: otherClient.keyPem } }),
      // Under TLS 1.3 the client has finished its side when the server's "unknown CA" alert
      // arrives, so node reports it as a reset rather than the alert itself.
    ).rejects.toThrow(/unknown ca|socket hang up/i);
  });
});

describe('client certificates optional', () => {
  let target: MeshFixture;
  beforeAll(async () => {
    target = await startNhsSandboxFixture({ clientCertificates: 'optional' });
  });
  afterAll(async () => {
    await target.close();
  });

  it('lets a client without a certificate in', async () => {
    expect((await handshake(target, { tls: { ca: target.pki.ca.certPem } })).status).toBe(200);
  });

  it('answers 403 to a certificate from another CA', async () => {
    const { otherClient } = target.pki;
    const response = await handshake(target, {
      tls: { ca: target.pki.ca.certPem, cert: otherClient.certPem, key: otherClient.keyPem },
    });
    expect(response.status).toBe(403);
  });
});

describe('server options', () => {
  it('serves plain HTTP without tls, like the NHS sandbox', async () => {
    const sandbox = await startSandbox({ sharedKey: SHARED_KEY, mailboxes: NHS_SANDBOX_MAILBOXES });
    try {
      expect(sandbox.url).toMatch(/^http:\/\//);
      const response = await meshRequest({ sandbox, sharedKey: SHARED_KEY } as MeshFixture, {
        path: '/messageexchange/_ping',
      });
      expect(response.json()).toEqual({ env: 'local', build_label: 'latest', status: 'running', outcome: 'Yes' });
    } finally {
      await sandbox.close();
    }
  });

  it.each(['0.0.0.0', '192.168.1.10', 'example.org', '::'])('refuses to listen on %s', async (host) => {
    await expect(startSandbox({ host, sharedKey: 'k', mailboxes: [] })).rejects.toMatchObject({ code: 'invalid-argument' });
  });

  it('needs a client CA when client certificates are required', async () => {
    const pki = await sharedTestPki();
    await expect(
      startSandbox({
        sharedKey: 'k',
        mailboxes: [],
        tls: { cert: pki.server.certPem, key: pki.server.keyPem, clientCertificates: 'required' },
      }),
    ).rejects.toMatchObject({ code: 'invalid-argument' });
  });
});

describe('handshake', () => {
  let target: MeshFixture;
  beforeAll(async () => {
    target = await startNhsSandboxFixture();
  });
  afterAll(async () => {
    await target.close();
  });

  it('answers v2 with an empty 200 and records the client details', async () => {
    const response = await handshake(target, {
      headers: { ...handshakeHeaders, 'mex-OSArchitecture': 'x86_64', 'mex-JavaVersion': 'N/A' },
    });
    expect(response.status).toBe(200);
    expect(response.body.length).toBe(0);
    expect(target.sandbox.lastHandshake('X26ABC1')).toMatchObject({
      clientVersion: 'ApiDocs==0.0.1',
      osName: 'Linux',
      osVersion: '#44~18.04.2-Ubuntu',
      osArchitecture: 'x86_64',
      javaVersion: 'N/A',
    });
  });

  it('answers v1 with the mailbox id', async () => {
    const response = await handshake(target, { accept: 'application/json' });
    expect(response.json()).toEqual({ mailboxId: 'X26ABC1' });
  });

  it('accepts GET as the sandbox does', async () => {
    expect((await handshake(target, { method: 'GET' })).status).toBe(200);
  });

  it('lists every missing required header in a 400 validation body', async () => {
    const response = await handshake(target, { headers: { 'mex-OSName': 'Linux' } });
    expect(response.status).toBe(400);
    expect(response.json()).toEqual({
      detail: [
        { loc: ['header', 'mex-clientversion'], msg: 'field required', type: 'value_error.missing' },
        { loc: ['header', 'mex-osversion'], msg: 'field required', type: 'value_error.missing' },
      ],
    });
  });
});

describe('Accept header', () => {
  let target: MeshFixture;
  beforeAll(async () => {
    target = await startNhsSandboxFixture();
  });
  afterAll(async () => {
    await target.close();
  });

  it('answers 400 with a v1 body for a comma list containing the MESH type', async () => {
    const response = await handshake(target, { accept: 'application/vnd.mesh.v2+json, */*' });
    expect(response.status).toBe(400);
    expect(response.json()).toEqual({ errorEvent: '', errorCode: '', errorDescription: 'Accept header api format incorrect' });
  });

  it('treats upper case as v1, as the sandbox does', async () => {
    const response = await handshake(target, { accept: 'APPLICATION/VND.MESH.V2+JSON' });
    expect(response.json()).toEqual({ mailboxId: 'X26ABC1' });
  });

  it('accepts a quality parameter', async () => {
    const response = await handshake(target, { accept: 'application/vnd.mesh.v2+json;q=0.9' });
    expect(response.body.length).toBe(0);
  });
});

describe('authentication (full mode)', () => {
  let target: MeshFixture;
  beforeAll(async () => {
    target = await startNhsSandboxFixture();
  });
  afterAll(async () => {
    await target.close();
  });

  const inbox = (extra: Partial<Parameters<typeof meshRequest>[1]>) =>
    meshRequest(target, { path: '/messageexchange/X26ABC1/inbox', ...extra });

  const token = (options: Partial<Parameters<typeof createAuthHeader>[0]> = {}) =>
    createAuthHeader({
      mailboxId: 'X26ABC1',
      password: 'password',
      sharedKey: SHARED_KEY,
      now: target.sandbox.now(),
      ...options,
    });

  it('refuses a request without Authorization', async () => {
    const response = await inbox({});
    expect(response.status).toBe(403);
    expect(response.json()).toEqual({
      detail: [{ event: '', code: '', msg: 'Error reading from Authorization header' }],
    });
  });

  it('refuses a header that is not an NHSMESH token', async () => {
    const response = await inbox({ authorization: 'Basic abc' });
    expect(response.status).toBe(403);
    expect(response.json().detail[0].msg).toBe('Error reading from Authorization header');
  });

  it('refuses a wrong password', async () => {
    const response = await inbox({ authorization: token({ password: 'wrong' }) });
    expect(response.status).toBe(403);
    expect(response.json().detail[0].msg).toBe('Invalid Authentication Token');
  });

  it('refuses a wrong shared key', async () => {
    expect((await inbox({ authorization: token({ sharedKey: 'Banana' }) })).status).toBe(403);
  });

  it('refuses a token for another mailbox', async () => {
    const response = await inbox({ authorization: token({ mailboxId: 'X26ABC2' }) });
    expect(response.status).toBe(403);
    expect(response.json().detail[0].msg).toBe('Mailbox id does not match token');
  });

  it('refuses an unknown mailbox with EPL-151', async () => {
    const response = await meshRequest(target, { path: '/messageexchange/NOBODY/inbox', as: 'NOBODY' });
    expect(response.status).toBe(403);
    expect(response.json().detail[0]).toEqual({ event: 'SEND', code: 'EPL-151', msg: 'No mailbox matched' });
  });

  it('accepts a scheme in any case and an upper-case hash', async () => {
    const header = token();
    const [, rest] = header.split(' ');
    const parts = rest!.split(':');
    parts[4] = parts[4]!.toUpperCase();
    expect((await inbox({ authorization: `nhsmesh ${parts.join(':')}` })).status).toBe(200);
  });

  it('refuses a token used twice', async () => {
    const header = token({ nonce: 'fixed-nonce-1' });
    expect((await inbox({ authorization: header })).status).toBe(200);
    const again = await inbox({ authorization: header });
    expect(again.status).toBe(403);
    expect(again.json().detail[0].msg).toBe('Error Duplicated Authentication Token');
  });

  it('accepts the same nonce with a higher count', async () => {
    expect((await inbox({ authorization: token({ nonce: 'counted', nonceCount: 0 }) })).status).toBe(200);
    expect((await inbox({ authorization: token({ nonce: 'counted', nonceCount: 1 }) })).status).toBe(200);
  });

  it('accepts a timestamp just inside two hours and refuses one outside', async () => {
    const now = target.sandbox.now().getTime();
    const inside = await inbox({ authorization: token({ now: new Date(now - 119 * 60 * 1000) }) });
    expect(inside.status).toBe(200);
    const outside = await inbox({ authorization: token({ now: new Date(now + 125 * 60 * 1000) }) });
    expect(outside.status).toBe(403);
    expect(outside.json().detail[0].msg).toBe('Invalid Authentication Token');
  });

  it('refuses an impossible timestamp even with a correct hash', async () => {
    const hash = authHash(SHARED_KEY, 'X26ABC1', 'impossible', '0', 'password', '202613011200');
    const response = await inbox({ authorization: `NHSMESH X26ABC1:impossible:0:202613011200:${hash}` });
    expect(response.status).toBe(403);
    expect(response.json().detail[0].msg).toBe('Invalid Authentication Token');
  });
});

describe('authentication options', () => {
  it('accepts old and reused tokens when the checks are off (NHS sandbox behaviour)', async () => {
    const target = await startNhsSandboxFixture({ auth: { mode: 'full', checkTimestamp: false, rejectReusedTokens: false } });
    try {
      const header = createAuthHeader({
        mailboxId: 'X26ABC1',
        password: 'password',
        sharedKey: SHARED_KEY,
        now: new Date('2015-11-20T10:38:00Z'),
        nonce: 'reused',
      });
      const request = () => meshRequest(target, { path: '/messageexchange/X26ABC1/inbox', authorization: header });
      expect((await request()).status).toBe(200);
      expect((await request()).status).toBe(200);
    } finally {
      await target.close();
    }
  });

  it('needs no header in mode none, but the mailbox must exist', async () => {
    const target = await startNhsSandboxFixture({ auth: { mode: 'none' } });
    try {
      expect((await meshRequest(target, { path: '/messageexchange/X26ABC1/inbox' })).status).toBe(200);
      expect((await meshRequest(target, { path: '/messageexchange/NOBODY/inbox' })).status).toBe(403);
    } finally {
      await target.close();
    }
  });

  it('refuses an inactive mailbox', async () => {
    const target = await startNhsSandboxFixture({
      mailboxes: [...NHS_SANDBOX_MAILBOXES.slice(0, 2), { ...NHS_SANDBOX_MAILBOXES[2]!, active: false }],
    });
    try {
      const response = await meshRequest(target, { path: '/messageexchange/X26ABC3/inbox', as: 'X26ABC3' });
      expect(response.status).toBe(403);
      expect(response.json().detail[0].msg).toBe('Request Received from Inactive Mailbox');
    } finally {
      await target.close();
    }
  });
});
