/**
 * The unattended folder-mode service behind `mesh-desktop run`: every
 * mailbox with folder mode switched on, headless, until asked to stop, with
 * a small status file beside the settings that `mesh-desktop status` reads.
 *
 * It keeps its own transfer journal (<data>/folder-mode/transfers) so it can
 * run on a server while nobody has the window open, and holds a lock so two
 * services never work the same folders.
 */
import { open, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { auditEventOfPolicy, auditPlacement } from '../audit/policy-event';
import type { AuditMailbox } from '../audit/entry';
import { openAuditRecorder, type AuditRecorder } from '../audit/recorder';
import { auditTransferEvents } from '../audit/transfer-events';
import type { Logger } from '../log/logger';
import type { MeshClientOptions } from '../mesh/client';
import { MeshTransferClient } from '../mesh/local-id-tracking';
import { SecretStore } from '../secrets/keychain';
import { machinePolicyLoader, PolicyWatch } from '../settings/machine-policy';
import type { RegistryReader } from '../settings/reg-query';
import { SettingsStore } from '../settings/store';
import type { EffectiveMailbox } from '../settings/effective';
import { AppError } from '../shared/errors';
import { createTransfers } from '../transfers';
import { writeJsonAtomic } from '../shared/durable-file';
import { FolderMode, folderModeTransferSettings, type FolderActivity, type FolderMailbox, type FolderMailboxStatus } from './folder-mode';

export const STATUS_FILE_NAME = 'folder-mode-status.json';
const LOCK_FILE_NAME = 'folder-mode.lock';

/** What the running service writes for `mesh-desktop status`. */
export interface FolderServiceStatus {
  pid: number;
  running: boolean;
  startedAt: string;
  updatedAt: string;
  /** How often updatedAt is refreshed while running. */
  refreshSeconds: number;
  mailboxes: Array<FolderMailboxStatus & { pollIntervalMinutes: number; activity?: FolderActivity[] }>;
  /** Folder-mode mailboxes that cannot run, and why. */
  notRunning: Array<{ mailboxId: string; reason: string }>;
}

/** The folder-mode mailboxes among the settings' mailboxes. */
export function folderMailboxesOf(mailboxes: readonly EffectiveMailbox[]): FolderMailbox[] {
  return mailboxes
    .filter((mailbox) => mailbox.folderMode?.enabled && mailbox.usable)
    .map((mailbox) => ({
      profileId: mailbox.id,
      mailboxId: mailbox.mailboxId,
      folder: mailbox.folderMode!.folder,
      ...(mailbox.folderMode!.plainFileDefaults ? { plainFileDefaults: mailbox.folderMode!.plainFileDefaults } : {}),
      pollIntervalMinutes: mailbox.pollIntervalMinutes,
    }));
}

/** Whether the service looks healthy from its status file at `now`, with the reasons when not. */
export function assessHealth(
  status: FolderServiceStatus | undefined,
  now: Date,
  pidAlive: (pid: number) => boolean,
): { healthy: boolean; reasons: string[] } {
  if (!status) return { healthy: false, reasons: ['Folder mode has never run on this computer (no status file).'] };
  const reasons: string[] = [];
  const age = now.getTime() - Date.parse(status.updatedAt);
  if (!status.running || !pidAlive(status.pid)) reasons.push('The folder-mode service is not running.');
  else if (age > Math.max(120_000, status.refreshSeconds * 4_000))
    reasons.push(`The folder-mode service has not reported for ${Math.round(age / 60_000)} minutes; it may be stuck.`);
  if (status.mailboxes.length === 0) reasons.push('No mailbox has folder mode switched on.');
  for (const item of status.notRunning) reasons.push(`${item.mailboxId}: ${item.reason}`);
  for (const mailbox of status.mailboxes) {
    const allowedMs = (mailbox.pollIntervalMinutes * 2 + 10) * 60_000;
    const since = mailbox.lastPollAt ? now.getTime() - Date.parse(mailbox.lastPollAt) : now.getTime() - Date.parse(status.startedAt);
    if (status.running && since > allowedMs)
      reasons.push(`${mailbox.mailboxId}: the inbox has not been checked for ${Math.round(since / 60_000)} minutes.`);
    if (mailbox.failedSinceStart > 0)
      reasons.push(`${mailbox.mailboxId}: ${mailbox.failedSinceStart} file(s) could not be sent; see ${join(mailbox.folder, 'FAILED')}.`);
    for (const problem of mailbox.problems) reasons.push(`${mailbox.mailboxId}: ${problem}`);
  }
  return { healthy: reasons.length === 0, reasons };
}

/** True when a process with this id exists. */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Reads the status file of a data folder (undefined when there is none). */
export async function readServiceStatus(dataFolder: string): Promise<FolderServiceStatus | undefined> {
  try {
    return JSON.parse(await readFile(join(dataFolder, STATUS_FILE_NAME), 'utf8')) as FolderServiceStatus;
  } catch {
    return undefined;
  }
}

export async function takeLock(dataFolder: string): Promise<() => Promise<void>> {
  const lockPath = join(dataFolder, LOCK_FILE_NAME);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(lockPath, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      return () => rm(lockPath, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const pid = Number(await readFile(lockPath, 'utf8').catch(() => ''));
      if (pid && pid !== process.pid && processAlive(pid)) {
        throw new AppError({
          code: 'invalid-argument',
          message: `Folder mode is already running for this data folder (process ${pid}). Stop it first, or use another --data-dir.`,
        });
      }
      // Left by a service that crashed: take it over.
      await rm(lockPath, { force: true });
    }
  }
  throw new AppError({ code: 'internal', message: 'Could not take the folder-mode lock.', detail: lockPath });
}

/**
 * Builds each mailbox's MESH connection options from the settings, keychain
 * and certificate files. The services layer supplies it (MailboxService), so
 * folder mode does not reach up into the layer that composes it.
 */
export type MailboxConnections = (parts: {
  dataFolder: string;
  store: SettingsStore;
  secrets: SecretStore;
  log: Logger;
  audit: AuditRecorder;
}) => {
  connectionFor(profileId: string): Promise<MeshClientOptions>;
  /** The mailbox ID and environment of a profile, as the audit trail names them. */
  auditMailbox(profileId: string): AuditMailbox | undefined;
};

export interface FolderServiceOptions {
  dataFolder: string;
  log: Logger;
  connections: MailboxConnections;
  /** Aborting stops the service cleanly. */
  signal: AbortSignal;
  policyPath?: string;
  /** Group Policy's registry; default: reg.exe on Windows, none elsewhere. */
  registry?: RegistryReader;
  /** How often policy is read again; tests shorten it. Default: every minute. */
  policyRecheckMs?: number;
  keychainService?: string;
  statusIntervalMs?: number;
  /** Called once everything is running, and again after each restart for a policy change (tests and the command line). */
  onStarted?(mailboxes: FolderMailbox[]): void;
}

/**
 * Status writes one at a time, and none saying "running" once stopping began: a timer's write still
 * in flight when folder mode stops would otherwise land after the stopped status, and the window and
 * `mesh-desktop status` would see a runner that has gone.
 */
export function orderedStatusWrites(writeNow: (running: boolean) => Promise<void>) {
  let stopping = false;
  let last: Promise<void> = Promise.resolve();
  return {
    write: (running: boolean): Promise<void> => (last = last.then(() => (running && stopping ? undefined : writeNow(running)))),
    stopping: () => {
      stopping = true;
    },
  };
}

/**
 * Runs folder mode for every folder-mode mailbox until `signal` aborts; then
 * shuts down the transfer queue and mailbox activity. When IT's policy changes, it stops at a safe
 * point and starts again with the new settings, so a mailbox, folder, proxy or
 * certificate authority set by Group Policy applies without a restart.
 */
export async function runFolderService(options: FolderServiceOptions): Promise<void> {
  const { dataFolder, log } = options;
  const releaseLock = await takeLock(dataFolder);
  try {
    const policyWatch = new PolicyWatch({
      load: machinePolicyLoader({
        ...(options.policyPath ? { policyPath: options.policyPath } : {}),
        ...(options.registry ? { registry: options.registry } : {}),
      }),
      log: log.child('policy'),
      ...(options.policyRecheckMs ? { intervalMs: options.policyRecheckMs } : {}),
    });
    const policyAtStart = await policyWatch.read();
    const store = await SettingsStore.open(dataFolder, { policy: policyAtStart });
    const secrets = new SecretStore(options.keychainService ? { service: options.keychainService } : {});
    const audit = openAuditRecorder({
      dataFolder,
      ...auditPlacement(policyAtStart),
      via: 'folder-mode',
      log,
      mailboxOf: (profileId) => mailboxService.auditMailbox(profileId),
    });
    void audit.record(auditEventOfPolicy(policyAtStart, 'start'));
    const mailboxService = options.connections({ dataFolder, store, secrets, log, audit });
    // Each session runs the settings as they are; a policy change ends it and the loop starts the next.
    let onPolicyChange: () => void = () => undefined;
    policyWatch.start((next) => {
      store.setPolicy(next);
      void audit.record(auditEventOfPolicy(next, 'change'));
      onPolicyChange();
    });
    const session = async (policyChanged: Promise<void>): Promise<void> => {
      const notRunning = store.effective.settings.mailboxes
        .filter((mailbox) => mailbox.folderMode?.enabled && !mailbox.usable)
        .map((mailbox) => ({ mailboxId: mailbox.mailboxId, reason: mailbox.unusableReason ?? 'This mailbox cannot connect.' }));
      const mailboxes = folderMailboxesOf(store.effective.settings.mailboxes);
      const clients = new Map<string, Promise<MeshTransferClient>>();
      const clientFor = (profileId: string) => {
        let client = clients.get(profileId);
        if (!client) {
          client = mailboxService.connectionFor(profileId).then((connection) => new MeshTransferClient(connection));
          client.catch(() => clients.delete(profileId));
          clients.set(profileId, client);
        }
        return client;
      };
      // Assigned below; mailbox activity only calls back once polling has started.
      // eslint-disable-next-line prefer-const
      let folderMode: FolderMode | undefined;
      const transfers = createTransfers({
        stateFolder: join(dataFolder, 'folder-mode', 'transfers'),
        clientFor,
        mailboxSettings: (profileId) => {
          const mailbox = mailboxes.find((m) => m.profileId === profileId);
          if (!mailbox) throw new AppError({ code: 'not-configured', message: 'That mailbox is not in folder mode.' });
          return folderModeTransferSettings(mailbox);
        },
        log,
        concurrency: store.effective.settings.maxConcurrentTransfers,
        events: { inboxChanged: (profileId) => folderMode?.noteInboxChecked(profileId), ...auditTransferEvents(audit) },
      });
      await transfers.start();
      folderMode = new FolderMode({ queue: transfers.queue, mailboxActivity: transfers.activity, mailboxes: () => mailboxes, log, audit });
      await folderMode.start();
      const startedAt = new Date().toISOString();
      const refreshMs = options.statusIntervalMs ?? 15_000;
      const statusWrites = orderedStatusWrites((running) => writeStatusNow(running));
      const writeStatus = statusWrites.write;
      const writeStatusNow = async (running: boolean) => {
        const statuses = await folderMode!.status();
        const status: FolderServiceStatus = {
          pid: process.pid,
          running,
          startedAt,
          updatedAt: new Date().toISOString(),
          refreshSeconds: Math.round(refreshMs / 1000),
          mailboxes: statuses.map((s) => ({
            ...s,
            pollIntervalMinutes: mailboxes.find((m) => m.profileId === s.profileId)?.pollIntervalMinutes ?? 30,
            // The window shows what folder mode did from this file, whoever runs it.
            activity: folderMode!.activity(s.profileId).slice(0, 50),
          })),
          notRunning,
        };
        await writeJsonAtomic(join(dataFolder, STATUS_FILE_NAME), status).catch((error: unknown) =>
          log.warn('Could not write the folder-mode status file', { error: String(error) }),
        );
      };
      await writeStatus(true);
      log.info('Folder mode running', { mailboxes: mailboxes.map((m) => m.mailboxId), notRunning });
      options.onStarted?.(mailboxes);
      const timer = setInterval(() => void writeStatus(true), refreshMs);
      const stopped = new Promise((resolve) => options.signal.addEventListener('abort', resolve, { once: true }));
      if (!options.signal.aborted) await Promise.race([stopped, policyChanged]);
      clearInterval(timer);
      statusWrites.stopping();
      log.info('Folder mode stopping');
      await folderMode.stop();
      await transfers.shutdown();
      for (const client of clients.values()) await client.then((c) => c.close()).catch(() => undefined);
      // A restart for new policy is not a stop: `mesh-desktop status` should not see the service as down.
      if (options.signal.aborted) {
        await writeStatus(false);
        log.info('Folder mode stopped');
      }
    };
    try {
      // At least once, as before: a signal aborted at the start still writes a stopped status.
      do {
        await session(new Promise<void>((resolve) => (onPolicyChange = resolve)));
        if (!options.signal.aborted) log.info('The machine policy changed; folder mode starts again with it');
      } while (!options.signal.aborted);
    } finally {
      policyWatch.stop();
      await audit.flush();
    }
  } finally {
    await releaseLock();
  }
}
