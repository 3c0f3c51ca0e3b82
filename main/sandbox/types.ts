/**
 * Public configuration types of the MESH sandbox and the message model it keeps.
 * Field names of stored records follow NHS's mesh-sandbox (snake_case) so the
 * admin endpoints can return them as they are.
 */
import type { FaultInjector } from './faults';

export interface SandboxMailbox {
  mailbox_id: string;
  mailbox_name: string;
  ods_code: string;
  org_code: string;
  org_name?: string;
  billing_entity?: string;
  password: string;
  active?: boolean;
}

export interface SandboxWorkflow {
  workflow_id: string;
  senders: string[];
  receivers: string[];
}

export type ClientCertificateMode = 'required' | 'optional' | 'off';

export interface SandboxTlsOptions {
  cert: string | Buffer;
  key: string | Buffer;
  /** CA that signs client certificates. */
  clientCa?: string | Buffer;
  /** Default: 'required' when clientCa is given, otherwise 'off'. */
  clientCertificates?: ClientCertificateMode;
}

export type SandboxStoreOptions =
  | { kind: 'memory' }
  | { kind: 'disk'; dir: string }
  /** Benchmarks of very large files: bodies must be `block` repeated; only their place in it is kept. */
  | { kind: 'pattern'; block: Buffer };

export interface SandboxAuthOptions {
  mode: 'full' | 'none';
  /** Refuse tokens whose timestamp is more than two hours from the sandbox clock. Default true. */
  checkTimestamp?: boolean;
  /** Refuse a token (mailbox, nonce, count) seen before. Default true. */
  rejectReusedTokens?: boolean;
}

export interface SandboxOptions {
  /** Default '127.0.0.1'. Only loopback addresses are accepted. */
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Without it the sandbox speaks plain HTTP, like NHS's sandbox does by default. */
  tls?: SandboxTlsOptions;
  sharedKey: string;
  mailboxes: SandboxMailbox[];
  workflows?: SandboxWorkflow[];
  store?: SandboxStoreOptions;
  auth?: SandboxAuthOptions;
  /** Default false, like NHS's sandbox; when true, sends outside a configured workflow get 417 SEND 16/17. */
  enforceWorkflowPermissions?: boolean;
  /** Tests control time with this. Without it the sandbox owns a clock that POST /admin/clock can move. */
  clock?: () => Date;
  /** Days a delivered message waits in the inbox before it expires. Default 5. */
  inboxExpiryDays?: number;
  /**
   * Gzip plain chunks on the fly for v2 clients that accept gzip, as NHS's sandbox
   * does. Default true; benchmarks turn it off to measure raw transfer.
   */
  compressDownloads?: boolean;
  /**
   * The secret admin endpoints (reset, faults, clock, reports…) want in the
   * X-Sandbox-Admin-Token header. Default: a random one for this run, read back
   * from RunningSandbox.adminToken. `false` leaves them open to anyone who can
   * reach the sandbox; only the command line does that, and only when asked.
   */
  adminToken?: string | false;
  /** One line per notable event (refused token and why, fault fired); default silent. */
  log?: (line: string) => void;
}

export type MessageStatus = 'uploading' | 'accepted' | 'acknowledged' | 'undeliverable' | 'error';
export type MessageType = 'DATA' | 'REPORT';

export interface MessageParty {
  mailbox_id: string;
  mailbox_name?: string;
  ods_code?: string;
  org_code?: string;
  org_name?: string;
  billing_entity?: string;
}

export interface MessageEvent {
  status: MessageStatus;
  /** ISO-8601 UTC. */
  timestamp: string;
  event?: string;
  code?: string;
  description?: string;
  linked_message_id?: string;
}

export interface MessageMetadata {
  subject?: string;
  /** Content type of the whole message (mex-Content-Type, else Content-Type). */
  content_type?: string;
  /** '' when chunks are stored as sent without transfer encoding. */
  content_encoding: string;
  file_name?: string;
  local_id?: string;
  partner_id?: string;
  checksum?: string;
  encrypted?: boolean;
  compressed?: boolean;
}

export interface StoredMessage {
  message_id: string;
  message_type: MessageType;
  workflow_id: string;
  sender: MessageParty;
  recipient: MessageParty;
  total_chunks: number;
  /** Stored size of each chunk, by chunk number. */
  chunk_sizes: Record<string, number>;
  file_size: number;
  metadata: MessageMetadata;
  /** Newest first, as NHS's sandbox keeps them. */
  events: MessageEvent[];
  created_timestamp: string;
  inbox_expiry_timestamp: string;
  /** Position in the recipient's inbox; set when the message is accepted. */
  inbox_seq?: number;
}

/** Connection details a client reported in its last handshake. */
export interface HandshakeRecord {
  at: string;
  clientVersion: string;
  osName: string;
  osVersion: string;
  osArchitecture?: string;
  javaVersion?: string;
  userAgent?: string;
}

export interface RunningSandbox {
  /** Base URL, e.g. https://127.0.0.1:43123 */
  url: string;
  port: number;
  /** The X-Sandbox-Admin-Token value admin endpoints want; undefined when they are open. */
  adminToken: string | undefined;
  close(): Promise<void>;
  /** In-process fault injection (the same rules as POST /admin/faults). */
  faults: FaultInjector;
  /** Runs the inbox expiry sweep against the clock now; returns the ids of the reports it created. */
  expireMessages(): Promise<string[]>;
  /** The sandbox's current time. */
  now(): Date;
  /** Moves the sandbox-owned clock; throws when a `clock` option was given. */
  advanceClock(ms: number): void;
  /** A copy of a stored message, or undefined. */
  message(messageId: string): StoredMessage | undefined;
  /** Ids a recipient would list now (accepted messages, oldest first). */
  inbox(mailboxId: string): string[];
  /** Ids of every message the mailbox sent, oldest first, in any status. */
  outbox(mailboxId: string): string[];
  /** Last handshake details of a mailbox. */
  lastHandshake(mailboxId: string): HandshakeRecord | undefined;
  /** Deletes all messages, or one mailbox's inbox and outbox. */
  reset(mailboxId?: string): Promise<void>;
}
