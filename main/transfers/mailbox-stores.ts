/**
 * One MailboxStore per mailbox for everything that reads or writes a
 * mailbox's remembered state. The transfer queue (which records a finished
 * send in the sent history and a saved download in the inbox cache) and
 * mailbox activity (which polls, acknowledges and tracks) share it: two
 * stores for one mailbox would each hold their own copy of the same files
 * and overwrite each other's changes.
 */
import type { Logger } from '../log/logger';
import { MailboxStore } from './mailbox-store';

export class MailboxStores {
  private readonly stores = new Map<string, MailboxStore>();

  constructor(
    private readonly stateFolder: string,
    private readonly log: Logger,
  ) {}

  /** The mailbox's store, made on first use. */
  get(profileId: string): MailboxStore {
    let store = this.stores.get(profileId);
    if (!store) {
      store = new MailboxStore(this.stateFolder, profileId, this.log);
      this.stores.set(profileId, store);
    }
    return store;
  }

  /** Resolves once every write asked for so far is on disk. */
  async flush(): Promise<void> {
    for (const store of this.stores.values()) await store.flush();
  }
}
