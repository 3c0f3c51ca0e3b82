import { createHash, randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { MeshClient } from '../../../main/mesh/client';
import { FAST_RETRY, RECIPIENT, SENDER, WORKFLOW, startTestbed, type MeshTestbed } from './sandbox-fixture';

const MiB = 1024 * 1024;
const FIRST_POST = `^/messageexchange/${SENDER}/outbox$`;
const CHUNK = (k: number) => `^/messageexchange/${SENDER}/outbox/[^/]+/${k}$`;

let bed: MeshTestbed;
let sender: MeshClient;
let recipient: MeshClient;

beforeAll(async () => {
  bed = await startTestbed();
  sender = bed.client(SENDER, { chunkSize: MiB });
  recipient = bed.client(RECIPIENT);
});
afterAll(async () => {
  await bed?.close();
});
beforeEach(async () => {
  bed.sandbox.faults.clear();
  await bed.sandbox.reset();
});

async function makeFile(name: string, size: number): Promise<string> {
  const path = join(bed.dir, name);
  await writeFile(path, randomBytes(size));
  return path;
}

async function digest(path: string): Promise<string> {
  return createHash('sha256')
    .update(await readFile(path))
    .digest('hex');
}

async function sendSmall(client = sender): Promise<string> {
  return client.sendFile(await makeFile(`small-${Math.random()}.bin`, 100), { to: RECIPIENT, workflowId: WORKFLOW });
}

function firedCount(): number {
  return bed.sandbox.faults.list().reduce((sum, fault) => sum + fault.fired, 0);
}

describe('idempotent requests', () => {
  it('ride out a burst of 503s and 429s', async () => {
    const id = await sendSmall();
    bed.sandbox.faults.add({ kind: 'status', status: 503, body: '<html>Service Unavailable</html>', count: 2, match: { method: 'GET' } });
    bed.sandbox.faults.add({ kind: 'status', status: 429, headers: { 'Retry-After': '1' }, count: 1, match: { method: 'GET' } });
    expect((await recipient.listInbox()).messageIds).toEqual([id]);
    expect(bed.sandbox.faults.list()).toEqual([]);
  });

  it('ride out 502/504 on HEAD and acknowledge', async () => {
    const id = await sendSmall();
    bed.sandbox.faults.add({ kind: 'status', status: 502, count: 2, match: { method: 'HEAD' } });
    expect((await recipient.headMessage(id)).messageId).toBe(id);
    bed.sandbox.faults.add({ kind: 'status', status: 504, count: 2, match: { method: 'PUT' } });
    await recipient.acknowledge(id);
    expect(bed.sandbox.inbox(RECIPIENT)).toEqual([]);
    expect(bed.sandbox.faults.list()).toEqual([]);
  });

  it('ride out connection resets', async () => {
    const id = await sendSmall();
    bed.sandbox.faults.add({ kind: 'reset-after-body', count: 2, match: { method: 'GET', path: '/inbox$' } });
    expect((await recipient.listInbox()).messageIds).toEqual([id]);
    bed.sandbox.faults.add({ kind: 'reset-after-body', count: 1, match: { method: 'PUT' } });
    await recipient.acknowledge(id);
    expect(bed.sandbox.faults.list()).toEqual([]);
  });

  it('give up after the configured retries with a transient server-busy error', async () => {
    bed.sandbox.faults.add({ kind: 'status', status: 503, count: 'always', match: { method: 'GET' } });
    await expect(recipient.listInbox()).rejects.toMatchObject({ code: 'server-busy', transient: true, status: 503 });
    expect(firedCount()).toBe(FAST_RETRY.retries + 1);
  });

  it('do not repeat a 500 and report an HTML body as a server error', async () => {
    bed.sandbox.faults.add({
      kind: 'status',
      status: 500,
      body: '<html><body>Internal Server Error</body></html>',
      contentType: 'text/html',
      count: 'always',
    });
    const error = await recipient.countInbox().catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'server-error', status: 500 });
    expect((error as { detail: string }).detail).toContain('Internal Server Error');
    expect(firedCount()).toBe(1);
  });

  it('time out on a server that does not answer, then say so', async () => {
    const impatient = bed.client(RECIPIENT, { timeoutMs: 200, retry: { ...FAST_RETRY, retries: 1 } });
    bed.sandbox.faults.add({ kind: 'delay', ms: 5_000, count: 'always', match: { method: 'GET' } });
    await expect(impatient.listInbox()).rejects.toMatchObject({ code: 'timeout', transient: true });
    expect(firedCount()).toBe(2);
  });
});

