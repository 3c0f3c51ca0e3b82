import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Transfers } from '../../../main/transfers';
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

const FIRST_POST = `^/messageexchange/${SENDER}/outbox$`;
const chunkPost = (k: number) => `^/messageexchange/${SENDER}/outbox/[^/]+/${k}$`;
const chunkGet = (k: number) =>
  k === 1 ? `^/messageexchange/${RECIPIENT}/inbox/[^/]+$` : `^/messageexchange/${RECIPIENT}/inbox/[^/]+/${k}$`;

async function send(engine: Transfers, size: number, name = 'data.bin') {
  const file = await bed.randomFile(name, size);
  const queued = await engine.queue.enqueueUpload({ profileId: SENDER, filePath: file.path, to: RECIPIENT, workflowId: WORKFLOW });
  return { file, result: await engine.queue.settled(queued.id) };
}

/** Messages the recipient can see now (accepted, not yet acknowledged). */
function delivered(): string[] {
  return bed.fixture.sandbox.inbox(RECIPIENT);
}

async function receiveOne(settings: { acknowledge?: 'after-save' | 'manual' } = {}) {
  const recipient = await bed.transfers(RECIPIENT, {}, { autoDownload: true, ...settings });
  await recipient.activity.pollInbox(RECIPIENT);
  const downloads = recipient.queue.list().filter((t) => t.kind === 'download');
  expect(downloads).toHaveLength(1);
  return recipient.queue.settled(downloads[0]!.id);
}

describe('connection trouble in the middle of a transfer needs no action from the person', () => {
  it('completes a send through resets, 5xx and 429 bursts on later chunks', async () => {
    const sender = await bed.transfers(SENDER);
    const faults = bed.fixture.sandbox.faults;
    faults.add({ kind: 'reset-mid-body', afterBytes: 200_000, match: { method: 'POST', path: chunkPost(2) }, count: 2 });
    faults.add({
      kind: 'status',
      status: 503,
      body: '<html>Service Unavailable</html>',
      contentType: 'text/html',
      match: { method: 'POST', path: chunkPost(3) },
      count: 7,
    });
    faults.add({ kind: 'status', status: 429, headers: { 'retry-after': '0' }, match: { method: 'POST', path: chunkPost(4) }, count: 3 });
    faults.add({ kind: 'reset-after-body', match: { method: 'POST', path: chunkPost(4) }, count: 1 });
    const { file, result } = await send(sender, 4 * MiB + 99);
    expect(result).toMatchObject({ state: 'done' });
    expect(faults.list()).toEqual([]);
    expect(bed.fixture.sandbox.outbox(SENDER)).toHaveLength(1);
    expect(delivered()).toEqual([result.messageId]);
    const saved = await receiveOne();
    expect(await sha256OfFile(saved.savedPath!)).toBe(file.sha256);
  });

  it('completes a download through resets, truncation and 5xx bursts, acknowledging only at the end', async () => {
    const sender = await bed.transfers(SENDER);
    const { file, result } = await send(sender, 3 * MiB + 5);
    const faults = bed.fixture.sandbox.faults;
    faults.add({ kind: 'status', status: 502, match: { method: 'GET', path: chunkGet(1) }, count: 6 });
    faults.add({
      kind: 'reset-mid-body',
      afterBytes: 300_000,
      direction: 'response',
      match: { method: 'GET', path: chunkGet(2) },
      count: 2,
    });
    faults.add({ kind: 'truncate', afterBytes: 1000, match: { method: 'GET', path: chunkGet(3) }, count: 2 });
    faults.add({ kind: 'status', status: 500, body: 'oops', match: { method: 'PUT' }, count: 1 });
    const saved = await receiveOne();
    expect(saved.state).toBe('done');
    expect(faults.list()).toEqual([]);
    expect(await sha256OfFile(saved.savedPath!)).toBe(file.sha256);
    expect(bed.status(result.messageId!)).toBe('acknowledged');
  });
});

