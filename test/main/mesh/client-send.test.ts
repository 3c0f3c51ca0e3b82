import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { buffer, text } from 'node:stream/consumers';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { MeshClient, SendProgress } from '../../../main/mesh/client';
import { MIN_CHUNK_SIZE } from '../../../main/mesh/chunks';
import { readFileBlocks } from '../../../main/mesh/file-io';
import { RECIPIENT, SENDER, THIRD, WORKFLOW, startTestbed, type MeshTestbed } from './sandbox-fixture';

const MiB = 1024 * 1024;
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
  await bed.sandbox.reset();
});

async function sha256(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const part of createReadStream(path)) hash.update(part as Buffer);
  return hash.digest('hex');
}

/** Half random (incompressible), half repetitive text, so gzip has real work both ways. */
async function makeFile(name: string, size: number): Promise<string> {
  const path = join(bed.dir, name);
  const random = randomBytes(Math.floor(size / 2));
  const line = Buffer.from('NHS number,Surname,Forename,Date of birth\n');
  const repeated = Buffer.alloc(size - random.length);
  for (let offset = 0; offset < repeated.length; offset += line.length) line.copy(repeated, offset);
  await writeFile(path, Buffer.concat([random, repeated]));
  return path;
}

async function tempLeftovers(): Promise<string[]> {
  return (await readdir(bed.dir)).filter((name) => name.startsWith('mesh-desktop-send-'));
}

