import type { FolderModeView } from '../contract/types';
import { assessHealth, processAlive, readServiceStatus, runFolderService, type MailboxConnections } from '../folders/service';
import type { Logger } from '../log/logger';
import type { RegistryReader } from '../settings/reg-query';
import { toAppError } from '../shared/errors';
import { MailboxService } from './mailboxes';

/** Mailbox connections for folder mode, in the app or as `mesh-desktop run`. */
export const folderModeConnections: MailboxConnections = (parts) =>
  new MailboxService({
    ...parts,
    // Training mailboxes talk to the in-app sandbox, which folder mode does not use.
    training: { url: () => undefined, sharedKey: '', passwordFor: () => undefined },
  });

/**
 * Runs folder mode inside the app when mailboxes have it switched on and no
 * `mesh-desktop run` service already does (the service's lock file decides:
 * two runners on one set of folders would send files twice). Either way the
 * window reads the same status file, so it shows what folder mode did
 * whoever runs it.
 */
export class FolderModeRunner {
  private controller: AbortController | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly options: {
      dataFolder: string;
      log: Logger;
      policyPath?: string;
      /** Group Policy's registry, as the window's services read it. */
      registry?: RegistryReader;
      policyRecheckMs?: number;
      keychainService?: string;
      statusIntervalMs?: number;
    },
  ) {}

  private turn: Promise<void> = Promise.resolve();
  private closed = false;

  /**
   * Starts, restarts or stops the in-app runner to match whether any mailbox wants folder mode.
   * Calls take turns: two settings changes in quick succession must end in the state the last one
   * asked for, not in a runner started by the first after the second stopped it.
   */
  sync(wanted: boolean): Promise<void> {
    return this.inTurn(() => this.apply(wanted));
  }

  /** Stops the runner for good (the app is quitting); a later sync does nothing. */
  stop(): Promise<void> {
    this.closed = true;
    return this.inTurn(() => this.stopNow());
  }

  private inTurn(step: () => Promise<void>): Promise<void> {
    const next = this.turn.then(step);
    this.turn = next.catch(() => undefined);
    return next;
  }

  private async apply(wanted: boolean): Promise<void> {
    await this.stopNow();
    if (!wanted || this.closed) return;
    const current = await readServiceStatus(this.options.dataFolder);
    if (current?.running && current.pid !== process.pid && processAlive(current.pid)) {
      this.options.log.info('Folder mode is run by a separate service; the window only shows it', { pid: current.pid });
      return;
    }
    const controller = new AbortController();
    this.controller = controller;
    this.running = runFolderService({
      dataFolder: this.options.dataFolder,
      log: this.options.log.child('folders'),
      connections: folderModeConnections,
      signal: controller.signal,
      statusIntervalMs: this.options.statusIntervalMs ?? 3_000,
      ...(this.options.policyPath ? { policyPath: this.options.policyPath } : {}),
      ...(this.options.registry ? { registry: this.options.registry } : {}),
      ...(this.options.policyRecheckMs ? { policyRecheckMs: this.options.policyRecheckMs } : {}),
      ...(this.options.keychainService ? { keychainService: this.options.keychainService } : {}),
    }).catch((error: unknown) => {
      this.options.log.error('Folder mode stopped', { error: toAppError(error).message });
    });
  }

  private async stopNow(): Promise<void> {
    this.controller?.abort();
    await this.running;
    this.controller = undefined;
    this.running = undefined;
  }

  /** What the window shows: the status file, read the same way as `mesh-desktop status`. */
  async view(): Promise<FolderModeView> {
    const status = await readServiceStatus(this.options.dataFolder);
    const health = assessHealth(status, new Date(), processAlive);
    const live = status?.running && processAlive(status.pid);
    return {
      runner: !live ? 'none' : status!.pid === process.pid ? 'this-app' : 'service',
      healthy: health.healthy,
      reasons: health.reasons,
      mailboxes: (live ? status!.mailboxes : []).map((m) => ({
        profileId: m.profileId,
        mailboxId: m.mailboxId,
        folder: m.folder,
        ...(m.lastPollAt ? { lastPollAt: m.lastPollAt } : {}),
        waitingInOut: m.waitingInOut,
        sending: m.sending,
        sentSinceStart: m.sentSinceStart,
        failedSinceStart: m.failedSinceStart,
        receivedSinceStart: m.receivedSinceStart,
        problems: m.problems,
        activity: (m.activity ?? []).map((a) => ({
          at: a.at,
          kind: a.kind,
          name: a.name,
          detail: a.detail,
          ...(a.messageId ? { messageId: a.messageId } : {}),
        })),
      })),
      notRunning: status?.notRunning ?? [],
    };
  }
}
