// Nothing a client sends can end the emulator: bad Host values (with and
// without WebSocket upgrade headers), bytes that are not TLS or not HTTP, and
// thousands of connections that never finish. Each case is answered with a
// refusal or a closed connection, and then a real MESH handshake still works.
// Run over HTTPS with client certificates (as the tests use it) and over plain
// HTTP (as the app's training sandbox runs).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type RawResult,
  badHostValues,
  hostHeaderOf,
  httpRequestBytes,
  malformedHttp,
  notHttpOrTls,
  openHalfOpen,
  sendRaw,
  withoutTls,
} from '../../support/hostile-sockets';
import { startMeshFixture, type MeshFixture } from '../../support/mesh-fixture';

/** A refusal (4xx other than a success in disguise) or a closed connection; never an answer to the request. */
function expectRefusedOrClosed(result: RawResult, allowed: number[] = [400, 403, 404, 405, 408, 421, 431]): void {
  if (result.status === undefined) {
    expect(result.closed, `neither answered nor closed: ${JSON.stringify(result.text.slice(0, 200))}`).toBe(true);
  } else {
    expect(allowed, result.text.slice(0, 300)).toContain(result.status);
  }
}

describe.each([
  ['HTTPS with client certificates', {}],
  ['plain HTTP, as the training sandbox', { tls: undefined }],
])('the emulator over %s', (_mode, options) => {
  let fixture: MeshFixture;
  const log: string[] = [];

  beforeAll(async () => {
    fixture = await startMeshFixture({ store: { kind: 'memory' }, log: (line) => log.push(line), ...options });
  });
  afterAll(async () => {
    await fixture?.close();
  });

  const host = () => hostHeaderOf(fixture.socketTarget);

  it('answers a well-formed raw request (the helper works)', async () => {
    const result = await sendRaw(fixture.socketTarget, httpRequestBytes({ path: '/_ping', host: host() }));
    expect(result.status).toBe(200);
  });

  for (const upgrade of [false, true]) {
    describe(upgrade ? 'with upgrade headers' : 'without upgrade headers', () => {
      it.each(badHostValues(0).map((bad) => [bad.name]))('refuses a Host that is %s, and keeps serving', async (name) => {
        const bad = badHostValues(fixture.sandbox.port).find((candidate) => candidate.name === name)!;
        for (const path of ['/messageexchange/X26ABC1', '/admin/reset', '/_ping']) {
          const result = await sendRaw(
            fixture.socketTarget,
            httpRequestBytes({
              method: path === '/admin/reset' ? 'DELETE' : 'GET',
              path,
              host: bad.value,
              upgrade,
              headers: fixture.adminHeaders(),
            }),
          );
          expectRefusedOrClosed(result, [400, 421, 431]);
        }
        await fixture.handshake();
      });
    });
  }

  it('logs what it refused', () => {
    expect(log.some((line) => line.includes('refused DELETE "/admin/reset" (421)') && line.includes('evil.example'))).toBe(true);
    expect(log.some((line) => line.startsWith('closed a connection that did not speak HTTP'))).toBe(true);
  });

  it.each(notHttpOrTls().map((entry) => [entry.name, entry.bytes] as const))(
    'closes on %s as the first bytes of a connection, and keeps serving',
    async (_name, bytes) => {
      // Over HTTPS these arrive where a TLS ClientHello belongs.
      expectRefusedOrClosed(await sendRaw(withoutTls(fixture.socketTarget), bytes));
      await fixture.handshake();
    },
  );

  it.each(malformedHttp('HOST').map((entry) => [entry.name] as const))('answers or closes on %s, and keeps serving', async (name) => {
    const entry = malformedHttp(host()).find((candidate) => candidate.name === name)!;
    // Over HTTPS this is after a good handshake with the client certificate.
    expectRefusedOrClosed(await sendRaw(fixture.socketTarget, entry.bytes, { end: entry.end ?? false }));
    await fixture.handshake();
  });

  it('stops at a bad chunk in an admin upload and keeps serving', async () => {
    const bytes = Buffer.from(
      `POST /admin/faults HTTP/1.1\r\nHost: ${host()}\r\n${Object.entries(fixture.adminHeaders())
        .map(([name, value]) => `${name}: ${value}\r\n`)
        .join('')}Transfer-Encoding: chunked\r\n\r\n5\r\n{"pat\r\nzz\r\n`,
      'latin1',
    );
    expectRefusedOrClosed(await sendRaw(fixture.socketTarget, bytes));
    expect(fixture.sandbox.faults.list()).toEqual([]);
    await fixture.handshake();
  });

  it('stops at an admin upload cut short and keeps serving', async () => {
    const bytes = httpRequestBytes({
      method: 'POST',
      path: '/admin/faults',
      host: host(),
      headers: { ...fixture.adminHeaders(), 'Content-Length': '500' },
    });
    const result = await sendRaw(fixture.socketTarget, Buffer.concat([bytes, Buffer.from('{"kind":"status","sta')]), { end: true });
    expectRefusedOrClosed(result);
    expect(fixture.sandbox.faults.list()).toEqual([]);
    await fixture.handshake();
  });

  it('keeps serving with 2,000 connections that never send a byte open', async () => {
    const idle = await openHalfOpen(fixture.socketTarget, 2_000);
    try {
      expect(idle.opened).toBe(2_000);
      await fixture.handshake();
    } finally {
      await idle.close();
    }
    await fixture.handshake();
  });

  it('keeps serving with 500 connections stuck half-way through their headers', async () => {
    const stuck = await openHalfOpen(fixture.socketTarget, 500, {
      completeTls: true,
      send: `POST /messageexchange/X26ABC1/outbox HTTP/1.1\r\nHost: ${host()}\r\nContent-Le`,
    });
    try {
      expect(stuck.opened).toBe(500);
      await fixture.handshake();
    } finally {
      await stuck.close();
    }
    await fixture.handshake();
  });
});