describe('downloads', () => {
  it('re-fetch a chunk whose body broke off midway, and the file is still exact', async () => {
    const source = await makeFile('broken.bin', 3 * MiB + 10);
    const id = await sender.sendFile(source, { to: RECIPIENT, workflowId: WORKFLOW });
    bed.sandbox.faults.add({
      kind: 'reset-mid-body',
      direction: 'response',
      afterBytes: 100_000,
      count: 1,
      match: { method: 'GET', path: '/inbox/[^/]+/2$' },
    });
    bed.sandbox.faults.add({ kind: 'truncate', afterBytes: 5_000, count: 1, match: { method: 'GET', path: '/inbox/[^/]+/3$' } });
    const target = join(bed.dir, 'broken.received');
    const result = await recipient.downloadToFile(id, target);
    expect(result.bytes).toBe(3 * MiB + 10);
    expect(await digest(target)).toBe(await digest(source));
    expect(bed.sandbox.faults.list()).toEqual([]);
  });

  it('re-fetch a gzipped chunk that was cut short', async () => {
    const source = join(bed.dir, 'text.csv');
    await writeFile(source, 'NHS number,Name\n'.repeat(200_000));
    const id = await sender.sendFile(source, { to: RECIPIENT, workflowId: WORKFLOW }, { compress: true });
    bed.sandbox.faults.add({ kind: 'truncate', afterBytes: 2_000, count: 1, match: { method: 'GET', path: '/inbox/[^/]+$' } });
    const target = join(bed.dir, 'text.received');
    await recipient.downloadToFile(id, target);
    expect(bed.sandbox.faults.list()).toEqual([]);
    expect(await digest(target)).toBe(await digest(source));
  });
});

describe('sending later chunks', () => {
  it('re-posts a chunk after 503s, 429s and resets; the message arrives intact', async () => {
    const source = await makeFile('chunks.bin', 4 * MiB);
    bed.sandbox.faults.add({ kind: 'status', status: 503, count: 2, match: { method: 'POST', path: CHUNK(2) } });
    bed.sandbox.faults.add({ kind: 'status', status: 429, count: 1, match: { method: 'POST', path: CHUNK(3) } });
    bed.sandbox.faults.add({ kind: 'reset-after-body', count: 1, match: { method: 'POST', path: CHUNK(3) } });
    bed.sandbox.faults.add({ kind: 'reset-mid-body', afterBytes: 50_000, count: 1, match: { method: 'POST', path: CHUNK(2) } });
    const id = await sender.sendFile(source, { to: RECIPIENT, workflowId: WORKFLOW });
    expect(bed.sandbox.faults.list()).toEqual([]);
    const target = join(bed.dir, 'chunks.received');
    await recipient.downloadToFile(id, target);
    expect(await digest(target)).toBe(await digest(source));
  });

  it('treats "already complete" after re-posting a lost last chunk as success', async () => {
    const source = await makeFile('last.bin', 2 * MiB);
    bed.sandbox.faults.add({ kind: 'reset-after-body', count: 1, match: { method: 'POST', path: CHUNK(2) } });
    const id = await sender.sendFile(source, { to: RECIPIENT, workflowId: WORKFLOW }, { compress: true });
    expect(bed.sandbox.inbox(RECIPIENT)).toEqual([id]);
    const target = join(bed.dir, 'last.received');
    await recipient.downloadToFile(id, target);
    expect(await digest(target)).toBe(await digest(source));
  });
});

