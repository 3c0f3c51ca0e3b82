import { createHash } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthHeader } from '../../../main/mesh/auth';
import { DiskMessageStore } from '../../../main/sandbox/store/disk-store';
import type { StoredMessage } from '../../../main/sandbox/index';
import { type MeshFixture, startNhsSandboxFixture } from '../../support/mesh-fixture';
import { V2, listInbox, meshRequest, sendMessage } from './mesh-http';

const dirs: string[] = [];
async function freshDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'mesh-sandbox-store-'));
  dirs.push(dir);
  return dir;
}
afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

function record(id: string): StoredMessage {
  return {
    message_id: id,
    message_type: 'DATA',
    workflow_id: 'W',
    sender: { mailbox_id: 'A' },
    recipient: { mailbox_id: 'B' },
    total_chunks: 1,
    chunk_sizes: {},
    file_size: 0,
    metadata: { content_encoding: '' },
    events: [{ status: 'accepted', timestamp: new Date().toISOString() }],
    created_timestamp: new Date().toISOString(),
    inbox_expiry_timestamp: new Date().toISOString(),
  };
}

async function readAll(stream: Readable | undefined): Promise<string> {
  if (!stream) return '<missing>';
  const parts: Buffer[] = [];
  for await (const part of stream) parts.push(part as Buffer);
  return Buffer.concat(parts).toString();
}

describe('DiskMessageStore', () => {
  it('writes records and chunks and reads them back after a new instance starts', async () => {
    const dir = await freshDir();
    const first = new DiskMessageStore(dir);
    await first.loadMessages();
    await first.saveMessage(record('ONE'));
    expect(await first.writeChunk('ONE', 1, Readable.from([Buffer.from('hello '), Buffer.from('world')]))).toBe(11);
    const second = new DiskMessageStore(dir);
    expect((await second.loadMessages()).map((message) => message.message_id)).toEqual(['ONE']);
    expect(await readAll(await second.openChunk('ONE', 1))).toBe('hello world');
  });

  it('replaces a chunk written again and reports a missing one as undefined', async () => {
    const store = new DiskMessageStore(await freshDir());
    await store.loadMessages();
    await store.writeChunk('TWO', 1, Readable.from([Buffer.from('old')]));
    await store.writeChunk('TWO', 1, Readable.from([Buffer.from('new')]));
    expect(await readAll(await store.openChunk('TWO', 1))).toBe('new');
    expect(await store.openChunk('TWO', 2)).toBeUndefined();
  });

  it('leaves no partial file when the body fails part-way', async () => {
    const dir = await freshDir();
    const store = new DiskMessageStore(dir);
    await store.loadMessages();
    const failing = new Readable({
      read() {
        this.push(Buffer.from('partial'));
        this.destroy(new Error('connection dropped'));
      },
    });
    await expect(store.writeChunk('THREE', 1, failing)).rejects.toThrow('connection dropped');
    expect(await readdir(join(dir, 'chunks', 'THREE'))).toEqual([]);
  });

  it('keeps the last of several quick record writes', async () => {
    const dir = await freshDir();
    const store = new DiskMessageStore(dir);
    await store.loadMessages();
    const message = record('FOUR');
    const writes = [];
    for (let version = 0; version < 20; version++) {
      message.file_size = version;
      writes.push(store.saveMessage(structuredClone(message)));
    }
    await Promise.all(writes);
    expect(JSON.parse(await readFile(join(dir, 'messages', 'FOUR.json'), 'utf8')).file_size).toBe(19);
  });

  it('skips an unreadable record and removes leftover temporary files at start', async () => {
    const dir = await freshDir();
    const store = new DiskMessageStore(dir);
    await store.loadMessages();
    await store.saveMessage(record('GOOD'));
    await writeFile(join(dir, 'messages', 'BAD.json'), '{not json');
    await writeFile(join(dir, 'messages', 'X.json.tmp-abc'), '{}');
    const lines: string[] = [];
    const loaded = await new DiskMessageStore(dir, (line) => lines.push(line)).loadMessages();
    expect(loaded.map((message) => message.message_id)).toEqual(['GOOD']);
    expect(lines.join('\n')).toContain('BAD.json');
    expect(await readdir(join(dir, 'messages'))).not.toContain('X.json.tmp-abc');
  });

  it('deletes a message and clears everything', async () => {
    const dir = await freshDir();
    const store = new DiskMessageStore(dir);
    await store.loadMessages();
    await store.saveMessage(record('FIVE'));
    await store.writeChunk('FIVE', 1, Readable.from([Buffer.from('x')]));
    await store.deleteMessage('FIVE');
    expect(await store.openChunk('FIVE', 1)).toBeUndefined();
    expect(await store.loadMessages()).toEqual([]);
    await store.saveMessage(record('SIX'));
    await store.clear();
    expect(await store.loadMessages()).toEqual([]);
  });

  it('refuses an id that could escape its folder', async () => {
    const store = new DiskMessageStore(await freshDir());
    await expect(store.writeChunk('../evil', 1, Readable.from([]))).rejects.toThrow(/unsafe/);
  });
});

