/**
 * The sandbox's state: mailboxes, workflows, and every message with its
 * status history. Handlers ask it to do things; it keeps the in-memory index
 * and the store in step. Rules here follow NHS's mesh-sandbox unless a comment
 * says where real MESH behaviour was added.
 */
import { randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { SandboxClock } from './clock';
import { undeliveredDescription } from './mesh-errors';
import type { MessageStore } from './store/message-store';
import type { HandshakeRecord, MessageEvent, MessageParty, MessageStatus, SandboxMailbox, SandboxWorkflow, StoredMessage } from './types';

const DAY_MS = 24 * 60 * 60 * 1000;

/** The sender NHS's sandbox puts on reports it creates. */
export const CENTRAL_SYSTEM_MAILBOX: MessageParty = {
  mailbox_id: '',
  mailbox_name: 'Central System Mailbox',
  ods_code: 'X26',
  org_code: 'X26',
  org_name: 'NHS England',
  billing_entity: 'England',
};

/** What a new data message needs besides its body. */
export interface NewDataMessage {
  sender: SandboxMailbox;
  recipient: SandboxMailbox;
  workflowId: string;
  totalChunks: number;
  metadata: StoredMessage['metadata'];
}

/** What a report put into an inbox carries (admin endpoint and expiry). */
export interface NewReport {
  recipient: MessageParty;
  workflowId: string;
  status: 'undeliverable' | 'error';
  event: string;
  code: string;
  description: string;
  subject?: string;
  localId?: string;
  fileName?: string;
  linkedMessageId?: string;
}

/** A page of the inbox listing. */
export interface InboxPage {
  messages: StoredMessage[];
  /** Sequence number of the last message on the page when more follow. */
  nextAfterSeq?: number;
}

/** The party record of a mailbox as messages carry it. */
export function partyOf(mailbox: SandboxMailbox): MessageParty {
  const party: MessageParty = {
    mailbox_id: mailbox.mailbox_id,
    mailbox_name: mailbox.mailbox_name,
    ods_code: mailbox.ods_code,
    org_code: mailbox.org_code,
  };
  if (mailbox.org_name !== undefined) party.org_name = mailbox.org_name;
  if (mailbox.billing_entity !== undefined) party.billing_entity = mailbox.billing_entity;
  return party;
}

/** The message's current status (its newest event). */
export function statusOf(message: StoredMessage): MessageStatus {
  return message.events[0]?.status ?? 'accepted';
}

/** The newest error event, which drives report status headers (as in NHS's sandbox). */
export function errorEventOf(message: StoredMessage): MessageEvent | undefined {
  return message.events.find((event) => event.status === 'error');
}

/** A message id in real MESH's shape: 20-digit timestamp, underscore, 6 hex digits. */
export function newMessageId(now: Date): string {
  const stamp = now.toISOString().replace(/[-:T.Z]/g, '');
  const digits = String(randomBytes(2).readUInt16BE(0) % 1000).padStart(3, '0');
  return `${stamp}${digits}_${randomBytes(3).toString('hex').toUpperCase()}`;
}

export class Mailroom {
  private readonly mailboxes = new Map<string, SandboxMailbox>();
  private readonly workflows = new Map<string, SandboxWorkflow>();
  private readonly messages = new Map<string, StoredMessage>();
  /** Every message ever delivered to each mailbox, in inbox order. */
  private readonly inboxes = new Map<string, StoredMessage[]>();
  private readonly handshakes = new Map<string, HandshakeRecord>();
  private lastInboxSeq = 0;
  private earliestExpiryMs = Infinity;

  constructor(
    mailboxes: readonly SandboxMailbox[],
    workflows: readonly SandboxWorkflow[],
    private readonly store: MessageStore,
    private readonly clock: SandboxClock,
    private readonly inboxExpiryDays: number,
  ) {
    for (const mailbox of mailboxes) {
      const id = mailbox.mailbox_id.trim().toUpperCase();
      this.mailboxes.set(id, { ...mailbox, mailbox_id: id });
    }
    const normalise = (ids: readonly string[]) => ids.map((id) => id.trim().toUpperCase());
    for (const workflow of workflows) {
      this.workflows.set(workflow.workflow_id, {
        workflow_id: workflow.workflow_id,
        senders: normalise(workflow.senders),
        receivers: normalise(workflow.receivers),
      });
    }
  }

  /** Loads what the store kept from an earlier run. */
  async load(): Promise<void> {
    const loaded = await this.store.loadMessages();
    loaded.sort((a, b) => (a.inbox_seq ?? Infinity) - (b.inbox_seq ?? Infinity));
    for (const message of loaded) {
      this.messages.set(message.message_id, message);
      if (message.inbox_seq !== undefined) {
        this.inboxOf(message.recipient.mailbox_id).push(message);
        this.lastInboxSeq = Math.max(this.lastInboxSeq, message.inbox_seq);
      }
    }
    this.recomputeEarliestExpiry();
  }

  findMailbox(mailboxId: string): SandboxMailbox | undefined {
    return this.mailboxes.get(mailboxId.trim().toUpperCase());
  }

  allMailboxes(): SandboxMailbox[] {
    return [...this.mailboxes.values()];
  }

  getMessage(messageId: string): StoredMessage | undefined {
    return this.messages.get(messageId.toUpperCase());
  }

  recordHandshake(mailboxId: string, record: HandshakeRecord): void {
    this.handshakes.set(mailboxId, record);
  }

  lastHandshake(mailboxId: string): HandshakeRecord | undefined {
    return this.handshakes.get(mailboxId.toUpperCase());
  }

  private inboxOf(mailboxId: string): StoredMessage[] {
    let inbox = this.inboxes.get(mailboxId);
    if (!inbox) {
      inbox = [];
      this.inboxes.set(mailboxId, inbox);
    }
    return inbox;
  }

  private event(status: MessageStatus, extra: Omit<MessageEvent, 'status' | 'timestamp'> = {}): MessageEvent {
    return { status, timestamp: this.clock.now().toISOString(), ...extra };
  }

  private expiryFrom(now: Date): string {
    return new Date(now.getTime() + this.inboxExpiryDays * DAY_MS).toISOString();
  }

  private uniqueId(now: Date): string {
    let id = newMessageId(now);
    while (this.messages.has(id)) id = newMessageId(now);
    return id;
  }

  /**
   * Creates a data message from its first chunk. Resolves undefined (and keeps
   * nothing) when the body was empty, so the caller can answer 417 COLLECT 02.
   */
  async createDataMessage(spec: NewDataMessage, firstChunk: Readable): Promise<StoredMessage | undefined> {
    const now = this.clock.now();
    const messageId = this.uniqueId(now);
    const metadata = { ...spec.metadata, file_name: spec.metadata.file_name ?? `${messageId}.dat` };
    const message: StoredMessage = {
      message_id: messageId,
      message_type: 'DATA',
      workflow_id: spec.workflowId,
      sender: partyOf(spec.sender),
      recipient: partyOf(spec.recipient),
      total_chunks: spec.totalChunks,
      chunk_sizes: {},
      file_size: 0,
      metadata,
      events: [this.event('uploading')],
      created_timestamp: now.toISOString(),
      inbox_expiry_timestamp: this.expiryFrom(now),
    };
    let size: number;
    try {
      size = await this.store.writeChunk(messageId, 1, firstChunk);
    } catch (error) {
      await this.store.deleteMessage(messageId).catch(() => {});
      throw error;
    }
    if (size === 0) {
      await this.store.deleteMessage(messageId);
      return undefined;
    }
    message.chunk_sizes['1'] = size;
    this.messages.set(messageId, message);
    if (this.allChunksStored(message)) this.accept(message);
    await this.store.saveMessage(message);
    return message;
  }

  /** Stores chunk k of an uploading message; delivers the message once every chunk is in. */
  async storeChunk(message: StoredMessage, chunkNumber: number, body: Readable): Promise<void> {
    const size = await this.store.writeChunk(message.message_id, chunkNumber, body);
    if (this.messages.get(message.message_id) !== message) {
      // Reset while the body was arriving: leave nothing behind.
      await this.store.deleteMessage(message.message_id);
      return;
    }
    message.chunk_sizes[String(chunkNumber)] = size;
    // NHS's sandbox delivers when chunk n arrives even with gaps (leaving a broken
    // message); delivering only once all chunks are in also tolerates parallel uploads.
    if (statusOf(message) === 'uploading' && this.allChunksStored(message)) this.accept(message);
    await this.store.saveMessage(message);
  }

  private allChunksStored(message: StoredMessage): boolean {
    for (let chunk = 1; chunk <= message.total_chunks; chunk++) {
      if (message.chunk_sizes[String(chunk)] === undefined) return false;
    }
    return true;
  }

  /** Puts a message into its recipient's inbox. */
  private accept(message: StoredMessage): void {
    const now = this.clock.now();
    message.events.unshift(this.event('accepted'));
    message.file_size = Object.values(message.chunk_sizes).reduce((sum, size) => sum + size, 0);
    // Real MESH counts the five days from delivery, not from the start of the upload.
    message.inbox_expiry_timestamp = this.expiryFrom(now);
    this.deliver(message);
  }

  private deliver(message: StoredMessage): void {
    if (message.inbox_seq === undefined) {
      message.inbox_seq = ++this.lastInboxSeq;
      this.inboxOf(message.recipient.mailbox_id).push(message);
    }
    this.earliestExpiryMs = Math.min(this.earliestExpiryMs, Date.parse(message.inbox_expiry_timestamp));
  }

  /** Marks an accepted message acknowledged; does nothing for other statuses (idempotent). */
  async acknowledge(message: StoredMessage): Promise<void> {
    if (statusOf(message) !== 'accepted') return;
    message.events.unshift(this.event('acknowledged'));
    await this.store.saveMessage(message);
  }

  /** One page of a mailbox's accepted messages after a sequence number. */
  listInbox(mailboxId: string, options: { afterSeq?: number; limit: number; workflowFilter?: (workflowId: string) => boolean }): InboxPage {
    const page: StoredMessage[] = [];
    for (const message of this.inboxes.get(mailboxId) ?? []) {
      if (statusOf(message) !== 'accepted') continue;
      if (options.afterSeq !== undefined && (message.inbox_seq ?? 0) <= options.afterSeq) continue;
      if (options.workflowFilter && !options.workflowFilter(message.workflow_id)) continue;
      if (page.length === options.limit) {
        return { messages: page, nextAfterSeq: page[page.length - 1]!.inbox_seq! };
      }
      page.push(message);
    }
    return { messages: page };
  }

  /** Number of accepted messages waiting in a mailbox. */
  inboxCount(mailboxId: string): number {
    return (this.inboxes.get(mailboxId) ?? []).filter((message) => statusOf(message) === 'accepted').length;
  }

  /** Messages the mailbox sent (any status), oldest first. */
  outbox(mailboxId: string): StoredMessage[] {
    return [...this.messages.values()]
      .filter((message) => message.sender.mailbox_id === mailboxId)
      .sort((a, b) => a.created_timestamp.localeCompare(b.created_timestamp));
  }

  /** Puts a report into a mailbox's inbox. */
  async createReport(spec: NewReport): Promise<StoredMessage> {
    const now = this.clock.now();
    const messageId = this.uniqueId(now);
    const errorEvent = this.event(spec.status, {
      event: spec.event,
      code: spec.code,
      description: spec.description,
      ...(spec.linkedMessageId !== undefined ? { linked_message_id: spec.linkedMessageId } : {}),
    });
    const metadata: StoredMessage['metadata'] = { content_encoding: '' };
    if (spec.subject !== undefined) metadata.subject = spec.subject;
    if (spec.localId !== undefined) metadata.local_id = spec.localId;
    if (spec.fileName !== undefined) metadata.file_name = spec.fileName;
    const report: StoredMessage = {
      message_id: messageId,
      message_type: 'REPORT',
      workflow_id: spec.workflowId,
      sender: { ...CENTRAL_SYSTEM_MAILBOX },
      recipient: spec.recipient,
      total_chunks: 0,
      chunk_sizes: {},
      file_size: 0,
      metadata,
      // Newest first: the report is accepted (listable) and carries the error it reports.
      events: [this.event('accepted'), errorEvent],
      created_timestamp: now.toISOString(),
      inbox_expiry_timestamp: this.expiryFrom(now),
    };
    this.messages.set(messageId, report);
    this.deliver(report);
    await this.store.saveMessage(report);
    return report;
  }

  /** Prepends a status event (admin endpoint); a message moved to accepted becomes listable. */
  async addEvent(message: StoredMessage, event: Omit<MessageEvent, 'timestamp'>): Promise<void> {
    message.events.unshift({ ...event, timestamp: this.clock.now().toISOString() });
    if (event.status === 'accepted') this.deliver(message);
    await this.store.saveMessage(message);
  }

  /** Expires messages not acknowledged in time when one is due; cheap when none is. */
  async expireIfDue(): Promise<string[]> {
    if (this.clock.now().getTime() < this.earliestExpiryMs) return [];
    return this.expire();
  }

  /**
   * The inbox expiry sweep (real MESH; NHS's sandbox has none): accepted
   * messages past their expiry leave the inbox as undeliverable, and the sender
   * of a data message gets a report with code 14 linked to it.
   */
  async expire(): Promise<string[]> {
    const nowMs = this.clock.now().getTime();
    const reportIds: string[] = [];
    const due = [...this.messages.values()].filter(
      (message) => statusOf(message) === 'accepted' && Date.parse(message.inbox_expiry_timestamp) <= nowMs,
    );
    for (const message of due) {
      const description = undeliveredDescription(this.inboxExpiryDays);
      await this.addEvent(message, { status: 'undeliverable', event: 'SEND', code: '14', description });
      if (message.message_type !== 'DATA' || message.sender.mailbox_id === '') continue;
      const report: NewReport = {
        recipient: message.sender,
        workflowId: message.workflow_id,
        status: 'error',
        event: 'SEND',
        code: '14',
        description,
        subject: message.metadata.subject ? `NDR: ${message.metadata.subject}` : 'NDR',
        linkedMessageId: message.message_id,
      };
      if (message.metadata.local_id !== undefined) report.localId = message.metadata.local_id;
      reportIds.push((await this.createReport(report)).message_id);
    }
    this.recomputeEarliestExpiry();
    return reportIds;
  }

  private recomputeEarliestExpiry(): void {
    this.earliestExpiryMs = Infinity;
    for (const message of this.messages.values()) {
      if (statusOf(message) !== 'accepted') continue;
      this.earliestExpiryMs = Math.min(this.earliestExpiryMs, Date.parse(message.inbox_expiry_timestamp));
    }
  }

  /** Deletes every message, or those a mailbox sent or received. */
  async reset(mailboxId?: string): Promise<void> {
    const doomed = [...this.messages.values()].filter(
      (message) => mailboxId === undefined || message.sender.mailbox_id === mailboxId || message.recipient.mailbox_id === mailboxId,
    );
    for (const message of doomed) this.messages.delete(message.message_id);
    if (mailboxId === undefined) {
      this.inboxes.clear();
      await this.store.clear();
    } else {
      const gone = new Set(doomed);
      for (const [owner, inbox] of this.inboxes) {
        this.inboxes.set(
          owner,
          inbox.filter((message) => !gone.has(message)),
        );
      }
      await Promise.all(doomed.map((message) => this.store.deleteMessage(message.message_id)));
    }
    this.recomputeEarliestExpiry();
  }

  /** Opens a stored chunk body. */
  openChunk(message: StoredMessage, chunkNumber: number): Promise<Readable | undefined> {
    return this.store.openChunk(message.message_id, chunkNumber);
  }

  /** Mailboxes with this ODS code registered to receive the workflow (endpoint lookup). */
  lookupEndpoint(odsCode: string, workflowId: string): SandboxMailbox[] {
    const wanted = odsCode.trim().toUpperCase();
    return this.workflowReceivers(workflowId).filter((mailbox) => mailbox.ods_code.trim().toUpperCase() === wanted);
  }

  /** Mailboxes registered to receive the workflow (workflow search). */
  workflowReceivers(workflowId: string): SandboxMailbox[] {
    const workflow = this.workflows.get(workflowId);
    if (!workflow) return [];
    return workflow.receivers.flatMap((id) => {
      const mailbox = this.findMailbox(id);
      return mailbox ? [mailbox] : [];
    });
  }

  /**
   * Real MESH's workflow permission check (NHS's sandbox has none): 17 when the
   * workflow is unknown or the recipient is not registered to receive it, 16
   * when the sender is not registered to send it.
   */
  workflowPermissionProblem(
    senderId: string,
    recipientId: string,
    workflowId: string,
  ): 'workflowNotRegistered' | 'senderNotAllowed' | undefined {
    const workflow = this.workflows.get(workflowId);
    if (!workflow) return 'workflowNotRegistered';
    if (!workflow.senders.includes(senderId)) return 'senderNotAllowed';
    if (!workflow.receivers.includes(recipientId)) return 'workflowNotRegistered';
    return undefined;
  }
}
