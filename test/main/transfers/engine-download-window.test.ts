/**
 * Receiving two chunks at once: while chunk k streams into the partial file,
 * chunk k+1 already streams into its own place when chunk k's headers say
 * where that is (a plain body's Content-Length). Gzip bodies hide their
 * decoded length, so they are fetched one after another. Shown against the
 * emulator over mutual TLS with the real client, watched from outside.
 */
import { PassThrough } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { DownloadedChunk } from '../../../main/mesh/client';
import type { TransferClient } from '../../../main/transfers/run-context';
import { DOWNLOAD_WINDOW, decodedLengthFromHeaders, moreChunksFollow } from '../../../main/transfers/download-runner';
import type { TransferProgress } from '../../../main/transfers';
import { MiB, RECIPIENT, SENDER, WORKFLOW, sha256OfFile, startEngineBed, type EngineBed } from './engine-fixture';

describe('what a chunk’s headers tell about the next one', () => {
  it('knows a chunk’s length in the file only for a plain body with a Content-Length', () => {
    expect(decodedLengthFromHeaders({ contentLength: 78_643_200 })).toBe(78_643_200);
    expect(decodedLengthFromHeaders({ contentLength: 10, contentEncoding: 'identity' })).toBe(10);
    expect(decodedLengthFromHeaders({ contentLength: 10, contentEncoding: 'gzip' })).toBeUndefined();
    expect(decodedLengthFromHeaders({ contentLength: 10, contentEncoding: 'x-gzip' })).toBeUndefined();
    expect(decodedLengthFromHeaders({})).toBeUndefined();
  });

  it('expects another chunk only after a 206 short of the chunk count', () => {
    const chunk = (status: number, n: number) => ({ status, metadata: { chunk: { k: 1, n } } }) as unknown as DownloadedChunk;
    expect(moreChunksFollow(1, chunk(206, 3))).toBe(true);
    expect(moreChunksFollow(2, chunk(206, 3))).toBe(true);
    expect(moreChunksFollow(3, chunk(206, 3))).toBe(false);
    // A 200 ends the message whatever the range says; a 206 that says 1:1 does too.
    expect(moreChunksFollow(1, chunk(200, 3))).toBe(false);
    expect(moreChunksFollow(1, chunk(206, 1))).toBe(false);
  });
});

const HOLD_MS = 300;

/**
 * The real client, with every chunk request and the end of every chunk body written down in order. Each chunk's
 * body is held back until the next chunk is asked for, or HOLD_MS has passed: so whether the engine asks for chunk
 * k+1 before chunk k has arrived does not depend on how fast loopback is. `released` notes which way each ended.
 */
function watchedClient(client: TransferClient, events: string[], released: Map<number, 'next-asked' | 'timed-out'>): TransferClient {
  const asked = new Map<number, () => void>();
  return {
    handshake: (options) => client.handshake(options),
    listInbox: (options) => client.listInbox(options),
    headMessage: (id) => client.headMessage(id),
    acknowledge: (id) => client.acknowledge(id),
    sendChunk: (request) => client.sendChunk(request),
    track: (id) => client.track(id),
    trackByLocalId: (localId, options) => client.trackByLocalId(localId, options),
    async downloadChunk(messageId, k, options) {
      events.push(`open ${k}`);
      asked.get(k)?.();
      const chunk = await client.downloadChunk(messageId, k, options);
      chunk.body.once('end', () => events.push(`end ${k}`));
      if (chunk.status !== 206) return chunk;
      const held = new PassThrough();
      const nextAsked = new Promise<'next-asked'>((resolve) => asked.set(k + 1, () => resolve('next-asked')));
      const timedOut = new Promise<'timed-out'>((resolve) => setTimeout(() => resolve('timed-out'), HOLD_MS));
      void Promise.race([nextAsked, timedOut]).then((how) => {
        released.set(k, how);
        pipeline(chunk.body, held).catch(() => {});
      });
      return { ...chunk, body: held };
    },
  };
}

/** The largest number of chunks open at the same time. */
function mostAtOnce(events: readonly string[]): number {
  let open = 0;
  let most = 0;
  for (const event of events) {
    open += event.startsWith('open') ? 1 : -1;
    most = Math.max(most, open);
  }
  return most;
}

