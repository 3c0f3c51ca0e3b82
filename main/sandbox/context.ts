/**
 * What every request handler receives: the request and response, the body
 * stream to read (possibly wrapped by a fault), the parsed URL, the API version
 * asked for, and the sandbox's shared state.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import type { TokenReplayGuard } from './authenticate';
import type { SandboxClock } from './clock';
import type { FaultInjector } from './faults';
import type { Mailroom } from './mailroom';

/** Settings and state shared by all requests of one sandbox. */
export interface SandboxCore {
  mailroom: Mailroom;
  clock: SandboxClock;
  faults: FaultInjector;
  sharedKey: string;
  authMode: 'full' | 'none';
  checkTimestamp: boolean;
  replayGuard?: TokenReplayGuard;
  enforceWorkflowPermissions: boolean;
  compressDownloads: boolean;
  inboxExpiryDays: number;
  log: (line: string) => void;
  /** Host header values this sandbox answers to (see request-guard.ts); filled in once it listens. */
  allowedHosts: readonly string[];
  /** The token admin routes want; undefined leaves them open. */
  adminToken?: string;
  /** Aborted when the sandbox closes, so held requests (delay faults) let go. */
  closing: AbortSignal;
}

export interface RequestContext {
  req: IncomingMessage;
  res: ServerResponse;
  /** The request body; read this, not `req`, so body faults apply. */
  body: Readable;
  url: URL;
  /** Decoded path parameters by name. */
  params: Record<string, string>;
  /** API version from the Accept header (1 when absent or unparseable for admin routes). */
  apiVersion: number;
  core: SandboxCore;
}
