// Who may drive the sandbox, over real sockets: the Host and Origin rule that
// keeps web pages (DNS rebinding, cross-site posts) out, and the per-run admin
// token, on the HTTPS emulator the tests use and on the in-app training sandbox.
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../main/log/logger';
import { createAuthHeader } from '../../../main/mesh/auth';
import { ADMIN_TOKEN_HEADER, startSandbox } from '../../../main/sandbox';
import { TRAINING_ADMIN_TOKEN_FILE, TrainingSandbox } from '../../../main/services/training';
import { httpRequestBytes, sendRaw } from '../../support/hostile-sockets';
import { NHS_SANDBOX_MAILBOXES, SHARED_KEY, startMeshFixture, type MeshFixture } from '../../support/mesh-fixture';
import { meshRequest, sendMessage } from './mesh-http';

let fixture: MeshFixture;
const logLines: string[] = [];

beforeAll(async () => {
  fixture = await startMeshFixture({ store: { kind: 'memory' }, log: (line) => logLines.push(line) });
});
afterAll(async () => {
  await fixture?.close();
});

const ADMIN_CALLS: Array<[string, string, unknown?]> = [
  ['GET', '/admin/faults'],
  ['POST', '/admin/faults', { kind: 'status', status: 500, match: { path: '^/nowhere$' } }],
  ['DELETE', '/admin/faults'],
  ['DELETE', '/admin/reset'],
  ['DELETE', '/messageexchange/admin/reset/X26ABC2'],
  ['GET', '/admin/clock'],
  ['POST', '/admin/expire'],
  ['GET', '/admin/mailbox/X26ABC1'],
  ['GET', '/messageexchange/mailbox/X26ABC1'],
];

