/**
 * Builds the transfer queue and mailbox activity from one options object, so
 * the window's services, folder mode, the command line, the benchmarks and the
 * tests all wire them the same way: one store per mailbox shared by both, the
 * activity seeing the queue only as a TransferQueueView, and one shutdown
 * that stops the two and waits for their writes.
 */
import { TransferEngine, type TransferEngineOptions } from './engine';
import { MailboxActivity } from './mailbox-activity';
import { MailboxStores } from './mailbox-stores';

export interface TransfersOptions extends TransferEngineOptions {
  /** Most message ids one poll lists before handing back (default 5000). */
  maxMessagesPerPoll?: number;
  /** Message ids per inbox page (MESH allows 10–5000; default MESH's 500). */
  pageSize?: number;
}

export interface Transfers {
  /** The persistent queue of sends and receipts. */
  queue: TransferEngine;
  /** Each mailbox's inbox, polling, acknowledgement, tracking and sent history. */
  activity: MailboxActivity;
  /** Loads the journal and resumes unfinished transfers; polling starts per mailbox (activity.startPolling). */
  start(): Promise<void>;
  /** Stops polling and the queue at safe points (see TransferEngine.shutdown), then waits for every write. */
  shutdown(): Promise<void>;
}

export function createTransfers(options: TransfersOptions): Transfers {
  const { maxMessagesPerPoll, pageSize, ...queueOptions } = options;
  const clock = options.clock ?? (() => new Date());
  const log = options.log.child('transfers');
  const stores = new MailboxStores(options.stateFolder, log);
  const queue = new TransferEngine(queueOptions, stores);
  const activity = new MailboxActivity({
    clientFor: options.clientFor,
    ...(options.mailboxSettings ? { mailboxSettings: options.mailboxSettings } : {}),
    store: (profileId) => stores.get(profileId),
    queue,
    clock,
    log,
    ...(options.events ? { events: options.events } : {}),
    runStartedAt: clock(),
    ...(pageSize !== undefined ? { pageSize } : {}),
    ...(maxMessagesPerPoll !== undefined ? { maxMessagesPerPoll } : {}),
  });
  return {
    queue,
    activity,
    start: () => queue.start(),
    async shutdown() {
      // Both stop at once: a check in progress may still queue a download, which the closing queue then refuses.
      const activityStopped = activity.stop();
      const queueStopped = queue.shutdown();
      await Promise.all([activityStopped, queueStopped]);
      // A check that finished after the queue had flushed wrote to the inbox cache or sent history since.
      await stores.flush();
    },
  };
}
