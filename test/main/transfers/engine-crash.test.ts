/**
 * Crash safety: a transfer engine in a child process is killed with SIGKILL
 * at random moments (at least 20 times) and restarted until its transfer is
 * done. The recipient must end up with exactly one message, byte for byte the
 * file sent; a download must end as exactly one identical file, never
 * acknowledged before it was safely saved.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream, existsSync } from 'node:fs';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MeshTransferClient } from '../../../main/mesh/local-id-tracking';
import { childConnection, startCrashHarness, type CrashHarness } from '../../support/crash-harness';
import { startMeshFixture, type MeshFixture } from '../../support/mesh-fixture';
import { sha256OfFile } from './engine-fixture';

const MiB = 1024 * 1024;
const FILE_SIZE = 500 * MiB;
const CHUNK_SIZE = 8 * MiB;
const KILLS = 20;
const SENDER = 'X26ABC1';
const RECIPIENT = 'X26ABC2';
const WORKFLOW = 'TEST_WORKFLOW';

let fixture: MeshFixture;
let dir: string;
let harness: CrashHarness;
let source: { path: string; sha256: string };

/** 500 MiB quickly: one random MiB repeated, each copy stamped with its index so misplaced chunks change the hash. */
async function writeBigFile(path: string, size: number): Promise<string> {
  const base = randomBytes(MiB);
  const hash = createHash('sha256');
  const out = createWriteStream(path);
  for (let offset = 0, index = 0; offset < size; offset += MiB, index++) {
    const block = Buffer.from(base.subarray(0, Math.min(MiB, size - offset)));
    block.writeUInt32BE(index, 0);
    hash.update(block);
    if (!out.write(block)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return hash.digest('hex');
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'engine-crash-'));
  harness = await startCrashHarness('test/main/transfers/fixtures/engine-child.ts', 'ENGINE_CHILD_CONFIG');
  fixture = await startMeshFixture({ store: { kind: 'memory' } });
  source = { path: join(dir, 'big upload.bin'), sha256: '' };
  source.sha256 = await writeBigFile(source.path, FILE_SIZE);
}, 120_000);

afterAll(async () => {
  await fixture?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
  await harness?.close();
});

interface ChildRun {
  killed: boolean;
  result?: { transfer: { state: string; messageId?: string; savedPath?: string; error?: unknown }; sent: Array<{ messageId?: string }> };
  /** The most bytes the transfer reported during this run. */
  mostBytes: number;
}

/** Runs the child; kills it `killAfterMs` after it reports it started (undefined: let it finish). */
async function runChild(config: Record<string, unknown>, killAfterMs: number | undefined): Promise<ChildRun> {
  const run: ChildRun = { killed: false, mostBytes: 0 };
  const { killed } = await harness.run(config, {
    killAfterMs,
    isResult: (message) => message.transfer !== undefined,
    onMessage: (message) => {
      const progress = message.progress as { bytesDone: number } | undefined;
      if (progress) run.mostBytes = Math.max(run.mostBytes, progress.bytesDone);
      else if (message.transfer) run.result = message as unknown as ChildRun['result'];
    },
  });
  return { ...run, killed };
}

function baseConfig(mailboxId: string, stateFolder: string) {
  return { ...childConnection(fixture, mailboxId), stateFolder, chunkSize: CHUNK_SIZE };
}

/**
 * Kills the child KILLS times at random moments, widening the window when a
 * run made no progress (so slow phases such as the checksum pass still
 * finish), then lets it run to the end. check() runs after every kill.
 */
async function killRepeatedly(config: Record<string, unknown>, check: () => Promise<void>): Promise<{ kills: number; final: ChildRun }> {
  let kills = 0;
  let windowMs = 600;
  let mostBytes = 0;
  for (;;) {
    const killAfter = kills < KILLS ? Math.floor(Math.random() * windowMs) : undefined;
    const run = await runChild(config, killAfter);
    if (!run.killed) return { kills, final: run };
    kills++;
    const progressed = run.mostBytes > mostBytes;
    mostBytes = Math.max(mostBytes, run.mostBytes);
    windowMs = progressed ? Math.max(600, windowMs * 0.8) : windowMs * 1.5;
    await check();
  }
}

function statusOf(messageId: string): string | undefined {
  return fixture.sandbox.message(messageId)?.events[0]?.status;
}

