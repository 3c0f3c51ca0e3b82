/**
 * The MESH emulator over mutual TLS plus the transfer queue and mailbox
 * activity for each of its mailboxes (built together by createTransfers),
 * each with its own state folder and download folder, so engine tests read as
 * what they test. Fast retries throughout: faults resolve in milliseconds.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../../../main/log/logger';
import type { MeshClientOptions } from '../../../main/mesh/client';
import { MeshTransferClient } from '../../../main/mesh/local-id-tracking';
import type { SandboxOptions } from '../../../main/sandbox';
import { createTransfers, type MailboxTransferSettings, type Transfers, type TransfersOptions } from '../../../main/transfers';
import { FAST_RETRY, startMeshFixture, type MeshFixture } from '../../support/mesh-fixture';

export const SENDER = 'X26ABC1';
export const RECIPIENT = 'X26ABC2';
export const WORKFLOW = 'TEST_WORKFLOW';
export const MiB = 1024 * 1024;

export interface EngineBed {
  fixture: MeshFixture;
  dir: string;
  client(mailboxId: string): MeshTransferClient;
  /** A started queue and its mailbox activity acting for mailboxId (profile id = mailbox id). */
  transfers(mailboxId: string, overrides?: Partial<TransfersOptions>, settings?: Partial<MailboxTransferSettings>): Promise<Transfers>;
  downloadFolder(mailboxId: string): string;
  /** Writes a file of random bytes and returns its path and SHA-256. */
  randomFile(name: string, size: number): Promise<{ path: string; sha256: string }>;
  /** The sandbox's status for a message (newest event). */
  status(messageId: string): string | undefined;
  /** Between tests: shuts down this test's transfers, clears faults and the sandbox, and moves to fresh download folders. */
  reset(): Promise<void>;
  close(): Promise<void>;
}

export async function sha256OfFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const block of createReadStream(path, { highWaterMark: MiB })) hash.update(block as Buffer);
  return hash.digest('hex');
}

export async function startEngineBed(
  sandboxOptions: Partial<SandboxOptions> = {},
  clientOverrides: Partial<MeshClientOptions> = {},
): Promise<EngineBed> {
  const fixture = await startMeshFixture({ store: { kind: 'memory' }, ...sandboxOptions });
  const dir = await mkdtemp(join(tmpdir(), 'engine-test-'));
  const clients = new Map<string, MeshTransferClient>();
  const opened: Transfers[] = [];
  let engineCount = 0;
  let generation = 0;
  const client = (mailboxId: string): MeshTransferClient => {
    let existing = clients.get(mailboxId);
    if (!existing) {
      existing = new MeshTransferClient({
        ...fixture.clientOptions(mailboxId),
        proxy: 'direct',
        retry: FAST_RETRY,
        ...clientOverrides,
      });
      clients.set(mailboxId, existing);
    }
    return existing;
  };
  const downloadFolder = (mailboxId: string) => join(dir, `received-${mailboxId}-${generation}`);
  return {
    fixture,
    dir,
    client,
    downloadFolder,
    async transfers(mailboxId, overrides = {}, settings = {}) {
      engineCount += 1;
      const transfers = createTransfers({
        stateFolder: join(dir, `state-${mailboxId}-${engineCount}`),
        clientFor: () => client(mailboxId),
        mailboxSettings: () => ({ downloadFolder: downloadFolder(mailboxId), acknowledge: 'after-save', autoDownload: false, ...settings }),
        log: silentLogger,
        allowSmallChunks: true,
        chunkSize: MiB,
        retryDelaysMs: [10, 20, 40, 80, 160, 320],
        settleDelayMs: 0,
        shutdownGraceMs: 2_000,
        ...overrides,
      });
      await transfers.start();
      opened.push(transfers);
      return transfers;
    },
    async randomFile(name, size) {
      const folder = join(dir, 'outgoing');
      await mkdir(folder, { recursive: true });
      const path = join(folder, name);
      const content = randomBytes(size);
      await writeFile(path, content);
      return { path, sha256: createHash('sha256').update(content).digest('hex') };
    },
    status(messageId) {
      return fixture.sandbox.message(messageId)?.events[0]?.status;
    },
    async reset() {
      await Promise.allSettled(opened.splice(0).map((transfers) => transfers.shutdown()));
      fixture.sandbox.faults.clear();
      await fixture.sandbox.reset();
      generation += 1;
    },
    async close() {
      await Promise.allSettled(opened.map((transfers) => transfers.shutdown()));
      for (const existing of clients.values()) existing.close();
      await fixture.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
