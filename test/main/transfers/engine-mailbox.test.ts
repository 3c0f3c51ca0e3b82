import { readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { TransferClient, Transfers, TransferProgress } from '../../../main/transfers';
import { profileFolderName } from '../../../main/transfers/mailbox-store';
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

const DAY = 24 * 3_600_000;

async function sendAndWait(engine: Transfers, size: number, extra: { fileName?: string; localId?: string } = {}) {
  const file = await bed.randomFile(`f-${Math.random().toString(36).slice(2)}.bin`, size);
  const queued = await engine.queue.enqueueUpload({
    profileId: SENDER,
    filePath: file.path,
    to: RECIPIENT,
    workflowId: WORKFLOW,
    ...extra,
  });
  return { file, result: await engine.queue.settled(queued.id) };
}

/** Resolves with the first progress event that matches. */
function waitFor(engine: Transfers, predicate: (progress: TransferProgress) => boolean): Promise<TransferProgress> {
  return new Promise((resolve) => {
    const stop = engine.queue.onProgress((progress) => {
      if (!predicate(progress)) return;
      stop();
      resolve(progress);
    });
  });
}

describe('hostile file names from senders', () => {
  it('land safely inside the download folder', async () => {
    const sender = await bed.transfers(SENDER);
    const names = [
      '..\\..\\Windows\\evil.exe',
      '../../.bashrc',
      'CON',
      'con.txt',
      'C:\\x',
      '\\\\server\\share\\x',
      'trailing dots...',
      `${'n'.repeat(290)}.csv`,
      '<>:"|?*.txt',
      '..',
      'x.mesh.json',
    ];
    for (const fileName of names) await sendAndWait(sender, 100, { fileName });
    const recipient = await bed.transfers(RECIPIENT, {}, { autoDownload: true });
    await recipient.activity.pollInbox(RECIPIENT);
    const results = await Promise.all(recipient.queue.list().map((t) => recipient.queue.settled(t.id)));
    expect(results).toHaveLength(names.length);
    const folder = bed.downloadFolder(RECIPIENT);
    for (const result of results) {
      expect(result.state).toBe('done');
      expect(dirname(result.savedPath!)).toBe(folder);
    }
    const saved = (await readdir(folder)).filter((name) => !name.endsWith('.mesh.json')).sort();
    expect(saved).toHaveLength(names.length);
    for (const expected of ['evil.exe', 'bashrc', '_CON', '_con.txt', 'x', 'x (2)', 'trailing dots', '_______.txt', 'x_mesh.json']) {
      expect(saved).toContain(expected);
    }
    expect(saved.filter((name) => /^n+\.csv$/.test(name))).toHaveLength(1);
    expect(saved.filter((name) => /^[0-9A-Z_]+\.dat$/.test(name))).toHaveLength(1);
    for (const name of saved) expect(Buffer.byteLength(name)).toBeLessThanOrEqual(200);
    // Nothing was written anywhere else in the scratch folder's parent.
    expect((await readdir(dirname(folder))).filter((name) => name.startsWith('received-'))).toEqual([
      `received-${RECIPIENT}-${folder.split('-').pop()}`,
    ]);
  });
});

describe('non-delivery reports', () => {
  it('are matched to the sent message, shown with reason and code, and acknowledged', async () => {
    const sender = await bed.transfers(SENDER);
    const { result } = await sendAndWait(sender, 1000);
    const sandbox = bed.fixture.sandbox;
    sandbox.advanceClock(6 * DAY);
    const [reportId] = await sandbox.expireMessages();
    sandbox.advanceClock(-6 * DAY);
    expect(reportId).toBeTruthy();

    const poll = await sender.activity.pollInbox(SENDER);
    expect(poll).toMatchObject({ reports: 1, newMessages: 1 });
    const [sent] = await sender.activity.sentHistory(SENDER);
    expect(sent).toMatchObject({
      messageId: result.messageId,
      status: 'undeliverable',
      statusCode: '14',
      nonDelivery: { reportMessageId: reportId, code: '14' },
    });
    expect(sent!.nonDelivery?.description).toMatch(/\S/);
    expect(bed.status(reportId!)).toBe('acknowledged');
    expect(await sender.activity.inbox(SENDER)).toEqual([]);
    expect(await sender.activity.unmatchedReports(SENDER)).toEqual([]);
  });

  it('that match nothing sent from here are kept, then acknowledged', async () => {
    const raw = bed.client(SENDER);
    const file = await bed.randomFile('other.txt', 10);
    const messageId = await raw.sendFile(file.path, { to: RECIPIENT, workflowId: WORKFLOW });
    const sandbox = bed.fixture.sandbox;
    sandbox.advanceClock(6 * DAY);
    const [reportId] = await sandbox.expireMessages();
    sandbox.advanceClock(-6 * DAY);
    const sender = await bed.transfers(SENDER);
    await sender.activity.pollInbox(SENDER);
    expect(await sender.activity.unmatchedReports(SENDER)).toEqual([
      expect.objectContaining({ reportMessageId: reportId, linkedMessageId: messageId, code: '14' }),
    ]);
    expect(bed.status(reportId!)).toBe('acknowledged');
  });
});

describe('polling', () => {
  it('caches HEAD details, pages through links.next, and drains a backlog at once', async () => {
    const raw = bed.client(SENDER);
    for (let i = 0; i < 23; i++) {
      const file = await bed.randomFile(`m${i}.txt`, 10);
      await raw.sendFile(file.path, { to: RECIPIENT, workflowId: WORKFLOW, subject: `Message ${i}`, fileName: `m${i}.txt` });
    }
    let heads = 0;
    const counting: TransferClient = new Proxy(bed.client(RECIPIENT), {
      get(target, property, receiver) {
        if (property === 'headMessage') {
          return (id: string) => {
            heads++;
            return target.headMessage(id);
          };
        }
        const value = Reflect.get(target, property, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const recipient = await bed.transfers(RECIPIENT, { clientFor: () => counting, pageSize: 10 });
    const first = await recipient.activity.pollInbox(RECIPIENT);
    expect(first).toMatchObject({ listed: 23, newMessages: 23, moreWaiting: false, handshake: true });
    expect(await recipient.activity.pollInbox(RECIPIENT)).toMatchObject({ listed: 23, newMessages: 0 });
    expect(heads).toBe(23);
    const inbox = await recipient.activity.inbox(RECIPIENT);
    expect(inbox).toHaveLength(23);
    expect(inbox[0]).toMatchObject({
      facts: { from: SENDER, workflowId: WORKFLOW, subject: 'Message 0', fileName: 'm0.txt', messageType: 'DATA' },
      expiringSoon: false,
      expired: false,
    });
    expect(new Date(inbox[0]!.expiresAt).getTime() - new Date(inbox[0]!.receivedAt).getTime()).toBe(5 * DAY);
    // Within five minutes of the last check, "check now" says when it may check again.
    const refused = await recipient.activity.checkNow(RECIPIENT);
    expect(refused.checked).toBe(false);
    expect(refused.checked === false && refused.nextAllowedAt.getTime() - Date.now()).toBeGreaterThan(4 * 60_000);
  });

  it('drains a backlog bigger than one check: the next check may follow at once, after the batch is received', async () => {
    const raw = bed.client(SENDER);
    for (let i = 0; i < 13; i++) {
      const file = await bed.randomFile(`b${i}.txt`, 10);
      await raw.sendFile(file.path, { to: RECIPIENT, workflowId: WORKFLOW });
    }
    const recipient = await bed.transfers(RECIPIENT, { pageSize: 10, maxMessagesPerPoll: 10 }, { autoDownload: true });
    const first = await recipient.activity.checkNow(RECIPIENT);
    expect(first).toMatchObject({ checked: true, result: { listed: 10, downloadsQueued: 10, moreWaiting: true } });
    expect(first.checked && first.result.nextPollAt.getTime()).toBeLessThanOrEqual(Date.now());
    await Promise.all(recipient.queue.list().map((t) => recipient.queue.settled(t.id)));
    const second = await recipient.activity.checkNow(RECIPIENT);
    expect(second).toMatchObject({ checked: true, result: { listed: 3, newMessages: 3, downloadsQueued: 3, moreWaiting: false } });
    await Promise.all(recipient.queue.list().map((t) => recipient.queue.settled(t.id)));
    expect(bed.fixture.sandbox.inbox(RECIPIENT)).toEqual([]);
    expect((await readdir(bed.downloadFolder(RECIPIENT))).filter((name) => !name.endsWith('.mesh.json'))).toHaveLength(13);
    expect((await recipient.activity.checkNow(RECIPIENT)).checked).toBe(false);
  });

  it('polls on its own schedule: at once on start, then not again within the floor', async () => {
    const raw = bed.client(SENDER);
    const file = await bed.randomFile('scheduled.txt', 10);
    await raw.sendFile(file.path, { to: RECIPIENT, workflowId: WORKFLOW, fileName: 'scheduled.txt' });
    let listings = 0;
    const counting: TransferClient = new Proxy(bed.client(RECIPIENT), {
      get(target, property, receiver) {
        if (property === 'listInbox') {
          return (options: Parameters<TransferClient['listInbox']>[0]) => {
            listings++;
            return target.listInbox(options);
          };
        }
        const value = Reflect.get(target, property, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const recipient = await bed.transfers(RECIPIENT, { clientFor: () => counting }, { autoDownload: true });
    const queued = new Promise<TransferProgress>((resolve) => {
      const stop = recipient.queue.onProgress((p) => {
        if (p.kind === 'download' && p.state === 'done') {
          stop();
          resolve(p);
        }
      });
    });
    recipient.activity.startPolling(RECIPIENT);
    const received = await queued;
    expect(await sha256OfFile(received.savedPath!)).toBe(file.sha256);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(listings).toBe(1);
    recipient.activity.stopPolling(RECIPIENT);
    expect(bed.fixture.sandbox.lastHandshake(RECIPIENT)).toBeDefined();
  });

  it('flags messages in their last day', async () => {
    const raw = bed.client(SENDER);
    const file = await bed.randomFile('old.txt', 10);
    await raw.sendFile(file.path, { to: RECIPIENT, workflowId: WORKFLOW });
    let now = Date.now();
    const recipient = await bed.transfers(RECIPIENT, { clock: () => new Date(now) });
    await recipient.activity.pollInbox(RECIPIENT);
    expect((await recipient.activity.inbox(RECIPIENT))[0]).toMatchObject({ expiringSoon: false });
    now += 4.5 * DAY;
    expect((await recipient.activity.inbox(RECIPIENT))[0]).toMatchObject({ expiringSoon: true, expired: false });
  });
});

describe('sent history tracking', () => {
  it('follows accepted → acknowledged politely and stops once final', async () => {
    let now = Date.now();
    const sender = await bed.transfers(SENDER, { clock: () => new Date(now) });
    const { result } = await sendAndWait(sender, 1000);
    expect(await sender.activity.refreshTracking(SENDER)).toEqual([]);
    const [accepted] = await sender.activity.refreshTracking(SENDER, { onDemand: true });
    expect(accepted).toMatchObject({ messageId: result.messageId, status: 'accepted', recipientName: 'County Hospital Pathology' });
    expect(await sender.activity.refreshTracking(SENDER, { onDemand: true })).toEqual([]);

    await bed.client(RECIPIENT).acknowledge(result.messageId!);
    now += 15 * 60_000;
    const [acknowledged] = await sender.activity.refreshTracking(SENDER);
    expect(acknowledged).toMatchObject({ status: 'acknowledged' });
    now += 60 * 60_000;
    expect(await sender.activity.refreshTracking(SENDER)).toEqual([]);
    expect(await sender.activity.refreshTracking(SENDER, { onDemand: true })).toEqual([]);
    expect((await sender.activity.sentHistory(SENDER))[0]).toMatchObject({ status: 'acknowledged' });
  });
});

describe('cancel, pause and resume', () => {
  it('cancelling a chunked send before its last chunk leaves nothing delivered', async () => {
    const sender = await bed.transfers(SENDER, { progressIntervalMs: 0 });
    bed.fixture.sandbox.faults.add({ kind: 'delay', ms: 400, match: { method: 'POST', path: '/outbox/[^/]+/3$' }, count: 1 });
    const file = await bed.randomFile('big.bin', 4 * MiB);
    const queued = await sender.queue.enqueueUpload({ profileId: SENDER, filePath: file.path, to: RECIPIENT, workflowId: WORKFLOW });
    await waitFor(sender, (p) => p.id === queued.id && p.chunk?.k === 3);
    const outcome = await sender.queue.cancel(queued.id);
    expect(outcome.cancelled).toBe(true);
    expect(outcome.progress.note).toMatch(/unfinished copy .* never be delivered/);
    const messageId = outcome.progress.messageId!;
    expect(bed.status(messageId)).toBe('uploading');
    expect(bed.fixture.sandbox.inbox(RECIPIENT)).toEqual([]);
    expect(await sender.activity.sentHistory(SENDER)).toEqual([]);
  });

  it('refuses to cancel once the last chunk is on the wire, and says why', async () => {
    const sender = await bed.transfers(SENDER, { progressIntervalMs: 0 });
    bed.fixture.sandbox.faults.add({ kind: 'delay', ms: 400, match: { method: 'POST', path: '/outbox/[^/]+/2$' }, count: 1 });
    const file = await bed.randomFile('two.bin', MiB + 10);
    const queued = await sender.queue.enqueueUpload({ profileId: SENDER, filePath: file.path, to: RECIPIENT, workflowId: WORKFLOW });
    const inFlight = await waitFor(sender, (p) => p.id === queued.id && p.chunk?.k === 2 && !p.cancellable);
    expect(inFlight.cancellable).toBe(false);
    const outcome = await sender.queue.cancel(queued.id);
    expect(outcome).toMatchObject({ cancelled: false, reason: expect.stringMatching(/too late to cancel: the last part/) });
    expect((await sender.queue.settled(queued.id)).state).toBe('done');
    expect(bed.fixture.sandbox.inbox(RECIPIENT)).toHaveLength(1);
  });

  it('refuses to cancel a single-chunk send once its POST is on the wire', async () => {
    const sender = await bed.transfers(SENDER, { progressIntervalMs: 0 });
    bed.fixture.sandbox.faults.add({ kind: 'delay', ms: 400, match: { method: 'POST', path: '/outbox$' }, count: 1 });
    const file = await bed.randomFile('one.bin', 1000);
    const queued = await sender.queue.enqueueUpload({ profileId: SENDER, filePath: file.path, to: RECIPIENT, workflowId: WORKFLOW });
    await waitFor(sender, (p) => p.id === queued.id && !p.cancellable);
    const outcome = await sender.queue.cancel(queued.id);
    expect(outcome).toMatchObject({ cancelled: false, reason: expect.stringMatching(/sent in one piece cannot be called back/) });
    expect((await sender.queue.settled(queued.id)).state).toBe('done');
  });

  it('cancelling a download removes the partial file and leaves the message in the inbox', async () => {
    const sender = await bed.transfers(SENDER);
    const { result } = await sendAndWait(sender, 3 * MiB);
    const recipient = await bed.transfers(RECIPIENT, { progressIntervalMs: 0 });
    bed.fixture.sandbox.faults.add({ kind: 'delay', ms: 400, match: { method: 'GET', path: '/inbox/[^/]+/2$' }, count: 1 });
    const queued = await recipient.queue.enqueueDownload({ profileId: RECIPIENT, messageId: result.messageId! });
    await waitFor(recipient, (p) => p.id === queued.id && p.chunk?.k === 2);
    expect((await recipient.queue.cancel(queued.id)).cancelled).toBe(true);
    expect(await readdir(bed.downloadFolder(RECIPIENT))).toEqual([]);
    expect(bed.status(result.messageId!)).toBe('accepted');
  });

  it('pauses a send at a safe point and resumes it to exactly one delivered message', async () => {
    const sender = await bed.transfers(SENDER, { progressIntervalMs: 0 });
    bed.fixture.sandbox.faults.add({ kind: 'delay', ms: 300, match: { method: 'POST', path: '/outbox/[^/]+/2$' }, count: 1 });
    const file = await bed.randomFile('pausing.bin', 3 * MiB);
    const queued = await sender.queue.enqueueUpload({ profileId: SENDER, filePath: file.path, to: RECIPIENT, workflowId: WORKFLOW });
    await waitFor(sender, (p) => p.id === queued.id && p.chunk?.k === 2);
    const paused = await sender.queue.pause(queued.id);
    expect(paused.state).toBe('paused');
    expect(bed.status(paused.messageId!)).toBe('uploading');
    await sender.queue.resume(queued.id);
    const done = await sender.queue.settled(queued.id);
    expect(done.state).toBe('done');
    expect(bed.fixture.sandbox.outbox(SENDER)).toEqual([done.messageId]);
    const recipient = await bed.transfers(RECIPIENT, {}, { autoDownload: true });
    await recipient.activity.pollInbox(RECIPIENT);
    const received = await recipient.queue.settled(recipient.queue.list()[0]!.id);
    expect(await sha256OfFile(received.savedPath!)).toBe(file.sha256);
  });

  it('carries on after a shutdown from the journal, in a new engine', async () => {
    const sender = await bed.transfers(SENDER, { progressIntervalMs: 0, stateFolder: join(bed.dir, 'shared-state') });
    bed.fixture.sandbox.faults.add({ kind: 'delay', ms: 300, match: { method: 'POST', path: '/outbox/[^/]+/3$' }, count: 1 });
    const file = await bed.randomFile('restart.bin', 4 * MiB);
    const queued = await sender.queue.enqueueUpload({ profileId: SENDER, filePath: file.path, to: RECIPIENT, workflowId: WORKFLOW });
    await waitFor(sender, (p) => p.id === queued.id && p.chunk?.k === 3);
    await sender.shutdown();
    expect(sender.queue.get(queued.id)?.state).toBe('queued');
    const again = await bed.transfers(SENDER, { stateFolder: join(bed.dir, 'shared-state') });
    const done = await again.queue.settled(queued.id);
    expect(done.state).toBe('done');
    expect(bed.fixture.sandbox.outbox(SENDER)).toEqual([done.messageId]);
    expect((await again.activity.sentHistory(SENDER))[0]).toMatchObject({ messageId: done.messageId });
  });
});

describe('a send\'s history line and its "done", written together', () => {
  /** A finished send, stopped cleanly, so its journal record and its history line are each in their own file. */
  async function finishedSend(name: string) {
    const stateFolder = join(bed.dir, `together-${name}`);
    const sender = await bed.transfers(SENDER, { stateFolder });
    const file = await bed.randomFile(`${name}.bin`, 3000);
    const queued = await sender.queue.enqueueUpload({ profileId: SENDER, filePath: file.path, to: RECIPIENT, workflowId: WORKFLOW });
    const done = await sender.queue.settled(queued.id);
    await sender.shutdown();
    return { stateFolder, done, record: join(stateFolder, 'journal', `${queued.id}.json`) };
  }
  const sentFiles = (stateFolder: string) =>
    ['sent.json', 'sent.jsonl'].map((f) => join(stateFolder, 'mailboxes', profileFolderName(SENDER), f));

  it('a crash that kept "done" but lost the history line: the next start writes the line, and nothing is sent again', async () => {
    const { stateFolder, done } = await finishedSend('done-only');
    for (const file of sentFiles(stateFolder)) await rm(file, { force: true });
    const again = await bed.transfers(SENDER, { stateFolder });
    expect((await again.activity.sentHistory(SENDER)).map((s) => s.messageId)).toEqual([done.messageId]);
    expect(bed.fixture.sandbox.outbox(SENDER).filter((id) => id === done.messageId)).toHaveLength(1);
  });

  it('a crash that kept the history line but not "done": the next start finishes the send without sending it again', async () => {
    const { stateFolder, done, record } = await finishedSend('history-only');
    const saved = JSON.parse(await readFile(record, 'utf8')) as { state: string };
    await writeFile(record, JSON.stringify({ ...saved, state: 'running' }));
    const before = bed.fixture.sandbox.outbox(SENDER).length;
    const again = await bed.transfers(SENDER, { stateFolder });
    expect((await again.queue.settled(done.id)).state).toBe('done');
    expect(bed.fixture.sandbox.outbox(SENDER)).toHaveLength(before);
    expect((await again.activity.sentHistory(SENDER)).map((s) => s.messageId)).toEqual([done.messageId]);
  });
});

describe('concurrency', () => {
  it('runs at most the configured number of transfers at once and finishes them all', async () => {
    const sender = await bed.transfers(SENDER, { concurrency: 2, progressIntervalMs: 0 });
    bed.fixture.sandbox.faults.add({ kind: 'delay', ms: 60, match: { method: 'POST' }, count: 'always' });
    const running = new Set<string>();
    const started: string[] = [];
    let most = 0;
    sender.queue.onProgress((p) => {
      if (p.state === 'running' && !started.includes(p.id)) started.push(p.id);
      if (p.state === 'running') running.add(p.id);
      else running.delete(p.id);
      most = Math.max(most, running.size);
    });
    const files = await Promise.all(Array.from({ length: 5 }, (_, i) => bed.randomFile(`c${i}.bin`, 1000 + i)));
    const queued = [];
    for (const file of files)
      queued.push(await sender.queue.enqueueUpload({ profileId: SENDER, filePath: file.path, to: RECIPIENT, workflowId: WORKFLOW }));
    const results = await Promise.all(queued.map((q) => sender.queue.settled(q.id)));
    expect(results.map((r) => r.state)).toEqual(['done', 'done', 'done', 'done', 'done']);
    expect(most).toBe(2);
    // Oldest first: they start in the order they were queued.
    expect(started).toEqual(queued.map((q) => q.id));
    expect(bed.fixture.sandbox.inbox(RECIPIENT)).toHaveLength(5);
    expect((await stat(files[0]!.path)).size).toBe(1000);
  });
});
