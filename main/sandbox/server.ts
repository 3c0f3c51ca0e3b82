/**
 * Starts the MESH sandbox: a node:http or node:https server (mutual TLS when
 * asked) on a loopback address, dispatching to the handlers.
 */
import { once } from 'node:events';
import { type IncomingMessage, type Server, type ServerResponse, createServer as createHttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { isIP } from 'node:net';
import type { Duplex } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import { setTimeout as sleep } from 'node:timers/promises';
import { AppError } from '../shared/errors';
import { parseAcceptHeader } from './accept';
import { TokenReplayGuard } from './authenticate';
import { createSandboxClock } from './clock';
import type { RequestContext, SandboxCore } from './context';
import { cutRequestBody, limitResponseBody, muteResponseThenDrop } from './fault-effects';
import { FaultInjector, type FaultRule } from './faults';
import {
  handleAddMessageEvent,
  handleClock,
  handleCreateReport,
  handleExpire,
  handleFaults,
  handleHealth,
  handleMailboxDetails,
  handleMessageDetails,
  handleRemoveFault,
  handleResetAll,
  handleResetMailbox,
} from './handlers/admin';
import { handleEndpointLookup, handleWorkflowSearch } from './handlers/lookup';
import {
  handleAcknowledge,
  handleDownload,
  handleHandshake,
  handleHead,
  handleInboxCount,
  handleInboxList,
  handleTracking,
  handleTrackingByLocalId,
  handleUpdate,
} from './handlers/mailbox';
import { handleSend, handleSendChunk } from './handlers/outbox';
import { sendError } from './http-io';
import { Mailroom } from './mailroom';
import { SandboxHttpError, textError } from './mesh-errors';
import { newSecretToken, secretMatches } from '../shared/loopback-guard';
import { ADMIN_TOKEN_HEADER, allowedHosts, describeHeader, hostOrOriginRefusal } from './request-guard';
import { type RouteName, matchRoute, pathSegments } from './routes';
import { PatternMessageStore } from './store/pattern-store';
import { DiskMessageStore } from './store/disk-store';
import { MemoryMessageStore } from './store/memory-store';
import type { MessageStore } from './store/message-store';
import type { ClientCertificateMode, RunningSandbox, SandboxOptions, StoredMessage } from './types';

type Handler = (ctx: RequestContext) => Promise<void>;

const HANDLERS: Record<RouteName, Handler> = {
  health: handleHealth,
  resetAll: handleResetAll,
  resetMailbox: handleResetMailbox,
  createReport: handleCreateReport,
  addMessageEvent: handleAddMessageEvent,
  mailboxDetails: handleMailboxDetails,
  messageDetails: handleMessageDetails,
  faults: handleFaults,
  removeFault: handleRemoveFault,
  clock: handleClock,
  expire: handleExpire,
  endpointLookup: handleEndpointLookup,
  workflowSearch: handleWorkflowSearch,
  handshake: handleHandshake,
  inboxList: handleInboxList,
  inboxCount: handleInboxCount,
  download: handleDownload,
  head: handleHead,
  downloadChunk: handleDownload,
  acknowledge: handleAcknowledge,
  send: handleSend,
  sendChunk: handleSendChunk,
  tracking: handleTracking,
  trackingByLocalId: handleTrackingByLocalId,
  update: handleUpdate,
};

// Routes whose answers depend on inbox state, so a due expiry must run first.
const EXPIRY_SENSITIVE = new Set<RouteName>([
  'inboxList',
  'inboxCount',
  'download',
  'downloadChunk',
  'head',
  'acknowledge',
  'tracking',
  'trackingByLocalId',
]);

/** True for names and addresses that only reach this machine. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '');
  if (bare === 'localhost' || bare === '::1') return true;
  if (isIP(bare) === 4) return bare.startsWith('127.');
  return /^::ffff:127\./i.test(bare);
}

function resolveClientCertificateMode(options: SandboxOptions): ClientCertificateMode {
  const tls = options.tls;
  if (!tls) return 'off';
  return tls.clientCertificates ?? (tls.clientCa ? 'required' : 'off');
}

function createStore(options: SandboxOptions, log: (line: string) => void): MessageStore {
  const store = options.store ?? { kind: 'memory' };
  if (store.kind === 'disk') return new DiskMessageStore(store.dir, log);
  return store.kind === 'pattern' ? new PatternMessageStore(store.block) : new MemoryMessageStore();
}

/** Copies a stored message so callers cannot change the sandbox's state. */
function snapshot(message: StoredMessage): StoredMessage {
  return structuredClone(message);
}

/** Starts a sandbox and resolves once it is listening. */
export async function startSandbox(options: SandboxOptions): Promise<RunningSandbox> {
  const host = options.host ?? '127.0.0.1';
  if (!isLoopbackHost(host)) {
    throw new AppError({
      code: 'invalid-argument',
      message: 'The MESH sandbox only listens on this computer (localhost). Choose 127.0.0.1, ::1 or localhost.',
      detail: `refused host ${host}`,
    });
  }
  const clientCertificates = resolveClientCertificateMode(options);
  if (clientCertificates !== 'off' && !options.tls?.clientCa) {
    throw new AppError({
      code: 'invalid-argument',
      message: 'Checking client certificates needs the certificate of the authority that issues them.',
      detail: 'tls.clientCa is required when clientCertificates is required or optional',
    });
  }
  if (options.adminToken === '') {
    throw new AppError({
      code: 'invalid-argument',
      message: 'The sandbox admin token cannot be empty. Leave it out to get a random one.',
      detail: 'adminToken is an empty string',
    });
  }
  const adminToken = options.adminToken === false ? undefined : (options.adminToken ?? newSecretToken());
  const log = options.log ?? (() => {});
  const clock = createSandboxClock(options.clock);
  const inboxExpiryDays = options.inboxExpiryDays ?? 5;
  const mailroom = new Mailroom(options.mailboxes, options.workflows ?? [], createStore(options, log), clock, inboxExpiryDays);
  await mailroom.load();

  const auth = options.auth ?? { mode: 'full' };
  const closing = new AbortController();
  const core: SandboxCore = {
    mailroom,
    clock,
    faults: new FaultInjector(),
    sharedKey: options.sharedKey,
    authMode: auth.mode,
    checkTimestamp: auth.checkTimestamp ?? true,
    enforceWorkflowPermissions: options.enforceWorkflowPermissions ?? false,
    compressDownloads: options.compressDownloads ?? true,
    inboxExpiryDays,
    log,
    // Filled in once the port is known; nothing can arrive before then.
    allowedHosts: [],
    ...(adminToken === undefined ? {} : { adminToken }),
    closing: closing.signal,
  };
  if (auth.rejectReusedTokens ?? true) core.replayGuard = new TokenReplayGuard();

  const listener = (req: IncomingMessage, res: ServerResponse) => {
    // A client that vanishes mid-request fails these streams; that must cost the client its request, never the process.
    req.on('error', (error: NodeJS.ErrnoException) =>
      log(`request stream of ${req.method} ${describeHeader(req.url)} failed: ${errorCode(error)}`),
    );
    res.on('error', (error: NodeJS.ErrnoException) =>
      log(`response to ${req.method} ${describeHeader(req.url)} failed: ${errorCode(error)}`),
    );
    handleRequest(core, clientCertificates, req, res).catch((error: unknown) => {
      // Last resort: a failure while answering must never take the sandbox down.
      log(`request handling failed: ${String(error)}`);
      res.destroy();
    });
  };
  // Larger stream buffers cut per-chunk overhead on multi-gigabyte transfers.
  const streamOptions = { highWaterMark: 1024 * 1024, requestTimeout: 0 };
  const server: Server = options.tls
    ? createHttpsServer(
        {
          ...streamOptions,
          cert: options.tls.cert,
          key: options.tls.key,
          minVersion: 'TLSv1.2',
          ...(options.tls.clientCa ? { ca: options.tls.clientCa } : {}),
          requestCert: clientCertificates !== 'off',
          rejectUnauthorized: clientCertificates === 'required',
        },
        listener,
      )
    : createHttpServer(streamOptions, listener);
  // Uploads of many gigabytes take longer than node's default five-minute request limit,
  // but a connection that never finishes its headers is closed rather than held.
  server.requestTimeout = 0;
  server.headersTimeout = 15_000;
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => answerClientError(error, socket, log));
  // Node drops a connection whose TLS handshake fails; this only says why.
  server.on('tlsClientError', (error: NodeJS.ErrnoException) => log(`TLS handshake failed: ${errorCode(error)}`));

  server.listen(options.port ?? 0, host);
  await once(server, 'listening');
  // After listening, an 'error' is a failed accept (too many open files, say): the server keeps listening.
  server.on('error', (error: NodeJS.ErrnoException) => log(`sandbox server error: ${errorCode(error)}`));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('sandbox server has no TCP address');
  core.allowedHosts = allowedHosts(address.address, address.port, options.tls ? 'https' : 'http');
  const urlHost = isIP(address.address) === 6 ? `[${address.address}]` : address.address;
  const url = `${options.tls ? 'https' : 'http'}://${urlHost}:${address.port}`;

  return {
    url,
    port: address.port,
    adminToken,
    faults: core.faults,
    async close() {
      const closed = once(server, 'close');
      closing.abort();
      server.close();
      server.closeAllConnections();
      await closed;
    },
    expireMessages: () => mailroom.expire(),
    now: () => clock.now(),
    advanceClock: (ms) => clock.advance(ms),
    message(messageId) {
      const message = mailroom.getMessage(messageId);
      return message ? snapshot(message) : undefined;
    },
    inbox: (mailboxId) =>
      mailroom.listInbox(mailboxId.toUpperCase(), { limit: Number.MAX_SAFE_INTEGER }).messages.map((message) => message.message_id),
    outbox: (mailboxId) => mailroom.outbox(mailboxId.toUpperCase()).map((message) => message.message_id),
    lastHandshake: (mailboxId) => mailroom.lastHandshake(mailboxId),
    reset: (mailboxId) => mailroom.reset(mailboxId?.toUpperCase()),
  };
}