describe('the first POST to /outbox', () => {
  it('is not repeated when the connection drops after the body went out: outcome unknown, exactly one message', async () => {
    bed.sandbox.faults.add({ kind: 'reset-after-body', count: 1, match: { method: 'POST', path: FIRST_POST } });
    const error = await sendSmall().catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'send-outcome-unknown' });
    expect((error as Error).message).toContain('cannot tell whether MESH received it');
    expect(bed.sandbox.outbox(SENDER)).toHaveLength(1);
    expect(bed.sandbox.inbox(RECIPIENT)).toHaveLength(1);
  });

  it('is not repeated when the connection drops after the whole body was handed over, before the request ended', async () => {
    bed.sandbox.faults.add({ kind: 'reset-after-body', count: 1, match: { method: 'POST', path: FIRST_POST } });
    // Every byte goes out at once, but the body is slow to say it has finished: MESH has it all and drops the
    // connection before the request ends, so nothing the client heard back proves the body arrived.
    async function* slowToFinish(): AsyncGenerator<Buffer> {
      yield Buffer.alloc(100, 'x');
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
    const error = await sender
      .sendChunk({ k: 1, n: 1, body: slowToFinish, contentLength: 100, gzip: false, meta: { to: RECIPIENT, workflowId: WORKFLOW } })
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'send-outcome-unknown' });
    expect(bed.sandbox.outbox(SENDER)).toHaveLength(1);
  });

  it('is not repeated after a 500 or 502 (MESH may have stored it)', async () => {
    bed.sandbox.faults.add({ kind: 'status', status: 500, count: 'always', match: { method: 'POST', path: FIRST_POST } });
    await expect(sendSmall()).rejects.toMatchObject({ code: 'send-outcome-unknown', status: 500 });
    expect(firedCount()).toBe(1);
    bed.sandbox.faults.clear();
    bed.sandbox.faults.add({ kind: 'status', status: 502, count: 'always', match: { method: 'POST', path: FIRST_POST } });
    await expect(sendSmall()).rejects.toMatchObject({ code: 'send-outcome-unknown' });
    expect(firedCount()).toBe(1);
  });

  it('is not repeated when the answer never comes', async () => {
    const impatient = bed.client(SENDER, { timeoutMs: 300 });
    bed.sandbox.faults.add({ kind: 'delay', ms: 5_000, count: 'always', match: { method: 'POST', path: FIRST_POST } });
    await expect(sendSmall(impatient)).rejects.toMatchObject({ code: 'send-outcome-unknown' });
    expect(firedCount()).toBe(1);
  });

  it('is repeated after an outright refusal (503, 429), sending exactly one message', async () => {
    bed.sandbox.faults.add({ kind: 'status', status: 503, count: 1, match: { method: 'POST', path: FIRST_POST } });
    bed.sandbox.faults.add({ kind: 'status', status: 429, count: 1, match: { method: 'POST', path: FIRST_POST } });
    const id = await sendSmall();
    expect(bed.sandbox.outbox(SENDER)).toEqual([id]);
  });

  it('is repeated when the connection broke before the whole body went out', async () => {
    // Larger than the socket buffers on both ends of loopback hold (a few MB), so the body cannot all have been handed
    // to the connection when the server stops reading at 64 KiB: from the client, only then is "not stored" certain.
    const source = await makeFile('cut.bin', 32 * MiB);
    bed.sandbox.faults.add({ kind: 'reset-mid-body', afterBytes: 64 * 1024, count: 1, match: { method: 'POST', path: FIRST_POST } });
    const id = await bed.client(SENDER, { chunkSize: 40 * MiB }).sendFile(source, { to: RECIPIENT, workflowId: WORKFLOW });
    expect(bed.sandbox.faults.list()).toEqual([]);
    expect(bed.sandbox.outbox(SENDER)).toEqual([id]);
  });

  it('says "not sent" when MESH cannot be reached at all', async () => {
    const closedPort = await new Promise<number>((resolve) => {
      const server = createServer();
      server.listen(0, '127.0.0.1', () => {
        const { port } = server.address() as { port: number };
        server.close(() => resolve(port));
      });
    });
    const unreachable = bed.client(SENDER, { baseUrl: `https://127.0.0.1:${closedPort}`, retry: { ...FAST_RETRY, retries: 1 } });
    await expect(sendSmall(unreachable)).rejects.toMatchObject({ code: 'network-unreachable', transient: true });
    await expect(unreachable.listInbox()).rejects.toMatchObject({ code: 'network-unreachable' });
  });
});

describe('a later chunk that keeps failing', () => {
  it('names the half-sent message in the error detail for the log', async () => {
    const source = await makeFile('half.bin', 2 * MiB);
    bed.sandbox.faults.add({ kind: 'status', status: 503, count: 'always', match: { method: 'POST', path: CHUNK(2) } });
    const error = await sender.sendFile(source, { to: RECIPIENT, workflowId: WORKFLOW }).catch((caught: unknown) => caught);
    const [id] = bed.sandbox.outbox(SENDER);
    expect(error).toMatchObject({ code: 'server-busy', transient: true, status: 503 });
    expect((error as { detail: string }).detail).toContain(`message ${id} chunk 2/2`);
  });
});