describe('a first POST whose answer was lost', () => {
  it('finds that a single-chunk message landed and does not send it again', async () => {
    const sender = await bed.transfers(SENDER);
    bed.fixture.sandbox.faults.add({ kind: 'reset-after-body', match: { method: 'POST', path: FIRST_POST }, count: 1 });
    const { file, result } = await send(sender, 10_000);
    expect(result.state).toBe('done');
    expect(bed.fixture.sandbox.outbox(SENDER)).toHaveLength(1);
    expect(delivered()).toEqual([result.messageId]);
    const [sent] = await sender.activity.sentHistory(SENDER);
    expect(sent).toMatchObject({ messageId: result.messageId });
    expect(sent!.outcomeNote).toMatch(/is the one MESH Desktop sent/);
    const saved = await receiveOne();
    expect(await sha256OfFile(saved.savedPath!)).toBe(file.sha256);
  });

  it('finds that chunk 1 of a chunked message landed and carries on with chunk 2', async () => {
    const sender = await bed.transfers(SENDER);
    bed.fixture.sandbox.faults.add({ kind: 'reset-after-body', match: { method: 'POST', path: FIRST_POST }, count: 1 });
    const { file, result } = await send(sender, 3 * MiB);
    expect(result.state).toBe('done');
    expect(bed.fixture.sandbox.outbox(SENDER)).toEqual([result.messageId]);
    expect(delivered()).toEqual([result.messageId]);
    const saved = await receiveOne();
    expect(await sha256OfFile(saved.savedPath!)).toBe(file.sha256);
  });

  it('sends chunk 1 of a chunked message again when it did not land (an unfinished copy is never delivered)', async () => {
    const sender = await bed.transfers(SENDER);
    bed.fixture.sandbox.faults.add({ kind: 'reset-mid-body', afterBytes: 100_000, match: { method: 'POST', path: FIRST_POST }, count: 1 });
    const { file, result } = await send(sender, 2 * MiB + 1);
    expect(result.state).toBe('done');
    expect(delivered()).toEqual([result.messageId]);
    const saved = await receiveOne();
    expect(await sha256OfFile(saved.savedPath!)).toBe(file.sha256);
  });

  it('asks the person about a single-chunk message MESH cannot find when the search is unproven, and sends again only when told', async () => {
    const sender = await bed.transfers(SENDER);
    bed.fixture.sandbox.faults.add({ kind: 'reset-mid-body', afterBytes: 100_000, match: { method: 'POST', path: FIRST_POST }, count: 1 });
    const { file, result } = await send(sender, 200_000);
    expect(result.state).toBe('failed');
    expect(result.error?.code).toBe('send-outcome-unknown');
    expect(result.error?.message).toMatch(/cannot tell whether data\.bin reached MESH/);
    expect(result.cancellable).toBe(true);
    expect(delivered()).toEqual([]);

    const again = await sender.queue.settled((await sender.queue.retry(result.id, { sendAgain: true })).id);
    expect(again.state).toBe('done');
    expect(delivered()).toEqual([again.messageId]);
    const saved = await receiveOne();
    expect(await sha256OfFile(saved.savedPath!)).toBe(file.sha256);
  });

  it('sends a single-chunk message again by itself once MESH’s search has found an earlier message of this mailbox', async () => {
    const sender = await bed.transfers(SENDER);
    const canary = await send(sender, 1000, 'earlier.txt');
    expect(canary.result.state).toBe('done');
    bed.fixture.sandbox.faults.add({ kind: 'reset-mid-body', afterBytes: 100_000, match: { method: 'POST', path: FIRST_POST }, count: 1 });
    const { result } = await send(sender, 200_000);
    expect(result.state).toBe('done');
    expect(bed.fixture.sandbox.outbox(SENDER)).toHaveLength(2);
    expect(delivered().sort()).toEqual([canary.result.messageId, result.messageId].sort());
  });

  it('with the person’s own reference, tells its message from an older one that reused the reference', async () => {
    const sender = await bed.transfers(SENDER);
    const first = await bed.randomFile('first.txt', 1000);
    const older = await sender.queue.settled(
      (
        await sender.queue.enqueueUpload({
          profileId: SENDER,
          filePath: first.path,
          to: RECIPIENT,
          workflowId: WORKFLOW,
          localId: 'INV-2025-07',
        })
      ).id,
    );
    expect(older.state).toBe('done');
    bed.fixture.sandbox.faults.add({ kind: 'reset-after-body', match: { method: 'POST', path: FIRST_POST }, count: 1 });
    const second = await bed.randomFile('second.txt', 2000);
    const queued = await sender.queue.enqueueUpload({
      profileId: SENDER,
      filePath: second.path,
      to: RECIPIENT,
      workflowId: WORKFLOW,
      localId: 'INV-2025-07',
    });
    const result = await sender.queue.settled(queued.id);
    expect(result.state).toBe('done');
    expect(result.messageId).not.toBe(older.messageId);
    expect(bed.fixture.sandbox.message(result.messageId!)?.file_size).toBe(2000);
    expect(delivered().sort()).toEqual([older.messageId, result.messageId].sort());
    const history = await sender.activity.sentHistory(SENDER);
    const mine = history.find((sent) => sent.messageId === result.messageId)!;
    expect(mine.localId).toBe('INV-2025-07');
    expect(mine.appLocalId).toMatch(/^MD-/);
    expect(mine.outcomeNote).toMatch(/only .* is new/);
  });

  it('with the person’s own reference and no earlier use, adopts the message it finds', async () => {
    const sender = await bed.transfers(SENDER);
    bed.fixture.sandbox.faults.add({ kind: 'reset-after-body', match: { method: 'POST', path: FIRST_POST }, count: 1 });
    const file = await bed.randomFile('mine.txt', 1000);
    const result = await sender.queue.settled(
      (await sender.queue.enqueueUpload({ profileId: SENDER, filePath: file.path, to: RECIPIENT, workflowId: WORKFLOW, localId: 'REF-1' }))
        .id,
    );
    expect(result.state).toBe('done');
    expect(delivered()).toEqual([result.messageId]);
  });

  it('keeps checking while MESH cannot be asked, then settles it', async () => {
    const sender = await bed.transfers(SENDER);
    bed.fixture.sandbox.faults.add({ kind: 'reset-after-body', match: { method: 'POST', path: FIRST_POST }, count: 1 });
    bed.fixture.sandbox.faults.add({ kind: 'status', status: 503, match: { method: 'GET', path: '/outbox/tracking/' }, count: 12 });
    const { result } = await send(sender, 5000);
    expect(result.state).toBe('done');
    expect(bed.fixture.sandbox.outbox(SENDER)).toHaveLength(1);
  });

  it('survives a burst of 5xx longer than the client’s own retries', async () => {
    const sender = await bed.transfers(SENDER);
    bed.fixture.sandbox.faults.add({ kind: 'status', status: 503, match: { method: 'POST', path: FIRST_POST }, count: 12 });
    const { result } = await send(sender, 5000);
    expect(result.state).toBe('done');
    expect(bed.fixture.sandbox.outbox(SENDER)).toHaveLength(1);
  });
});