describe('sandbox with a disk store', () => {
  it('keeps messages, statuses and uploads in progress across a restart', async () => {
    const dir = await freshDir();
    let target = await startNhsSandboxFixture({ store: { kind: 'disk', dir } });
    const acknowledged = await sendMessage(target, 'X26ABC1', 'X26ABC2', 'first');
    const waiting = await sendMessage(target, 'X26ABC1', 'X26ABC2', 'second');
    await meshRequest(target, {
      method: 'PUT',
      path: `/messageexchange/X26ABC2/inbox/${acknowledged}/status/acknowledged`,
      as: 'X26ABC2',
    });
    const chunked = (
      await meshRequest(target, {
        method: 'POST',
        path: '/messageexchange/X26ABC1/outbox',
        as: 'X26ABC1',
        headers: { 'mex-To': 'X26ABC2', 'mex-WorkflowID': 'TEST_WORKFLOW', 'mex-Chunk-Range': '1:2' },
        body: 'part one,',
      })
    ).json().message_id;
    await target.close();

    target = await startNhsSandboxFixture({ store: { kind: 'disk', dir } });
    try {
      expect(await listInbox(target, 'X26ABC2')).toEqual([waiting]);
      const second = await meshRequest(target, {
        method: 'POST',
        path: `/messageexchange/X26ABC1/outbox/${chunked}/2`,
        as: 'X26ABC1',
        headers: { 'mex-Chunk-Range': '2:2' },
        body: 'part two',
      });
      expect(second.status).toBe(202);
      const later = await sendMessage(target, 'X26ABC1', 'X26ABC2', 'third');
      expect(await listInbox(target, 'X26ABC2')).toEqual([waiting, chunked, later]);
      const first = await meshRequest(target, { path: `/messageexchange/X26ABC2/inbox/${chunked}`, as: 'X26ABC2' });
      const rest = await meshRequest(target, { path: `/messageexchange/X26ABC2/inbox/${chunked}/2`, as: 'X26ABC2' });
      expect(first.text + rest.text).toBe('part one,part two');
    } finally {
      await target.close();
    }
  });

  describe('large bodies', () => {
    const PIECE = 1024 * 1024;
    const PIECES = 96;
    let target: MeshFixture;
    let dir: string;
    beforeAll(async () => {
      dir = await freshDir();
      target = await startNhsSandboxFixture({ store: { kind: 'disk', dir }, compressDownloads: false });
    });
    afterAll(async () => {
      await target.close();
    });

    function piece(index: number): Buffer {
      return Buffer.alloc(PIECE, index % 251);
    }

    it('streams an upload to disk while it is still arriving, and streams it back intact', async () => {
      const expectedHash = createHash('sha256');
      for (let index = 0; index < PIECES; index++) expectedHash.update(piece(index));
      const expected = expectedHash.digest('hex');

      let bytesOnDiskBeforeLastPiece = -1;
      async function* pieces() {
        for (let index = 0; index < PIECES; index++) {
          if (index === PIECES - 1) {
            const [messageDir] = await readdir(join(dir, 'chunks'));
            const [partial] = await readdir(join(dir, 'chunks', messageDir!));
            bytesOnDiskBeforeLastPiece = (await stat(join(dir, 'chunks', messageDir!, partial!))).size;
          }
          yield piece(index);
        }
      }
      const sent = await meshRequest(target, {
        method: 'POST',
        path: '/messageexchange/X26ABC1/outbox',
        as: 'X26ABC1',
        headers: {
          'mex-To': 'X26ABC2',
          'mex-WorkflowID': 'TEST_WORKFLOW',
          'Content-Length': String(PIECE * PIECES),
        },
        body: Readable.from(pieces()),
      });
      expect(sent.status).toBe(202);
      // Everything but what sits in socket and stream buffers is on disk before the body ends.
      expect(bytesOnDiskBeforeLastPiece).toBeGreaterThan(PIECE * (PIECES - 32));
      const id = sent.json().message_id as string;
      expect(target.sandbox.message(id)!.file_size).toBe(PIECE * PIECES);

      const download = await new Promise<{ hash: string; length: number; status: number }>((resolve, reject) => {
        const hash = createHash('sha256');
        let length = 0;
        request(
          new URL(`/messageexchange/X26ABC2/inbox/${id}`, target.sandbox.url),
          {
            agent: false,
            ...target.clientTls,
            headers: {
              Accept: V2,
              Authorization: createAuthHeader({ mailboxId: 'X26ABC2', password: 'password', sharedKey: target.sharedKey }),
            },
          },
          (res) => {
            res.on('data', (part: Buffer) => {
              hash.update(part);
              length += part.length;
            });
            res.on('end', () => resolve({ hash: hash.digest('hex'), length, status: res.statusCode ?? 0 }));
            res.on('error', reject);
          },
        )
          .on('error', reject)
          .end();
      });
      expect(download).toEqual({ hash: expected, length: PIECE * PIECES, status: 200 });
    });
  });
});