describe('admin endpoints', () => {
  it('starts with a random token of its own and says so on the handle', () => {
    expect(fixture.sandbox.adminToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(fixture.adminHeaders()).toEqual({ [ADMIN_TOKEN_HEADER]: fixture.sandbox.adminToken });
  });

  it.each(ADMIN_CALLS)('refuses %s %s without the token, with a wrong one, and answers with the right one', async (method, path, body) => {
    const json = body === undefined ? {} : { body: JSON.stringify(body) };
    const without = await meshRequest(fixture, { method, path, adminToken: null, ...json });
    expect(without.status).toBe(403);
    expect(without.json().detail).toContain(ADMIN_TOKEN_HEADER);
    const wrong = await meshRequest(fixture, { method, path, adminToken: 'not-the-token', ...json });
    expect(wrong.status).toBe(403);
    const right = await meshRequest(fixture, { method, path, ...json });
    expect(right.status).toBe(200);
  });

  it('changes nothing when refused', async () => {
    const id = await sendMessage(fixture, 'X26ABC1', 'X26ABC2', 'kept');
    expect((await meshRequest(fixture, { method: 'DELETE', path: '/admin/reset', adminToken: null })).status).toBe(403);
    const fault = { kind: 'status', status: 503, match: { path: '/messageexchange/X26ABC1' } };
    const addFault = await meshRequest(fixture, { method: 'POST', path: '/admin/faults', adminToken: 'x', body: JSON.stringify(fault) });
    expect(addFault.status).toBe(403);
    expect(fixture.sandbox.inbox('X26ABC2')).toContain(id);
    expect(fixture.sandbox.faults.list()).toEqual([]);
    await fixture.handshake();
    expect(logLines.some((line) => line.includes(`refused admin DELETE "/admin/reset": no ${ADMIN_TOKEN_HEADER}`))).toBe(true);
    expect(logLines.some((line) => line.includes(`wrong ${ADMIN_TOKEN_HEADER}`))).toBe(true);
  });

  it.each(['/health', '/_ping', '/messageexchange/_ping'])('leaves %s open: MESH clients ping it', async (path) => {
    expect((await meshRequest(fixture, { path, adminToken: null, accept: null })).status).toBe(200);
  });

  it('leaves mailbox requests to their own Authorization', async () => {
    const response = await meshRequest(fixture, { path: '/messageexchange/X26ABC1/inbox', as: 'X26ABC1', adminToken: null });
    expect(response.status).toBe(200);
  });
});

describe('Host and Origin', () => {
  it.each([
    ['a mailbox request', 'GET', '/messageexchange/X26ABC1/inbox', true],
    ['an admin request with the right token', 'DELETE', '/admin/reset', false],
    ['a health check', 'GET', '/_ping', false],
  ])('refuses %s addressed to another host (DNS rebinding) with 421', async (_what, method, path, signed) => {
    const id = await sendMessage(fixture, 'X26ABC1', 'X26ABC2', 'still there');
    const headers: Record<string, string> = { ...fixture.adminHeaders(), Accept: 'application/vnd.mesh.v2+json' };
    if (signed) {
      headers.Authorization = createAuthHeader({ mailboxId: 'X26ABC1', password: 'password', sharedKey: SHARED_KEY, now: new Date() });
    }
    // Raw TLS: node:https would check the server certificate against the Host header, as a browser checks the name it dialled.
    const result = await sendRaw(
      fixture.socketTarget,
      httpRequestBytes({ method, path, host: `evil.example:${fixture.sandbox.port}`, headers }),
    );
    expect(result.status).toBe(421);
    expect(result.text).toMatch(/\r\nconnection: close\r\n/i);
    expect(result.text).toContain('own loopback address');
    expect(fixture.sandbox.inbox('X26ABC2')).toContain(id);
  });

  it('refuses a request from another site’s page with 403, even with the admin token', async () => {
    const response = await meshRequest(fixture, { method: 'POST', path: '/admin/expire', headers: { Origin: 'http://evil.example' } });
    expect(response.status).toBe(403);
    expect(response.json().detail).toMatch(/web pages/);
    expect(logLines.some((line) => line.includes('Origin "http://evil.example"'))).toBe(true);
  });

  it('refuses Origin null (sandboxed frames, files)', async () => {
    expect((await meshRequest(fixture, { path: '/_ping', headers: { Origin: 'null' } })).status).toBe(403);
  });

  it.each(['localhost', '127.0.0.1', '[::1]'])('answers Host %s with the port, and its own Origin', async (name) => {
    const host = `${name}:${fixture.sandbox.port}`;
    expect((await meshRequest(fixture, { path: '/_ping', headers: { Host: host } })).status).toBe(200);
    expect((await meshRequest(fixture, { path: '/_ping', headers: { Host: host, Origin: `https://${host}` } })).status).toBe(200);
  });

  it('applies the rule over plain HTTP too, and to HTTP/1.0 without a Host', async () => {
    const sandbox = await startSandbox({ sharedKey: 'K', mailboxes: NHS_SANDBOX_MAILBOXES });
    try {
      const socket = { host: '127.0.0.1', port: sandbox.port };
      const good = await sendRaw(socket, httpRequestBytes({ path: '/_ping', host: `127.0.0.1:${sandbox.port}` }));
      expect(good.status).toBe(200);
      expect((await sendRaw(socket, httpRequestBytes({ path: '/_ping', host: `evil.example:${sandbox.port}` }))).status).toBe(421);
      expect((await sendRaw(socket, httpRequestBytes({ path: '/_ping', host: null, version: '1.0' }))).status).toBe(421);
      const origin = httpRequestBytes({ path: '/_ping', host: `127.0.0.1:${sandbox.port}`, headers: { Origin: 'http://evil.example' } });
      expect((await sendRaw(socket, origin)).status).toBe(403);
    } finally {
      await sandbox.close();
    }
  });
});

describe('admin token options', () => {
  it('uses a token it is given, and leaves admin open only when told to', async () => {
    const fixed = await startSandbox({ sharedKey: 'K', mailboxes: NHS_SANDBOX_MAILBOXES, adminToken: 'chosen-token' });
    const open = await startSandbox({ sharedKey: 'K', mailboxes: NHS_SANDBOX_MAILBOXES, adminToken: false });
    try {
      expect(fixed.adminToken).toBe('chosen-token');
      const url = (sandbox: { port: number }) => `http://127.0.0.1:${sandbox.port}/admin/clock`;
      expect((await fetch(url(fixed))).status).toBe(403);
      expect((await fetch(url(fixed), { headers: { [ADMIN_TOKEN_HEADER]: 'chosen-token' } })).status).toBe(200);
      expect(open.adminToken).toBeUndefined();
      expect((await fetch(url(open))).status).toBe(200);
    } finally {
      await fixed.close();
      await open.close();
    }
  });

  it('refuses an empty token', async () => {
    await expect(startSandbox({ sharedKey: 'K', mailboxes: NHS_SANDBOX_MAILBOXES, adminToken: '' })).rejects.toThrow(/cannot be empty/);
  });
});

describe('the training sandbox in the app', () => {
  let folder: string;
  let training: TrainingSandbox;
  const log = createLogger();

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'training-access-'));
    training = new TrainingSandbox({ folder, log });
  });
  afterAll(async () => {
    await training?.stop();
    await rm(folder, { recursive: true, force: true });
  });

  it('seeds through its admin token, keeps the token to this user, refuses strangers, and drops the file on stop', async () => {
    const sandbox = await training.start();
    expect(sandbox.adminToken).toBeDefined();
    // The non-delivery sample needs two admin calls: both went through.
    const gpInbox = sandbox.inbox('B86001OT01');
    expect(gpInbox).toHaveLength(3);
    expect(gpInbox.map((id) => sandbox.message(id)?.message_type)).toContain('REPORT');

    const tokenFile = join(folder, TRAINING_ADMIN_TOKEN_FILE);
    expect(await readFile(tokenFile, 'utf8')).toBe(sandbox.adminToken);
    if (process.platform !== 'win32') expect((await stat(tokenFile)).mode & 0o777).toBe(0o600);

    const clock = `${sandbox.url}/admin/clock`;
    expect((await fetch(clock)).status).toBe(403);
    expect((await fetch(clock, { headers: { [ADMIN_TOKEN_HEADER]: sandbox.adminToken! } })).status).toBe(200);
    const socket = { host: '127.0.0.1', port: sandbox.port };
    const rebound = httpRequestBytes({ method: 'DELETE', path: '/admin/reset', host: `evil.example:${sandbox.port}` });
    expect((await sendRaw(socket, rebound)).status).toBe(421);
    const crossSite = httpRequestBytes({
      method: 'POST',
      path: '/admin/faults',
      host: `127.0.0.1:${sandbox.port}`,
      headers: { Origin: 'http://evil.example', 'Content-Type': 'text/plain', [ADMIN_TOKEN_HEADER]: sandbox.adminToken! },
      body: '{"status":500}',
    });
    expect((await sendRaw(socket, crossSite)).status).toBe(403);
    expect(sandbox.faults.list()).toEqual([]);
    expect(log.recent().some((line) => line.includes('refused DELETE') && line.includes('evil.example'))).toBe(true);

    await training.stop();
    await expect(stat(tokenFile)).rejects.toThrow();
  });
});
