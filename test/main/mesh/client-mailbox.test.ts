import { readFile, stat, writeFile } from 'node:fs/promises';
import { getEventListeners } from 'node:events';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { MeshClient } from '../../../main/mesh/client';
import { RECIPIENT, SENDER, THIRD, WORKFLOW, adminRequest, startTestbed, type MeshTestbed } from './sandbox-fixture';

let bed: MeshTestbed;
let sender: MeshClient;
let recipient: MeshClient;

beforeAll(async () => {
  bed = await startTestbed();
  sender = bed.client(SENDER);
  recipient = bed.client(RECIPIENT);
});
afterAll(async () => {
  await bed?.close();
});
beforeEach(async () => {
  await bed.sandbox.reset();
});

async function send(content: string, meta: Partial<Parameters<MeshClient['sendFile']>[1]> = {}, from = sender): Promise<string> {
  const file = join(bed.dir, `send-${Math.random().toString(36).slice(2)}.txt`);
  await writeFile(file, content);
  return from.sendFile(file, { to: RECIPIENT, workflowId: WORKFLOW, ...meta });
}

describe('handshake', () => {
  it('validates the mailbox and reports MESH-Desktop and the OS', async () => {
    await sender.handshake();
    const record = bed.sandbox.lastHandshake(SENDER);
    expect(record?.clientVersion).toBe('MESH-Desktop==0.0.0-test');
    expect(record?.osName).toMatch(/\S/);
    expect(record?.osVersion).toMatch(/\S/);
    expect(record?.osArchitecture).toMatch(/\S/);
  });

  it('reports a wrong password as an authentication failure', async () => {
    const wrong = bed.client(SENDER, { password: 'not-the-password' });
    await expect(wrong.handshake()).rejects.toMatchObject({ code: 'auth-failed', status: 403 });
  });

  it('reports a wrong shared key as an authentication failure', async () => {
    await expect(bed.client(SENDER, { sharedKey: 'Banana' }).handshake()).rejects.toMatchObject({ code: 'auth-failed' });
  });

  it('reports an unknown mailbox', async () => {
    await expect(bed.client('X99NOPE').handshake()).rejects.toMatchObject({
      code: 'auth-failed',
      message: 'MESH does not know this mailbox ID. Check the mailbox ID in Settings.',
    });
  });

  it('blames the clock when this computer is hours out', async () => {
    const skewed = bed.client(SENDER, { clock: () => new Date(Date.now() + 3 * 3_600_000) });
    await expect(skewed.handshake()).rejects.toMatchObject({ code: 'clock-skew' });
  });
});

describe('inbox listing', () => {
  it('lists nothing in an empty inbox', async () => {
    expect(await recipient.listInbox()).toMatchObject({ messageIds: [], approxInboxCount: 0 });
    expect(await recipient.countInbox()).toBe(0);
  });

  it('lists, counts and pages through the inbox with links.next', async () => {
    const sent: string[] = [];
    for (let index = 0; index < 23; index++) sent.push(await send(`message ${index}`));
    const first = await recipient.listInbox({ maxResults: 10 });
    expect(first.messageIds).toEqual(sent.slice(0, 10));
    expect(first.next).toBeDefined();
    expect(first.approxInboxCount).toBe(23);
    const second = await recipient.listInbox({ next: first.next as string });
    expect(second.messageIds).toEqual(sent.slice(10, 20));
    const all: string[] = [];
    for await (const id of recipient.iterateInbox({ maxResults: 10 })) all.push(id);
    expect(all).toEqual(sent);
    expect(await recipient.countInbox()).toBe(23);
  });

  it('filters by workflow', async () => {
    const plain = await send('a');
    const other = await send('b', { workflowId: 'TEST_WORKFLOW2' });
    expect((await recipient.listInbox({ workflowFilter: WORKFLOW })).messageIds).toEqual([plain]);
    expect((await recipient.listInbox({ workflowFilter: '!TEST_WORKFLOW' })).messageIds).toEqual([other]);
    expect((await recipient.listInbox({ workflowFilter: 'TEST_WORKFLOW*' })).messageIds).toEqual([plain, other]);
    expect((await recipient.listInbox({ workflowFilter: '*WORKFLOW2*' })).messageIds).toEqual([other]);
  });

  it('refuses a page size MESH would refuse, without asking MESH', async () => {
    await expect(recipient.listInbox({ maxResults: 5 })).rejects.toMatchObject({ code: 'invalid-argument' });
    await expect(recipient.listInbox({ maxResults: 5001 })).rejects.toMatchObject({ code: 'invalid-argument' });
  });
});