describe('kill -9 during transfers', () => {
  it('a 500 MB chunked send killed at random points arrives exactly once, byte for byte', async () => {
    // Slow each chunk a little so twenty kills land across the whole send.
    const slow = fixture.sandbox.faults.add({ kind: 'delay', ms: 120, match: { method: 'POST', path: '/outbox' }, count: 'always' });
    const config = {
      ...baseConfig(SENDER, join(dir, 'upload-state')),
      mode: 'upload',
      filePath: source.path,
      to: RECIPIENT,
      workflowId: WORKFLOW,
    };
    const { kills, final } = await killRepeatedly(config, async () => {
      expect(fixture.sandbox.inbox(RECIPIENT).length).toBeLessThanOrEqual(1);
    });
    fixture.sandbox.faults.remove(slow);
    expect(kills).toBeGreaterThanOrEqual(KILLS);
    expect(final.result?.transfer.state).toBe('done');

    const delivered = fixture.sandbox.inbox(RECIPIENT);
    expect(delivered).toHaveLength(1);
    const messageId = delivered[0]!;
    expect(final.result?.transfer.messageId).toBe(messageId);
    expect(final.result?.sent.map((sent) => sent.messageId)).toEqual([messageId]);
    // Anything else this mailbox ever started is an unfinished copy that can never be delivered.
    for (const other of fixture.sandbox.outbox(SENDER).filter((id) => id !== messageId)) expect(statusOf(other)).toBe('uploading');
    expect(fixture.sandbox.message(messageId)?.file_size).toBe(FILE_SIZE);

    const client = new MeshTransferClient({ ...fixture.clientOptions(RECIPIENT), proxy: 'direct' });
    const received = join(dir, 'received-check.bin');
    await client.downloadToFile(messageId, received);
    client.close();
    expect(await sha256OfFile(received)).toBe(source.sha256);
    await rm(received);
  }, 300_000);

  // Plain bodies are fetched two chunks at once, each written at its own place; gzip ones one after another.
  it.each([
    { transfer: 'plain', acceptGzip: false },
    { transfer: 'gzip', acceptGzip: true },
  ])(
    'a 500 MB download ($transfer bodies) killed at random points ends as exactly one identical file, acknowledged only once saved',
    async ({ transfer, acceptGzip }) => {
      await fixture.sandbox.reset();
      const sender = new MeshTransferClient({ ...fixture.clientOptions(SENDER), proxy: 'direct', chunkSize: CHUNK_SIZE });
      const messageId = await sender.sendFile(source.path, { to: RECIPIENT, workflowId: WORKFLOW, fileName: 'big upload.bin' });
      sender.close();
      const slow = fixture.sandbox.faults.add({ kind: 'delay', ms: 120, match: { method: 'GET', path: '/inbox/' }, count: 'always' });
      const folder = join(dir, `downloads-${transfer}`);
      const config = {
        ...baseConfig(RECIPIENT, join(dir, `download-state-${transfer}`)),
        mode: 'download',
        messageId,
        downloadFolder: folder,
        acceptGzip,
      };
      const finalPath = join(folder, 'big upload.bin');
      const { kills, final } = await killRepeatedly(config, async () => {
        if (statusOf(messageId) === 'acknowledged') {
          // Acknowledged means it was already saved under its final name, complete, with its sidecar.
          expect((await stat(finalPath)).size).toBe(FILE_SIZE);
          expect(existsSync(`${finalPath}.mesh.json`)).toBe(true);
        }
        const names = existsSync(folder) ? await readdir(folder) : [];
        expect(
          names.filter((name) => !name.endsWith('.mesh.part') && !name.endsWith('.mesh.json') && !name.endsWith('.tmp')).length,
        ).toBeLessThanOrEqual(1);
      });
      fixture.sandbox.faults.remove(slow);
      expect(kills).toBeGreaterThanOrEqual(KILLS);
      expect(final.result?.transfer).toMatchObject({ state: 'done', savedPath: finalPath });
      expect((await readdir(folder)).sort()).toEqual(['big upload.bin', 'big upload.bin.mesh.json']);
      expect(await sha256OfFile(finalPath)).toBe(source.sha256);
      expect(statusOf(messageId)).toBe('acknowledged');
    },
    300_000,
  );
});