function errorCode(error: NodeJS.ErrnoException): string {
  return error.code ?? error.message;
}

// Node's own answers for the parse errors it names; anything else is a plain 400.
const CLIENT_ERROR_STATUS: Record<string, string> = {
  HPE_HEADER_OVERFLOW: '431 Request Header Fields Too Large',
  ERR_HTTP_REQUEST_TIMEOUT: '408 Request Timeout',
};

/** Answers bytes that are not HTTP (or headers that never finish) and closes that one connection. */
function answerClientError(error: NodeJS.ErrnoException, socket: Duplex, log: (line: string) => void): void {
  log(`closed a connection that did not speak HTTP: ${errorCode(error)}`);
  if (error.code === 'ECONNRESET' || !socket.writable || socket.writableEnded) {
    socket.destroy();
    return;
  }
  const status = CLIENT_ERROR_STATUS[error.code ?? ''] ?? '400 Bad Request';
  socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

/** The request target as a URL; origin-form paths like "//x" stay paths. Undefined when unparseable. */
export function requestUrl(target: string | undefined): URL | undefined {
  const raw = target ?? '/';
  try {
    return raw.startsWith('/') ? new URL(`http://sandbox.invalid${raw}`) : new URL(raw);
  } catch {
    return undefined;
  }
}

function untrustedPresentedCertificate(req: IncomingMessage): boolean {
  const socket = req.socket as TLSSocket;
  if (typeof socket.getPeerCertificate !== 'function' || socket.authorized) return false;
  const peer = socket.getPeerCertificate();
  return peer !== null && Object.keys(peer).length > 0;
}

async function handleRequest(
  core: SandboxCore,
  clientCertificates: ClientCertificateMode,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const method = req.method ?? 'GET';
  const acceptVersion = parseAcceptHeader(req.headers.accept);
  let apiVersion = acceptVersion ?? 1;
  try {
    const refusal = hostOrOriginRefusal(req.headers.host, req.headers.origin, core.allowedHosts);
    if (refusal) {
      core.log(
        `refused ${method} ${describeHeader(req.url)} (${refusal.status}): ` +
          `Host ${describeHeader(req.headers.host)}, Origin ${describeHeader(req.headers.origin)}`,
      );
      throw new SandboxHttpError(refusal.status, { kind: 'json', body: { detail: refusal.detail } }, { Connection: 'close' });
    }
    const url = requestUrl(req.url);
    const segments = url ? pathSegments(url.pathname) : undefined;
    const match = segments ? matchRoute(method, segments) : ({ kind: 'not-found' } as const);
    if (match.kind === 'not-found') {
      throw new SandboxHttpError(404, { kind: 'json', body: { detail: 'Not Found' } });
    }
    if (match.kind === 'method-not-allowed') {
      throw new SandboxHttpError(
        405,
        { kind: 'json', body: { detail: 'Method Not Allowed' } },
        {
          Allow: match.allowed.join(', '),
        },
      );
    }
    if (match.needsAdminToken && core.adminToken !== undefined) {
      const given = req.headers[ADMIN_TOKEN_HEADER.toLowerCase()];
      if (!secretMatches(given, core.adminToken)) {
        core.log(`refused admin ${method} ${describeHeader(url!.pathname)}: ${given === undefined ? 'no' : 'wrong'} ${ADMIN_TOKEN_HEADER}`);
        throw new SandboxHttpError(
          403,
          { kind: 'json', body: { detail: `Admin endpoints need the ${ADMIN_TOKEN_HEADER} header with this sandbox's admin token.` } },
          { Connection: 'close' },
        );
      }
    }
    const ctx: RequestContext = { req, res, body: req, url: url!, params: match.params, apiVersion, core };
    if (!match.admin) {
      const fault = core.faults.take(method, req.url ?? '/');
      if (fault) {
        core.log(`fault ${fault.kind} on ${method} ${req.url ?? '/'}`);
        if (await applyFault(fault, ctx)) return;
      }
    }
    if (clientCertificates === 'optional' && untrustedPresentedCertificate(req)) {
      throw textError(403, 'Client certificate is not trusted');
    }
    if (acceptVersion === undefined && match.name !== 'health' && !match.admin) {
      throw textError(400, 'Accept header api format incorrect');
    }
    if (EXPIRY_SENSITIVE.has(match.name)) await core.mailroom.expireIfDue();
    await HANDLERS[match.name](ctx);
  } catch (error) {
    if (acceptVersion === undefined) apiVersion = 1;
    answerWithError(core, req, res, error, apiVersion);
  }
}

/** Carries out a fault; true when the request needs nothing more. */
async function applyFault(fault: FaultRule, ctx: RequestContext): Promise<boolean> {
  const { req, res } = ctx;
  switch (fault.kind) {
    case 'status': {
      req.resume();
      const body = fault.body ?? '';
      res.writeHead(fault.status, {
        ...(fault.headers ?? {}),
        'Content-Type': fault.contentType ?? 'text/plain; charset=utf-8',
        'Content-Length': String(Buffer.byteLength(body)),
      });
      res.end(body);
      return true;
    }
    case 'delay': {
      const clientGone = new AbortController();
      res.once('close', () => clientGone.abort());
      try {
        await sleep(fault.ms, undefined, { signal: AbortSignal.any([ctx.core.closing, clientGone.signal]) });
      } catch {
        res.destroy();
        return true;
      }
      return false;
    }
    case 'reset-after-body':
      muteResponseThenDrop(req, res);
      return false;
    case 'reset-mid-body':
      if ((fault.direction ?? 'request') === 'request') {
        ctx.body = cutRequestBody(req, fault.afterBytes, () => req.socket.destroy());
      } else {
        limitResponseBody(res, fault.afterBytes, () => res.socket?.destroy());
      }
      return false;
    case 'truncate':
      limitResponseBody(res, fault.afterBytes, () => res.socket?.end());
      return false;
  }
}

function answerWithError(core: SandboxCore, req: IncomingMessage, res: ServerResponse, error: unknown, apiVersion: number): void {
  if (res.headersSent || res.destroyed) {
    res.destroy();
    return;
  }
  if (error instanceof SandboxHttpError) {
    sendError(res, error.status, error.body, apiVersion, error.headers);
    return;
  }
  core.log(`500 ${req.method} ${req.url}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  if (req.destroyed || req.socket.destroyed) return;
  sendError(res, 500, { kind: 'internal' }, apiVersion);
}