describe('reading messages', () => {
  it('reads metadata with HEAD', async () => {
    const id = await send('payload', {
      subject: 'Discharge summary',
      localId: 'ref-42',
      fileName: 'summary.txt',
      checksum: 'md5:abc',
      partnerId: 'P1',
      contentType: 'text/plain',
      encrypted: true,
    });
    const metadata = await recipient.headMessage(id);
    expect(metadata).toMatchObject({
      messageId: id,
      messageType: 'DATA',
      from: SENDER,
      to: RECIPIENT,
      workflowId: WORKFLOW,
      subject: 'Discharge summary',
      localId: 'ref-42',
      fileName: 'summary.txt',
      checksum: 'md5:abc',
      partnerId: 'P1',
      contentType: 'text/plain',
      encrypted: true,
      chunk: { k: 1, n: 1 },
    });
  });

  it('downloads a single-chunk message as a stream', async () => {
    const id = await send('just one chunk');
    const chunk = await recipient.downloadChunk(id, 1);
    expect(chunk.status).toBe(200);
    expect(chunk.metadata.messageId).toBe(id);
    expect(await text(chunk.body)).toBe('just one chunk');
  });

  it('leaves nothing listening on a long-lived cancel signal once each request is over', async () => {
    // The engine passes one signal to every chunk of a transfer; a 20 GB message is hundreds of chunks.
    const id = await send('read many times');
    const controller = new AbortController();
    for (let i = 0; i < 12; i++) {
      const chunk = await recipient.downloadChunk(id, 1, { signal: controller.signal });
      expect(await text(chunk.body)).toBe('read many times');
      await recipient.handshake({ signal: controller.signal });
    }
    await new Promise((resolve) => setImmediate(resolve));
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('downloads to a file and acknowledges, which empties the inbox; acknowledging again is fine', async () => {
    const id = await send('to disk');
    const target = join(bed.dir, 'received.txt');
    const result = await recipient.downloadToFile(id, target);
    expect(result).toMatchObject({ bytes: 7, chunks: 1 });
    expect(await readFile(target, 'utf8')).toBe('to disk');
    await recipient.acknowledge(id);
    expect((await recipient.listInbox()).messageIds).toEqual([]);
    await recipient.acknowledge(id);
  });

  it('says a message does not exist (404)', async () => {
    await expect(recipient.headMessage('NOSUCHMESSAGE0000')).rejects.toMatchObject({ code: 'message-not-found', status: 404 });
    await expect(recipient.downloadChunk('NOSUCHMESSAGE0000', 1)).rejects.toMatchObject({ code: 'message-not-found' });
    await expect(recipient.acknowledge('NOSUCHMESSAGE0000')).rejects.toMatchObject({ code: 'message-not-found' });
  });

  it('says a chunk beyond the last does not exist', async () => {
    const id = await send('one');
    await expect(recipient.downloadChunk(id, 2)).rejects.toMatchObject({ code: 'message-not-found' });
  });

  it('refuses to open another mailbox’s message (403)', async () => {
    const id = await send('private');
    await expect(bed.client(THIRD).downloadChunk(id, 1)).rejects.toMatchObject({ code: 'auth-failed', status: 403 });
  });

  it('says a message still being uploaded is not available (410)', async () => {
    const id = await sender.sendChunk({
      k: 1,
      n: 2,
      body: () => Readable.from([Buffer.from('first half')]),
      contentLength: 10,
      gzip: false,
      meta: { to: RECIPIENT, workflowId: WORKFLOW },
    });
    await expect(recipient.headMessage(id)).rejects.toMatchObject({ code: 'message-gone', status: 410 });
    await expect(recipient.downloadChunk(id, 1)).rejects.toMatchObject({ code: 'message-gone' });
    expect((await sender.track(id)).status).toBe('uploading');
  });
});

describe('reports', () => {
  it('reads a REPORT as such, with its linked message and status', async () => {
    const created = await adminRequest(bed, 'POST', '/messageexchange/admin/report', {
      mailbox_id: SENDER,
      code: '14',
      description: 'Message not collected by recipient after 5 days',
      workflow_id: WORKFLOW,
      linked_message_id: 'LINKED0001',
      status: 'error',
    });
    expect(created.status).toBe(200);
    const reportId = (created.json as { message_id: string }).message_id;
    expect((await sender.listInbox()).messageIds).toEqual([reportId]);
    const target = join(bed.dir, 'report.dat');
    const { metadata, bytes } = await sender.downloadToFile(reportId, target);
    expect(metadata).toMatchObject({
      messageId: reportId,
      messageType: 'REPORT',
      linkedMessageId: 'LINKED0001',
      workflowId: WORKFLOW,
      status: { code: '14', success: false },
    });
    expect(bytes).toBe(0);
    expect((await stat(target)).size).toBe(0);
    await sender.acknowledge(reportId);
  });

  it('gets a non-delivery report when the recipient does not collect in time', async () => {
    let now = new Date();
    const clockBed = await startTestbed({ clock: () => now });
    try {
      const from = clockBed.client(SENDER);
      const file = join(clockBed.dir, 'late.txt');
      await writeFile(file, 'never collected');
      const id = await from.sendFile(file, { to: RECIPIENT, workflowId: WORKFLOW });
      now = new Date(now.getTime() + 6 * 24 * 3_600_000);
      const [reportId] = await clockBed.sandbox.expireMessages();
      const metadata = await clockBed.client(SENDER, { clock: () => now }).headMessage(reportId as string);
      expect(metadata).toMatchObject({ messageType: 'REPORT', linkedMessageId: id, status: { code: '14', success: false } });
    } finally {
      await clockBed.close();
    }
  });
});

describe('tracking', () => {
  it('tracks a sent message through acknowledgement, with parsed times', async () => {
    const id = await send('track me', { localId: 'track-1', fileName: 'track.txt' });
    const accepted = await sender.track(id);
    expect(accepted).toMatchObject({
      messageId: id,
      localId: 'track-1',
      workflowId: WORKFLOW,
      fileName: 'track.txt',
      recipient: { mailboxId: RECIPIENT, name: 'TESTMB2' },
      status: 'accepted',
    });
    expect(accepted.uploadTimestamp).toBeInstanceOf(Date);
    expect(Math.abs((accepted.uploadTimestamp as Date).getTime() - Date.now())).toBeLessThan(3_600_000);
    expect(accepted.expiryTime && accepted.uploadTimestamp && accepted.expiryTime > accepted.uploadTimestamp).toBe(true);
    await recipient.acknowledge(id);
    expect((await sender.track(id)).status).toBe('acknowledged');
  });

  it('does not track another mailbox’s message (404)', async () => {
    const id = await send('not yours');
    await expect(bed.client(THIRD).track(id)).rejects.toMatchObject({
      code: 'message-not-found',
      message: 'MESH has no record of that message in your outbox.',
    });
  });
});

describe('lookups', () => {
  it('finds mailboxes by ODS code and workflow', async () => {
    expect(await sender.lookupEndpoint('X26', WORKFLOW)).toEqual([{ mailboxId: RECIPIENT, mailboxName: 'TESTMB2' }]);
    expect(await sender.lookupEndpoint('X99', WORKFLOW)).toEqual([]);
  });
  it('finds mailboxes by workflow', async () => {
    const matches = await sender.searchWorkflow('TEST_WORKFLOW_ACK');
    expect(matches.map((match) => match.mailboxId).sort()).toEqual([SENDER, THIRD]);
  });
});