describe('sendFile', () => {
  it('sends a small file as one message with its metadata', async () => {
    const path = await makeFile('small.csv', 1000);
    const progress: SendProgress[] = [];
    const id = await sender.sendFile(
      path,
      { to: 'x26abc2', workflowId: WORKFLOW, subject: 'Small', fileName: 'small.csv' },
      { onProgress: (p) => progress.push(p) },
    );
    const stored = bed.sandbox.message(id);
    expect(stored).toMatchObject({ total_chunks: 1, workflow_id: WORKFLOW, recipient: { mailbox_id: RECIPIENT } });
    expect(stored?.metadata).toMatchObject({ subject: 'Small', file_name: 'small.csv' });
    expect(progress.at(-1)).toEqual({ messageId: id, chunk: 1, totalChunks: 1, bytesSent: 1000, totalBytes: 1000 });
    const target = join(bed.dir, 'small.received');
    await recipient.downloadToFile(id, target);
    expect(await sha256(target)).toBe(await sha256(path));
  });

  it('sends a multi-chunk file uncompressed, byte for byte', async () => {
    const size = 3 * MiB + 12345;
    const path = await makeFile('plain.bin', size);
    const id = await sender.sendFile(path, { to: RECIPIENT, workflowId: WORKFLOW });
    const stored = bed.sandbox.message(id);
    expect(stored?.total_chunks).toBe(4);
    expect(stored?.metadata.content_encoding).toBe('');
    const target = join(bed.dir, 'plain.received');
    const result = await recipient.downloadToFile(id, target);
    expect(result).toMatchObject({ bytes: size, chunks: 4 });
    expect(await sha256(target)).toBe(await sha256(path));
  });

  it('round-trips a multi-chunk gzip message: each chunk compressed on its own, received bytes equal sent bytes', async () => {
    const size = 4 * MiB + 777;
    const path = await makeFile('gzip.bin', size);
    const progress: SendProgress[] = [];
    const id = await sender.sendFile(
      path,
      { to: RECIPIENT, workflowId: WORKFLOW, fileName: 'gzip.bin' },
      { compress: true, onProgress: (p) => progress.push(p) },
    );
    const stored = bed.sandbox.message(id);
    expect(stored?.total_chunks).toBe(5);
    expect(stored?.metadata.content_encoding).toBe('gzip');
    // Half the data is repetitive text, so the stored chunks are smaller than the raw ones.
    expect(stored?.file_size).toBeLessThan(size);
    expect(progress.at(-1)).toMatchObject({ messageId: id, chunk: 5, totalChunks: 5, bytesSent: size, totalBytes: size });
    for (let index = 1; index < progress.length; index++) {
      expect((progress[index] as SendProgress).bytesSent).toBeGreaterThanOrEqual((progress[index - 1] as SendProgress).bytesSent);
    }
    expect(await tempLeftovers()).toEqual([]);

    const second = await recipient.downloadChunk(id, 2);
    expect(second.status).toBe(206);
    expect(second.metadata.chunk).toEqual({ k: 2, n: 5 });
    expect((await buffer(second.body)).length).toBe(MiB);

    const target = join(bed.dir, 'gzip.received');
    const downloads: number[] = [];
    const result = await recipient.downloadToFile(id, target, { onProgress: (p) => downloads.push(p.bytesWritten) });
    expect(result).toMatchObject({ bytes: size, chunks: 5, metadata: { fileName: 'gzip.bin', chunk: { k: 1, n: 5 } } });
    expect(downloads.at(-1)).toBe(size);
    expect(await sha256(target)).toBe(await sha256(path));
  });

  it('stops a download when cancelled', async () => {
    const path = await makeFile('cancel-download.bin', 3 * MiB);
    const id = await sender.sendFile(path, { to: RECIPIENT, workflowId: WORKFLOW });
    const controller = new AbortController();
    const target = join(bed.dir, 'cancel-download.received');
    await expect(
      recipient.downloadToFile(id, target, { signal: controller.signal, onProgress: (p) => p.chunk === 2 && controller.abort() }),
    ).rejects.toMatchObject({ code: 'cancelled' });
    await expect(recipient.downloadToFile(id, target, { signal: controller.signal })).rejects.toMatchObject({ code: 'cancelled' });
    expect(bed.sandbox.inbox(RECIPIENT)).toEqual([id]);
  });

  it('downloads correctly without transfer gzip too', async () => {
    const path = await makeFile('identity.bin', 2 * MiB + 5);
    const id = await sender.sendFile(path, { to: RECIPIENT, workflowId: WORKFLOW }, { compress: true });
    const target = join(bed.dir, 'identity.received');
    await bed.client(RECIPIENT, { acceptGzip: false }).downloadToFile(id, target);
    expect(await sha256(target)).toBe(await sha256(path));
  });

  it('sends an empty file only when compressed, and refuses it plain', async () => {
    const path = join(bed.dir, 'empty.txt');
    await writeFile(path, '');
    await expect(sender.sendFile(path, { to: RECIPIENT, workflowId: WORKFLOW })).rejects.toMatchObject({ code: 'invalid-argument' });
    const id = await sender.sendFile(path, { to: RECIPIENT, workflowId: WORKFLOW }, { compress: true });
    const target = join(bed.dir, 'empty.received');
    expect((await recipient.downloadToFile(id, target)).bytes).toBe(0);
  });

  it('checks the details before sending anything', async () => {
    const path = await makeFile('checked.txt', 10);
    await expect(sender.sendFile(path, { to: RECIPIENT, workflowId: WORKFLOW, subject: 's'.repeat(501) })).rejects.toMatchObject({
      code: 'invalid-header',
      message: 'The subject is too long (at most 500 characters).',
    });
    await expect(sender.sendFile(path, { to: RECIPIENT, workflowId: WORKFLOW, localId: 'a\tb' })).rejects.toMatchObject({
      code: 'invalid-header',
    });
    expect(bed.sandbox.outbox(SENDER)).toEqual([]);
  });

  it('reports an unregistered recipient', async () => {
    const path = await makeFile('nobody.txt', 10);
    await expect(sender.sendFile(path, { to: 'X99NOBODY', workflowId: WORKFLOW })).rejects.toMatchObject({
      code: 'recipient-not-registered',
      status: 417,
      meshCode: '12',
    });
  });

  it('reports a missing file and a folder', async () => {
    await expect(sender.sendFile(join(bed.dir, 'missing.txt'), { to: RECIPIENT, workflowId: WORKFLOW })).rejects.toMatchObject({
      code: 'file-not-found',
    });
    await expect(sender.sendFile(bed.dir, { to: RECIPIENT, workflowId: WORKFLOW })).rejects.toMatchObject({ code: 'file-unreadable' });
  });

  it('reports a file cut short while its chunk was on the wire as changed, and MESH keeps nothing of it', async () => {
    const path = await makeFile('shrinking.csv', 50_000);
    const sending = sender.sendChunk({
      k: 1,
      n: 1,
      // The body the chunk was planned with: 100,000 bytes, of a file that now has 50,000.
      body: () => readFileBlocks(path, 0, 100_000, 16 * 1024),
      contentLength: 100_000,
      gzip: false,
      meta: { to: RECIPIENT, workflowId: WORKFLOW, fileName: 'shrinking.csv' },
      bodyFile: path,
    });
    await expect(sending).rejects.toMatchObject({ code: 'file-changed', message: expect.stringContaining('shrinking.csv') });
    expect(bed.sandbox.outbox(SENDER)).toEqual([]);
  });

  it('only allows chunks under 5 MB through the explicit test override', async () => {
    const strict = bed.client(SENDER, { allowSmallChunks: false });
    const path = await makeFile('strict.txt', 10);
    await expect(strict.sendFile(path, { to: RECIPIENT, workflowId: WORKFLOW }, { chunkSize: MiB })).rejects.toMatchObject({
      code: 'invalid-argument',
    });
    expect(() => bed.client(SENDER, { allowSmallChunks: false, chunkSize: MiB })).toThrow(
      expect.objectContaining({ code: 'invalid-argument' }),
    );
    expect(await strict.sendFile(path, { to: RECIPIENT, workflowId: WORKFLOW }, { chunkSize: MIN_CHUNK_SIZE })).toMatch(/\S/);
  });

  it('stops when cancelled, cleans up, and leaves the message unfinished', async () => {
    const path = await makeFile('cancel.bin', 3 * MiB);
    const controller = new AbortController();
    const sending = sender.sendFile(
      path,
      { to: RECIPIENT, workflowId: WORKFLOW },
      {
        compress: true,
        signal: controller.signal,
        onProgress: (p) => {
          if (p.chunk === 2) controller.abort();
        },
      },
    );
    await expect(sending).rejects.toMatchObject({ code: 'cancelled' });
    expect(await tempLeftovers()).toEqual([]);
    const [id] = bed.sandbox.outbox(SENDER);
    expect((await sender.track(id as string)).status).toBe('uploading');
  });
});

