/**
 * The MESH emulator over mutual TLS, with folder mode running for mailboxes
 * in scratch folders: a real transfer queue and mailbox activity per mailbox, real files, and a clock the
 * test moves so "has this file stopped changing?" is decided without waiting.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FolderMode, folderModeTransferSettings, type FolderMailbox } from '../../../main/folders/folder-mode';
import { createLogger, silentLogger } from '../../../main/log/logger';
import { MeshTransferClient } from '../../../main/mesh/local-id-tracking';
import { createTransfers, type Transfers } from '../../../main/transfers';
import { startMeshFixture, type MeshFixture } from '../../support/mesh-fixture';

export const SENDER = 'X26ABC1';
export const RECIPIENT = 'X26ABC2';
export const WORKFLOW = 'TEST_WORKFLOW';

export interface FolderRig {
  mailbox: FolderMailbox;
  transfers: Transfers;
  folderMode: FolderMode;
  /** Moves folder mode's clock on and makes one pass. */
  pass(advanceMs?: number): Promise<void>;
  /** Passes until every claim is finished (files settle, sends finish, files are placed). */
  settle(): Promise<void>;
  close(): Promise<void>;
}

export interface FolderBed {
  fixture: MeshFixture;
  dir: string;
  client(mailboxId: string): MeshTransferClient;
  rig(mailboxId: string, extra?: Partial<FolderMailbox>): Promise<FolderRig>;
  close(): Promise<void>;
}

export async function startFolderBed(): Promise<FolderBed> {
  const fixture = await startMeshFixture({ store: { kind: 'memory' } });
  const dir = await mkdtemp(join(tmpdir(), 'folder-mode-'));
  const clients = new Map<string, MeshTransferClient>();
  const rigs: FolderRig[] = [];
  let count = 0;
  const client = (mailboxId: string) => {
    let existing = clients.get(mailboxId);
    if (!existing) {
      existing = new MeshTransferClient({
        ...fixture.clientOptions(mailboxId),
        proxy: 'direct',
        retry: { retries: 2, baseDelayMs: 5, maxDelayMs: 20, maxRetryAfterMs: 50 },
      });
      clients.set(mailboxId, existing);
    }
    return existing;
  };
  return {
    fixture,
    dir,
    client,
    async rig(mailboxId, extra = {}) {
      count++;
      const mailbox: FolderMailbox = { profileId: mailboxId, mailboxId, folder: join(dir, `mesh-data-${count}`, mailboxId), ...extra };
      await mkdir(mailbox.folder, { recursive: true });
      const transfers = createTransfers({
        stateFolder: join(dir, `state-${count}`),
        clientFor: () => client(mailboxId),
        mailboxSettings: () => folderModeTransferSettings(mailbox),
        log: process.env.FOLDER_DEBUG ? createLogger({ console: true, level: 'debug' }) : silentLogger,
        allowSmallChunks: true,
        chunkSize: 1024 * 1024,
        retryDelaysMs: [10, 20],
        settleDelayMs: 0,
        shutdownGraceMs: 2_000,
      });
      await transfers.start();
      let now = Date.now();
      const folderMode = new FolderMode({
        queue: transfers.queue,
        mailboxActivity: transfers.activity,
        mailboxes: () => [mailbox],
        log: silentLogger,
        clock: () => new Date(now),
        poll: false,
        watch: false,
        scanIntervalMs: 60_000,
        partnerWaitMs: 30_000,
        chunkSize: 1024 * 1024,
      });
      await folderMode.start();
      const rig: FolderRig = {
        mailbox,
        transfers,
        folderMode,
        async pass(advanceMs = 2_000) {
          now += advanceMs;
          await folderMode.scanNow();
        },
        async settle() {
          await rig.pass();
          await rig.pass();
          await folderMode.idle();
        },
        async close() {
          await folderMode.stop();
          await transfers.shutdown();
        },
      };
      rigs.push(rig);
      return rig;
    },
    async close() {
      await Promise.allSettled(rigs.map((rig) => rig.close()));
      for (const existing of clients.values()) existing.close();
      await fixture.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