for (const transfer of ['plain', 'gzip'] as const) {
  describe(`receiving a chunked message sent with ${transfer} bodies`, () => {
    let bed: EngineBed;
    beforeAll(async () => {
      bed = await startEngineBed({ compressDownloads: transfer === 'gzip' });
    });
    afterEach(async () => {
      await bed.reset();
    });
    afterAll(async () => {
      await bed?.close();
    });

    async function sendFile(size: number) {
      const sender = await bed.transfers(SENDER);
      const file = await bed.randomFile('report.bin', size);
      const queued = await sender.queue.enqueueUpload({ profileId: SENDER, filePath: file.path, to: RECIPIENT, workflowId: WORKFLOW });
      const sent = await sender.queue.settled(queued.id);
      expect(sent.state).toBe('done');
      return { file, messageId: sent.messageId! };
    }

    async function receive(messageId: string, events: string[], progress: TransferProgress[] = []) {
      const released = new Map<number, 'next-asked' | 'timed-out'>();
      const watched = watchedClient(bed.client(RECIPIENT), events, released);
      const recipient = await bed.transfers(RECIPIENT, {
        clientFor: () => watched,
        progressIntervalMs: 0,
      });
      recipient.queue.onProgress((update) => progress.push(update));
      const queued = await recipient.queue.enqueueDownload({ profileId: RECIPIENT, messageId });
      return { saved: await recipient.queue.settled(queued.id), released };
    }

    it(
      transfer === 'plain'
        ? 'asks for chunk k+1 while chunk k is still arriving, never more than two at once'
        : 'asks for each chunk only once the one before has arrived',
      async () => {
        const { file, messageId } = await sendFile(6 * MiB + 12_345);
        const events: string[] = [];
        const progress: TransferProgress[] = [];
        const { saved, released } = await receive(messageId, events, progress);
        expect(saved.state).toBe('done');
        expect(await sha256OfFile(saved.savedPath!)).toBe(file.sha256);

        const opened = events.filter((event) => event.startsWith('open'));
        expect(opened).toEqual(['open 1', 'open 2', 'open 3', 'open 4', 'open 5', 'open 6', 'open 7']);
        // Plain: every chunk but the last was let go because the next had been asked for while it was still arriving.
        // Gzip: nobody asked, so each waited out its hold, and each chunk was asked for after the one before ended.
        const expected = transfer === 'plain' ? 'next-asked' : 'timed-out';
        expect([...released.entries()].sort(([a], [b]) => a - b)).toEqual([1, 2, 3, 4, 5, 6].map((k) => [k, expected]));
        if (transfer === 'gzip') {
          for (let k = 1; k < 7; k++)
            expect(events.indexOf(`open ${k + 1}`), events.join(', ')).toBeGreaterThan(events.indexOf(`end ${k}`));
        }
        expect(mostAtOnce(events)).toBe(transfer === 'plain' ? DOWNLOAD_WINDOW : 1);

        // Progress counts what has arrived of both chunks: it only grows, and never past the file.
        const bytes = progress.filter((update) => update.id === saved.id && update.state === 'running').map((update) => update.bytesDone);
        expect(bytes.length).toBeGreaterThan(0);
        for (let i = 1; i < bytes.length; i++) expect(bytes[i]!).toBeGreaterThanOrEqual(bytes[i - 1]!);
        expect(Math.max(...bytes)).toBeLessThanOrEqual(6 * MiB + 12_345);
      },
    );

    it('recovers when a chunk breaks while the next one is arriving, and the file is identical', async () => {
      const { file, messageId } = await sendFile(5 * MiB + 7);
      const faults = bed.fixture.sandbox.faults;
      const chunkGet = (k: number) => `^/messageexchange/${RECIPIENT}/inbox/[^/]+/${k}$`;
      // Chunk 2 breaks half-way (twice); chunk 3, already on its way beside it, is thrown away and fetched again.
      faults.add({
        kind: 'reset-mid-body',
        afterBytes: MiB / 2,
        direction: 'response',
        match: { method: 'GET', path: chunkGet(2) },
        count: 2,
      });
      // Chunk 4 is cut short with a Content-Length that promised more: it must not be taken as complete.
      faults.add({ kind: 'truncate', afterBytes: 1000, match: { method: 'GET', path: chunkGet(4) }, count: 1 });
      const events: string[] = [];
      const { saved } = await receive(messageId, events);
      expect(saved.state).toBe('done');
      expect(faults.list()).toEqual([]);
      expect(await sha256OfFile(saved.savedPath!)).toBe(file.sha256);
      expect(bed.status(messageId)).toBe('acknowledged');
      // Chunk 2 was asked for three times: twice broken, once whole.
      expect(events.filter((event) => event === 'open 2')).toHaveLength(3);
    });
  });
}