describe('sendChunk', () => {
  const meta = { to: RECIPIENT, workflowId: WORKFLOW };
  const body = (content: string) => () => Readable.from([Buffer.from(content)]);

  it('sends chunk 1 to /outbox and later chunks to /outbox/{id}/{k}; the message appears when complete', async () => {
    const id = await sender.sendChunk({ k: 1, n: 2, body: body('hello '), contentLength: 6, gzip: false, meta });
    expect(bed.sandbox.inbox(RECIPIENT)).toEqual([]);
    expect(await sender.sendChunk({ messageId: id, k: 2, n: 2, body: body('world'), gzip: false, meta })).toBe(id);
    expect(bed.sandbox.inbox(RECIPIENT)).toEqual([id]);
    const target = join(bed.dir, 'chunks.received');
    await recipient.downloadToFile(id, target);
    expect(await text(createReadStream(target))).toBe('hello world');
  });

  it('says when the message is already complete (423)', async () => {
    const id = await sender.sendChunk({ k: 1, n: 2, body: body('a'), contentLength: 1, gzip: false, meta });
    await sender.sendChunk({ messageId: id, k: 2, n: 2, body: body('b'), contentLength: 1, gzip: false, meta });
    await expect(
      sender.sendChunk({ messageId: id, k: 2, n: 2, body: body('b'), contentLength: 1, gzip: false, meta }),
    ).rejects.toMatchObject({
      code: 'message-finalised',
      status: 423,
    });
  });

  it('says when a later chunk belongs to no known message (404) or to someone else (403)', async () => {
    await expect(
      sender.sendChunk({ messageId: 'NOSUCHMESSAGE0000', k: 2, n: 2, body: body('b'), gzip: false, meta }),
    ).rejects.toMatchObject({
      code: 'message-not-found',
    });
    const id = await sender.sendChunk({ k: 1, n: 2, body: body('a'), gzip: false, meta });
    await expect(bed.client(THIRD).sendChunk({ messageId: id, k: 2, n: 2, body: body('b'), gzip: false, meta })).rejects.toMatchObject({
      code: 'auth-failed',
      status: 403,
    });
  });

  it('refuses impossible chunk numbers and a later chunk without an id, locally', async () => {
    await expect(sender.sendChunk({ k: 3, n: 2, body: body('a'), gzip: false, meta })).rejects.toMatchObject({ code: 'invalid-argument' });
    await expect(sender.sendChunk({ k: 2, n: 2, body: body('a'), gzip: false, meta })).rejects.toMatchObject({ code: 'invalid-argument' });
    expect(bed.sandbox.outbox(SENDER)).toEqual([]);
  });
});

describe('workflow permissions', () => {
  it('reports a workflow the mailboxes are not registered for', async () => {
    const strictBed = await startTestbed({ enforceWorkflowPermissions: true });
    try {
      const path = join(strictBed.dir, 'wf.txt');
      await writeFile(path, 'x');
      const from = strictBed.client(SENDER);
      await expect(from.sendFile(path, { to: THIRD, workflowId: WORKFLOW })).rejects.toMatchObject({
        code: 'workflow-not-allowed',
        status: 417,
      });
      await expect(from.sendFile(path, { to: RECIPIENT, workflowId: 'UNKNOWN_WORKFLOW' })).rejects.toMatchObject({
        code: 'workflow-not-allowed',
      });
      expect(await from.sendFile(path, { to: RECIPIENT, workflowId: WORKFLOW })).toMatch(/\S/);
    } finally {
      await strictBed.close();
    }
  });
});
