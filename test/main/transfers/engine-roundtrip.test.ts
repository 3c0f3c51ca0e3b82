import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { TransferProgress, Transfers } from '../../../main/transfers';
import { MiB, RECIPIENT, SENDER, WORKFLOW, sha256OfFile, startEngineBed, type EngineBed } from './engine-fixture';

let bed: EngineBed;
beforeAll(async () => {
  bed = await startEngineBed();
});
afterAll(async () => {
  await bed?.close();
});
beforeEach(async () => {
  await bed.reset();
});

async function receiveAll(engine: Transfers) {
  const poll = await engine.activity.pollInbox(RECIPIENT);
  const finished = await Promise.all(
    engine.queue
      .list()
      .filter((t) => t.kind === 'download')
      .map((t) => engine.queue.settled(t.id)),
  );
  return { poll, finished };
}

describe('sending and receiving through the engine', () => {
  it('sends a chunked file and the recipient saves it byte for byte, verified, then acknowledges it', async () => {
    const sender = await bed.transfers(SENDER, { progressIntervalMs: 0 });
    const recipient = await bed.transfers(RECIPIENT, {}, { autoDownload: true });
    const received: TransferProgress[] = [];
    recipient.queue.onProgress((progress) => received.push(progress));
    const file = await bed.randomFile('lab results.csv', 3 * MiB + 12_345);
    const events: TransferProgress[] = [];
    sender.queue.onProgress((progress) => events.push(progress));

    const queued = await sender.queue.enqueueUpload({
      profileId: SENDER,
      filePath: file.path,
      to: RECIPIENT,
      workflowId: WORKFLOW,
      subject: 'Results',
      checksum: true,
    });
    expect(queued).toMatchObject({ state: 'queued', kind: 'upload', bytesTotal: 3 * MiB + 12_345, chunk: { k: 1, n: 4 } });
    const sent = await sender.queue.settled(queued.id);
    expect(sent).toMatchObject({ state: 'done', bytesDone: 3 * MiB + 12_345, cancellable: false });
    expect(sent.messageId).toBeTruthy();
    expect(events.map((e) => e.state)).toContain('running');
    expect(events.some((e) => e.chunk?.k === 3 && e.chunk.n === 4)).toBe(true);
    expect(events.some((e) => e.state === 'running' && e.rate !== undefined && e.rate > 0 && e.secondsLeft !== undefined)).toBe(true);
    const byteCounts = events.filter((e) => e.state === 'running').map((e) => e.bytesDone);
    expect(Math.max(...byteCounts)).toBeGreaterThan(0);

    const history = await sender.activity.sentHistory(SENDER);
    expect(history).toHaveLength(1);
    expect(history[0]).toMatchObject({
      messageId: sent.messageId,
      to: RECIPIENT,
      workflowId: WORKFLOW,
      subject: 'Results',
      fileName: 'lab results.csv',
      size: 3 * MiB + 12_345,
      checksum: `sha256:${file.sha256}`,
    });
    expect(history[0]!.localId).toMatch(/^MD-[0-9a-f-]{36}$/);

    const { poll, finished } = await receiveAll(recipient);
    expect(poll).toMatchObject({ listed: 1, newMessages: 1, downloadsQueued: 1, moreWaiting: false, handshake: true });
    expect(finished).toHaveLength(1);
    expect(finished[0]).toMatchObject({ state: 'done', messageId: sent.messageId });
    // Checking and saving are shown as they start, though neither writes the journal for it.
    expect(received.filter((e) => e.state === 'verifying').map((e) => e.note)).toEqual([undefined, 'Saving the file']);
    const savedPath = finished[0]!.savedPath!;
    expect(savedPath).toBe(join(bed.downloadFolder(RECIPIENT), 'lab results.csv'));
    expect(await sha256OfFile(savedPath)).toBe(file.sha256);
    expect(bed.status(sent.messageId!)).toBe('acknowledged');

    const sidecar = JSON.parse(await readFile(`${savedPath}.mesh.json`, 'utf8'));
    expect(sidecar).toMatchObject({
      messageId: sent.messageId,
      sender: SENDER,
      recipient: RECIPIENT,
      workflowId: WORKFLOW,
      subject: 'Results',
      fileNameAsSent: 'lab results.csv',
      savedAs: 'lab results.csv',
      size: 3 * MiB + 12_345,
      chunks: 4,
      checksum: `sha256:${file.sha256}`,
      checksumResult: 'verified',
      checksumAlgorithm: 'sha256',
    });
    expect(sidecar.localId).toBe(history[0]!.localId);
    expect(sidecar.acknowledgedAt).toBeTruthy();
    expect(sidecar.savedAt).toBeTruthy();
    expect((await readdir(bed.downloadFolder(RECIPIENT))).sort()).toEqual(['lab results.csv', 'lab results.csv.mesh.json']);
    expect(await recipient.activity.inbox(RECIPIENT)).toEqual([]);
    expect(bed.fixture.sandbox.lastHandshake(RECIPIENT)?.clientVersion).toBeTruthy();
  });

  it('sends no checksum unless asked, and the recipient saves the file marked as not checked against one', async () => {
    const sender = await bed.transfers(SENDER);
    const recipient = await bed.transfers(RECIPIENT, {}, { autoDownload: true });
    const file = await bed.randomFile('scan.pdf', 2 * MiB + 7);
    const states: string[] = [];
    sender.queue.onProgress((progress) => states.push(progress.note ?? ''));

    const sent = await sender.queue.settled(
      (await sender.queue.enqueueUpload({ profileId: SENDER, filePath: file.path, to: RECIPIENT, workflowId: WORKFLOW })).id,
    );
    expect(sent.state).toBe('done');
    expect(states.some((note) => /checksum/i.test(note))).toBe(false);
    expect(bed.fixture.sandbox.message(sent.messageId!)?.metadata.checksum).toBeUndefined();
    expect((await sender.activity.sentHistory(SENDER))[0]?.checksum).toBeUndefined();

    const { finished } = await receiveAll(recipient);
    expect(finished[0]).toMatchObject({ state: 'done', messageId: sent.messageId });
    expect(await sha256OfFile(finished[0]!.savedPath!)).toBe(file.sha256);
    const sidecar = JSON.parse(await readFile(`${finished[0]!.savedPath!}.mesh.json`, 'utf8'));
    expect(sidecar).toMatchObject({ checksumResult: 'not-checked', size: 2 * MiB + 7 });
    expect(sidecar.checksum).toBeUndefined();
  });

  it('sends compressed (each chunk gzipped on its own) and the file arrives identical', async () => {
    const sender = await bed.transfers(SENDER);
    const recipient = await bed.transfers(RECIPIENT, {}, { autoDownload: true });
    const file = await bed.randomFile('scan.bin', 2 * MiB + 7);
    const queued = await sender.queue.enqueueUpload({
      profileId: SENDER,
      filePath: file.path,
      to: RECIPIENT,
      workflowId: WORKFLOW,
      compress: true,
    });
    const sent = await sender.queue.settled(queued.id);
    expect(sent.state).toBe('done');
    expect(bed.fixture.sandbox.message(sent.messageId!)?.metadata.content_encoding).toBe('gzip');
    const { finished } = await receiveAll(recipient);
    expect(await sha256OfFile(finished[0]!.savedPath!)).toBe(file.sha256);
  });

  it('sends a small file in one piece; a mailbox set to manual keeps it in the inbox until acknowledged', async () => {
    const sender = await bed.transfers(SENDER);
    const recipient = await bed.transfers(RECIPIENT, {}, { autoDownload: true, acknowledge: 'manual' });
    const file = await bed.randomFile('letter.txt', 5_000);
    const sent = await sender.queue.settled(
      (await sender.queue.enqueueUpload({ profileId: SENDER, filePath: file.path, to: RECIPIENT, workflowId: WORKFLOW })).id,
    );
    expect(bed.fixture.sandbox.message(sent.messageId!)?.total_chunks).toBe(1);

    const { finished } = await receiveAll(recipient);
    expect(finished[0]).toMatchObject({ state: 'done' });
    expect(await sha256OfFile(finished[0]!.savedPath!)).toBe(file.sha256);
    expect(bed.status(sent.messageId!)).toBe('accepted');
    const inbox = await recipient.activity.inbox(RECIPIENT);
    expect(inbox).toHaveLength(1);
    expect(inbox[0]).toMatchObject({
      savedPath: finished[0]!.savedPath,
      facts: { messageId: sent.messageId, from: SENDER, fileName: 'letter.txt' },
    });

    expect(await recipient.activity.acknowledge(RECIPIENT, [sent.messageId!])).toEqual([{ messageId: sent.messageId, ok: true }]);
    expect(bed.status(sent.messageId!)).toBe('acknowledged');
    expect(await recipient.activity.inbox(RECIPIENT)).toEqual([]);
    const sidecar = JSON.parse(await readFile(`${finished[0]!.savedPath}.mesh.json`, 'utf8'));
    expect(sidecar.acknowledgedAt).toBeTruthy();
  });

  it('never overwrites a file already in the download folder', async () => {
    const sender = await bed.transfers(SENDER);
    const recipient = await bed.transfers(RECIPIENT, {}, { autoDownload: true });
    const first = await bed.randomFile('same.csv', 1000);
    await sender.queue.settled(
      (await sender.queue.enqueueUpload({ profileId: SENDER, filePath: first.path, to: RECIPIENT, workflowId: WORKFLOW })).id,
    );
    await receiveAll(recipient);
    const second = await bed.randomFile('same.csv', 2000);
    await sender.queue.settled(
      (await sender.queue.enqueueUpload({ profileId: SENDER, filePath: second.path, to: RECIPIENT, workflowId: WORKFLOW })).id,
    );
    const { finished } = await receiveAll(recipient);
    const saved = finished.find((t) => t.savedPath?.endsWith('same (2).csv'));
    expect(saved).toBeDefined();
    expect(await sha256OfFile(join(bed.downloadFolder(RECIPIENT), 'same.csv'))).toBe(first.sha256);
    expect(await sha256OfFile(saved!.savedPath!)).toBe(second.sha256);
  });

  it('refuses what MESH would refuse before queueing anything', async () => {
    const sender = await bed.transfers(SENDER);
    const empty = await bed.randomFile('empty.txt', 0);
    await expect(
      sender.queue.enqueueUpload({ profileId: SENDER, filePath: empty.path, to: RECIPIENT, workflowId: WORKFLOW }),
    ).rejects.toMatchObject({ code: 'invalid-argument' });
    const file = await bed.randomFile('ok.txt', 10);
    await expect(
      sender.queue.enqueueUpload({ profileId: SENDER, filePath: file.path, to: RECIPIENT, workflowId: WORKFLOW, subject: 'x'.repeat(501) }),
    ).rejects.toMatchObject({
      code: 'invalid-header',
    });
    await expect(
      sender.queue.enqueueUpload({ profileId: SENDER, filePath: join(bed.dir, 'missing'), to: RECIPIENT, workflowId: WORKFLOW }),
    ).rejects.toMatchObject({
      code: 'file-not-found',
    });
    expect(sender.queue.list()).toEqual([]);
  });

  it('fails clearly when the recipient is not registered, without retrying', async () => {
    const sender = await bed.transfers(SENDER);
    const file = await bed.randomFile('x.txt', 10);
    const result = await sender.queue.settled(
      (await sender.queue.enqueueUpload({ profileId: SENDER, filePath: file.path, to: 'X99NOBODY', workflowId: WORKFLOW })).id,
    );
    expect(result.state).toBe('failed');
    expect(result.error?.code).toBe('recipient-not-registered');
    expect(bed.fixture.sandbox.outbox(SENDER)).toEqual([]);
  });

  it('refuses to send a file that changed after it was queued', async () => {
    const sender = await bed.transfers(SENDER, { concurrency: 1 });
    const blocker = await bed.randomFile('first.bin', 3 * MiB);
    bed.fixture.sandbox.faults.add({ kind: 'delay', ms: 300, match: { method: 'POST' }, count: 1 });
    const first = await sender.queue.enqueueUpload({ profileId: SENDER, filePath: blocker.path, to: RECIPIENT, workflowId: WORKFLOW });
    const file = await bed.randomFile('changing.txt', 100);
    const queued = await sender.queue.enqueueUpload({ profileId: SENDER, filePath: file.path, to: RECIPIENT, workflowId: WORKFLOW });
    await bed.randomFile('changing.txt', 200);
    await sender.queue.settled(first.id);
    const result = await sender.queue.settled(queued.id);
    expect(result).toMatchObject({ state: 'failed', error: { code: 'file-changed' } });
    expect((await stat(file.path)).size).toBe(200);
  });

  it('stops a chunked send whose file is edited mid-way, before the last chunk, so nothing is delivered', async () => {
    const sender = await bed.transfers(SENDER, { progressIntervalMs: 0 });
    bed.fixture.sandbox.faults.add({ kind: 'delay', ms: 300, match: { method: 'POST', path: '/outbox/[^/]+/2$' }, count: 1 });
    const file = await bed.randomFile('edited.bin', 3 * MiB);
    const queued = await sender.queue.enqueueUpload({ profileId: SENDER, filePath: file.path, to: RECIPIENT, workflowId: WORKFLOW });
    await new Promise<void>((resolve) => {
      const stop = sender.queue.onProgress((p) => {
        if (p.id === queued.id && p.chunk?.k === 2) {
          stop();
          resolve();
        }
      });
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    await bed.randomFile('edited.bin', 3 * MiB);
    const result = await sender.queue.settled(queued.id);
    expect(result).toMatchObject({ state: 'failed', error: { code: 'file-changed' } });
    expect(bed.status(result.messageId!)).toBe('uploading');
    expect(bed.fixture.sandbox.inbox(RECIPIENT)).toEqual([]);
  });

  it('refuses to save a file whose checksum does not match the sender’s, and does not acknowledge it', async () => {
    const file = await bed.randomFile('damaged.csv', 50_000);
    const messageId = await bed
      .client(SENDER)
      .sendFile(file.path, { to: RECIPIENT, workflowId: WORKFLOW, fileName: 'damaged.csv', checksum: `sha256:${'0'.repeat(64)}` });
    const recipient = await bed.transfers(RECIPIENT, {}, { autoDownload: true });
    await recipient.activity.pollInbox(RECIPIENT);
    const result = await recipient.queue.settled(recipient.queue.list()[0]!.id);
    expect(result).toMatchObject({ state: 'failed', error: { code: 'checksum-mismatch' } });
    expect(result.error?.message).toMatch(/did not arrive intact/);
    expect(bed.status(messageId)).toBe('accepted');
    expect((await readdir(bed.downloadFolder(RECIPIENT))).every((name) => name.endsWith('.mesh.part'))).toBe(true);
  });

  it('saves a file without a recognisable checksum and records that it was not checked', async () => {
    const file = await bed.randomFile('plain.txt', 1234);
    await bed
      .client(SENDER)
      .sendFile(file.path, { to: RECIPIENT, workflowId: WORKFLOW, fileName: 'plain.txt', checksum: 'crc32:1234abcd' });
    const recipient = await bed.transfers(RECIPIENT, {}, { autoDownload: true });
    await recipient.activity.pollInbox(RECIPIENT);
    const result = await recipient.queue.settled(recipient.queue.list()[0]!.id);
    expect(result.state).toBe('done');
    const sidecar = JSON.parse(await readFile(`${result.savedPath}.mesh.json`, 'utf8'));
    expect(sidecar).toMatchObject({ checksum: 'crc32:1234abcd', checksumResult: 'not-checked', size: 1234 });
    expect(await sha256OfFile(result.savedPath!)).toBe(file.sha256);
  });
});
