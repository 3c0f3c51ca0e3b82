import type { MessageParty } from '../contract/types';

/**
 * Names of mailboxes learned along the way (lookups, workflow searches, the
 * training sandbox), so the inbox can say "Northgate Hospital" rather than a
 * bare mailbox ID. MESH's download headers carry only the ID.
 */
export class PartyDirectory {
  private readonly names = new Map<string, MessageParty>();

  learn(party: MessageParty): void {
    const key = party.mailboxId.toUpperCase();
    const known = this.names.get(key);
    this.names.set(key, { ...known, ...party, mailboxId: key });
  }

  /** The best description of a mailbox we have. */
  describe(mailboxId: string | undefined): MessageParty {
    if (!mailboxId) return { mailboxId: '', name: 'MESH (central system)' };
    return this.names.get(mailboxId.toUpperCase()) ?? { mailboxId: mailboxId.toUpperCase() };
  }

  has(mailboxId: string): boolean {
    return this.names.has(mailboxId.toUpperCase());
  }
}
