import { createWriteStream } from 'node:fs';
import { mkdtemp, open, rm, stat, truncate } from 'node:fs/promises';
import http, { type IncomingHttpHeaders } from 'node:http';
import https from 'node:https';
import os from 'node:os';
import { join } from 'node:path';
import { pipeline as pipelineWithCallback, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import got, { type Got, type Response } from 'got';
import { AppError } from '../shared/errors';
import { createAuthHeader } from './auth';
import { DEFAULT_CHUNK_SIZE, planChunks, validateChunkSize, type ChunkRange } from './chunks';
import { environmentForUrl, isLoopbackHost, normaliseBaseUrl } from './environments';
import {
  failedBeforeSending,
  httpFailureToAppError,
  sendOutcomeUnknown,
  transportFailureToAppError,
  type MeshOperation,
  type TransportFailure,
} from './errors';
import { IO_BLOCK_SIZE, fileSystemError, fileWriteFailure, gzipFileRange, readFileBlocks, type BodyBlocks } from './file-io';
import {
  buildHandshakeHeaders,
  buildSendHeaders,
  parseMessageHeaders,
  validateSendHeaders,
  type MessageMetadata,
  type SendMetadata,
} from './headers';
import { createProxyAgent, proxyFromEnvironment, type ProxySettings } from './proxy';
import {
  parseInboxCount,
  parseInboxPage,
  parseMailboxMatches,
  parseSendResult,
  parseTracking,
  type InboxPage,
  type MailboxMatch,
  type TrackingInfo,
} from './responses';
import {
  DEFAULT_RETRY_POLICY,
  REFUSED_STATUSES,
  RETRYABLE_STATUSES,
  isRetryableCode,
  nextDelayMs,
  parseRetryAfterMs,
  waitOrCancel,
  type RetryPolicy,
} from './retry';
import { buildAgentTlsOptions, certificateState, clientCertificateValidity, type CertificateValidity, type TlsSettings } from './tls';
import { meshUrl, resolveLink } from './urls';

/** Which proxy to use: explicit settings, the https_proxy/no_proxy variables, or none. */
export type ProxyChoice = ProxySettings | 'environment' | 'direct';

/** Everything a MeshClient needs to talk to one mailbox. */
export interface MeshClientOptions {
  baseUrl: string;
  mailboxId: string;
  password: string;
  /** The environment's shared secret for the Authorization HMAC. */
  sharedKey: string;
  tls: TlsSettings;
  /** Default 'environment'. Loopback addresses never go through an environment proxy. */
  proxy?: ProxyChoice;
  /** This app's version, reported to MESH at handshake as MESH-Desktop==<version>. */
  clientVersion: string;
  /** Idle and wait-for-answer limit per request; connecting has at most 60 s of it. Default 10 minutes. */
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  /** Raw bytes per chunk when sending; default DEFAULT_CHUNK_SIZE. */
  chunkSize?: number;
  /** Allow chunks under MESH's 5 MB minimum. For tests and the sandbox only. */
  allowSmallChunks?: boolean;
  /** gzip level (1–9) when sending compressed. Default 6. */
  compressionLevel?: number;
  /** Folder for compressed chunks waiting to be sent. Default the OS temp folder. */
  tempDir?: string;
  /** Ask MESH for transfer gzip on downloads. Default true, as MESH's own clients do. */
  acceptGzip?: boolean;
  /** Environment variables for proxy discovery; default process.env. */
  env?: NodeJS.ProcessEnv;
  /** This computer's clock, for tokens and clock-skew checks. Tests move it; default real time. */
  clock?: () => Date;
}

/** Options for one page of the inbox. */
export interface ListInboxOptions {
  /** 10–5000; MESH's default is 500. */
  maxResults?: number;
  /** MESH filter syntax: WF, !WF, WF*, !WF*, *X*, !*X*. */
  workflowFilter?: string;
  /** The `next` from a previous page. */
  next?: string;
}

/** One chunk of a message as it arrives; body is already gunzipped when it came gzipped. */
export interface DownloadedChunk {
  metadata: MessageMetadata;
  /** 200 for the only or last chunk, 206 when more follow. */
  status: number;
  body: Readable;
}

/** Progress of downloadToFile. */
export interface DownloadProgress {
  messageId: string;
  chunk: number;
  totalChunks: number;
  /** Decoded bytes written to the file so far. */
  bytesWritten: number;
}

/** What downloadToFile wrote. */
export interface DownloadResult {
  metadata: MessageMetadata;
  bytes: number;
  chunks: number;
}

/** One chunk to upload. */
export interface SendChunkRequest {
  /** Required for k > 1: the id chunk 1 returned. */
  messageId?: string;
  k: number;
  n: number;
  /** Called for every attempt: a retry needs a fresh body. */
  body: () => BodyBlocks;
  /** Bytes body will produce; without it the chunk goes with chunked transfer encoding. */
  contentLength?: number;
  /** The body is gzip (Content-Encoding: gzip). */
  gzip: boolean;
  meta: SendMetadata;
  signal?: AbortSignal;
  /** Body bytes handed to the network so far in this attempt. */
  onUploadProgress?: (bytes: number) => void;
  /** The file the body reads, so a read failure is reported as a problem with that file. */
  bodyFile?: string;
}

/** Progress of sendFile, in bytes of the original file. */
export interface SendProgress {
  messageId?: string;
  chunk: number;
  totalChunks: number;
  bytesSent: number;
  totalBytes: number;
}

/** Options for sendFile. */
export interface SendFileOptions {
  chunkSize?: number;
  /** gzip each chunk on its own (Content-Encoding: gzip). Default false. */
  compress?: boolean;
  onProgress?: (progress: SendProgress) => void;
  signal?: AbortSignal;
}

interface RequestPlan {
  operation: MeshOperation;
  method: 'GET' | 'POST' | 'PUT' | 'HEAD';
  url: URL;
  headers?: Record<string, string>;
  body?: () => BodyBlocks;
  contentLength?: number;
  /** Statuses that mean success. */
  expected: readonly number[];
  /**
   * 'safe': may be repeated after retryable failures (GET, HEAD, PUT ack, chunks ≥ 2).
   * 'first-post': POST /outbox; repeated only when it certainly never reached MESH.
   */
  repeat: 'safe' | 'first-post';
  /** A status that means success when it answers a repeat (423 after re-posting the last chunk). */
  successOnRepeat?: number;
  signal?: AbortSignal;
  onUploadProgress?: (bytes: number) => void;
  /** The file the body reads, so a read failure is reported as a file problem. */
  bodyFile?: string;
}

interface TextResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

interface StreamResponse {
  status: number;
  headers: IncomingHttpHeaders;
  stream: Readable;
}

/**
 * A failed attempt says how far its body got: `bytesHanded` were given to the HTTP client to write, `bytesSent` of those
 * it has confirmed written. The confirmation lags: a server can read the last byte, store the message and drop the
 * connection before the client hears its write completed.
 */
type Attempt<T> = { ok: true; response: T } | { ok: false; error: unknown; bytesSent: number; bytesHanded: number };

const MESH_V2 = 'application/vnd.mesh.v2+json';
const ERROR_BODY_LIMIT = 64 * 1024;
const MAX_CHUNKS = 100_000;
const CONNECT_TIMEOUT_LIMIT_MS = 60_000;
const FILE_SYSTEM_CODES = new Set(['ENOENT', 'EACCES', 'EPERM', 'EISDIR', 'EBUSY', 'ENOSPC', 'EDQUOT', 'EROFS', 'EIO', 'EBADF', 'EMFILE']);

function cancelledError(cause?: unknown): AppError {
  return new AppError({ code: 'cancelled', message: 'The transfer was cancelled.', ...(cause ? { cause } : {}) });
}

function protocolError(detail: string): AppError {
  return new AppError({
    code: 'protocol-error',
    message: 'MESH gave an answer MESH Desktop did not expect. Try again; if it keeps happening, tell your IT service desk.',
    detail,
  });
}

function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

interface RequestFacts {
  reusedSocket?: boolean;
  timings?: { secureConnect?: number; upload?: number; response?: number };
}

/** Whether the request's own body reached the socket completely (got's upload timing). */
function uploadCompleted(error: unknown): boolean {
  return (error as RequestFacts | undefined)?.timings?.upload !== undefined;
}

/** Follows an error's cause chain and collects what the error mapping needs. */
function describeThrown(error: unknown, operation: MeshOperation): TransportFailure {
  const failure: TransportFailure = { operation };
  const facts = error as RequestFacts & { request?: { reusedSocket?: boolean } };
  if (facts?.timings?.secureConnect !== undefined && facts.timings.response === undefined && facts.request?.reusedSocket === false) {
    failure.closedOnFreshTlsConnection = true;
  }
  const messages: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current && depth < 8; depth++) {
    const candidate = current as {
      code?: unknown;
      message?: unknown;
      proxyPhase?: unknown;
      proxyStatus?: unknown;
      event?: unknown;
      name?: unknown;
      cause?: unknown;
    };
    if (typeof candidate.code === 'string' && candidate.code !== 'ERR_GOT_REQUEST_ERROR' && failure.code === undefined)
      failure.code = candidate.code;
    if (typeof candidate.message === 'string' && !messages.includes(candidate.message)) messages.push(candidate.message);
    if (candidate.proxyPhase === true) failure.proxyPhase = true;
    if (typeof candidate.proxyStatus === 'number') failure.proxyStatus = candidate.proxyStatus;
    if (candidate.name === 'TimeoutError' && typeof candidate.event === 'string') failure.timeoutPhase = candidate.event;
    current = candidate.cause;
  }
  if (messages.length > 0) failure.message = messages.join(' ← ');
  return failure;
}

/** The body's blocks as they come, counting what is handed on and telling of a failure producing them (reading the file). */
async function* watchBody(
  source: BodyBlocks,
  on: { handed: (bytes: number) => void; failed: (error: unknown) => void },
): AsyncGenerator<Uint8Array> {
  try {
    for await (const block of source) {
      on.handed(block.length);
      yield block;
    }
  } catch (error) {
    on.failed(error);
    throw error;
  }
}

async function readLimited(stream: Readable, limit: number): Promise<string> {
  const parts: Buffer[] = [];
  let size = 0;
  try {
    for await (const part of stream) {
      const buffer = part as Buffer;
      if (size < limit) parts.push(buffer.subarray(0, limit - size));
      size += buffer.length;
      if (size >= limit) break;
    }
  } catch {
    // An error body we cannot read completely is still worth mapping by status.
  } finally {
    stream.destroy();
  }
  return Buffer.concat(parts).toString('utf8');
}

function withDetailPrefix(error: AppError, prefix: string): AppError {
  return new AppError({
    ...error.toShape(),
    transient: error.transient,
    detail: `${prefix}: ${error.detail ?? error.message}`,
    cause: error,
  });
}

function rawDone(chunk: ChunkRange, sent: number, bodyLength: number): number {
  if (bodyLength <= 0) return chunk.start;
  return chunk.start + Math.min(chunk.length, Math.floor((chunk.length * sent) / bodyLength));
}

/**
 * A MESH API v2 client for one mailbox, over mutual TLS (optionally through a
 * CONNECT proxy). Every request carries a fresh Authorization token. Bodies
 * are streamed; nothing holds a whole chunk in memory.
 */
export class MeshClient {
  readonly baseUrl: string;
  readonly mailboxId: string;
  private readonly password: string;
  private readonly sharedKey: string;
  private readonly clientVersion: string;
  private readonly retryPolicy: RetryPolicy;
  private readonly chunkSize: number;
  private readonly allowSmallChunks: boolean;
  private readonly compressionLevel: number;
  private readonly tempDir: string | undefined;
  private readonly hasClientCertificate: boolean;
  private readonly clientCertificateDates: CertificateValidity | undefined;
  private readonly viaProxy: boolean;
  private readonly caInstructions: string;
  private readonly clock: () => Date;
  private readonly agent: http.Agent;
  private readonly http: Got;

  constructor(options: MeshClientOptions) {
    this.baseUrl = normaliseBaseUrl(options.baseUrl);
    this.mailboxId = options.mailboxId.trim().toUpperCase();
    this.password = options.password;
    this.sharedKey = options.sharedKey;
    this.clientVersion = options.clientVersion;
    this.retryPolicy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
    this.allowSmallChunks = options.allowSmallChunks ?? false;
    this.chunkSize = options.chunkSize ?? DEFAULT_CHUNK_SIZE;
    const chunkProblem = validateChunkSize(this.chunkSize, { allowBelowMinimum: this.allowSmallChunks });
    if (chunkProblem) throw chunkProblem;
    this.compressionLevel = options.compressionLevel ?? 6;
    this.tempDir = options.tempDir;
    this.clock = options.clock ?? (() => new Date());
    this.hasClientCertificate = options.tls.clientCertificate !== undefined;
    this.clientCertificateDates = options.tls.clientCertificate ? clientCertificateValidity(options.tls.clientCertificate) : undefined;
    this.caInstructions = environmentForUrl(this.baseUrl).caInstructions;

    const base = new URL(this.baseUrl);
    const timeoutMs = options.timeoutMs ?? 600_000;
    const agentOptions = { keepAlive: true, maxSockets: 8, scheduling: 'lifo' as const };
    let proxy: ProxySettings | undefined;
    if (base.protocol === 'http:') {
      this.agent = new http.Agent(agentOptions);
    } else {
      const tlsOptions = buildAgentTlsOptions(options.tls);
      const choice = options.proxy ?? 'environment';
      if (choice === 'environment') {
        proxy = isLoopbackHost(base.hostname) ? undefined : proxyFromEnvironment(options.env ?? process.env, this.baseUrl);
      } else if (choice !== 'direct') {
        proxy = choice;
      }
      this.agent = proxy
        ? createProxyAgent(proxy, { ...agentOptions, ...tlsOptions })
        : new https.Agent({ ...agentOptions, ...tlsOptions });
    }
    this.viaProxy = proxy !== undefined;

    const connectTimeout = Math.min(timeoutMs, CONNECT_TIMEOUT_LIMIT_MS);
    this.http = got.extend({
      agent: base.protocol === 'http:' ? { http: this.agent } : { https: this.agent as https.Agent },
      decompress: false,
      followRedirect: false,
      http2: false,
      retry: { limit: 0 },
      throwHttpErrors: false,
      timeout: { lookup: connectTimeout, connect: connectTimeout, secureConnect: connectTimeout, socket: timeoutMs, response: timeoutMs },
      headers: {
        'user-agent': `MESH-Desktop/${options.clientVersion} (${os.platform()}; ${os.arch()})`,
        accept: MESH_V2,
        'accept-encoding': options.acceptGzip === false ? 'identity' : 'gzip',
      },
    });
  }

  /** Closes pooled connections. The client must not be used afterwards. */
  close(): void {
    this.agent.destroy();
  }

  /** Validates the mailbox (POST /messageexchange/{mailbox}), reporting client and OS details. */
  async handshake(options: { signal?: AbortSignal } = {}): Promise<void> {
    await this.execute({
      operation: 'handshake',
      method: 'POST',
      url: this.mailboxUrl([]),
      headers: buildHandshakeHeaders(this.clientVersion, {
        type: os.type(),
        release: os.release(),
        version: os.version(),
        machine: os.machine(),
      }),
      expected: [200],
      repeat: 'safe',
      ...(options.signal ? { signal: options.signal } : {}),
    });
  }

  /** One page of message ids waiting in the inbox. */
  async listInbox(options: ListInboxOptions = {}): Promise<InboxPage> {
    let url: URL;
    if (options.next) {
      url = resolveLink(this.baseUrl, options.next);
    } else {
      if (
        options.maxResults !== undefined &&
        (!Number.isInteger(options.maxResults) || options.maxResults < 10 || options.maxResults > 5000)
      ) {
        throw new AppError({
          code: 'invalid-argument',
          message: 'The number of messages per page must be between 10 and 5000.',
          detail: `maxResults=${options.maxResults}`,
        });
      }
      url = this.mailboxUrl(['inbox'], { max_results: options.maxResults, workflow_filter: options.workflowFilter });
    }
    const response = await this.execute({ operation: 'list-inbox', method: 'GET', url, expected: [200], repeat: 'safe' });
    const page = parseInboxPage(response.body);
    if (!page) throw protocolError(`list-inbox: unreadable body ${response.body.slice(0, 200)}`);
    return page;
  }

  /** Every message id in the inbox, following links.next page by page. */
  async *iterateInbox(options: Omit<ListInboxOptions, 'next'> = {}): AsyncGenerator<string, void, undefined> {
    const seenLinks = new Set<string>();
    let page = await this.listInbox(options);
    for (;;) {
      yield* page.messageIds;
      if (!page.next || seenLinks.has(page.next)) return;
      seenLinks.add(page.next);
      page = await this.listInbox({ next: page.next });
    }
  }

  /** The number of messages in the inbox (GET /count; deprecated by MESH, still served). */
  async countInbox(): Promise<number> {
    const response = await this.execute({
      operation: 'count-inbox',
      method: 'GET',
      url: this.mailboxUrl(['count']),
      expected: [200],
      repeat: 'safe',
    });
    const count = parseInboxCount(response.body);
    if (count === undefined) throw protocolError(`count-inbox: unreadable body ${response.body.slice(0, 200)}`);
    return count;
  }

  /** A message's metadata without downloading it (HEAD). */
  async headMessage(messageId: string): Promise<MessageMetadata> {
    const response = await this.execute({
      operation: 'head',
      method: 'HEAD',
      url: this.mailboxUrl(['inbox', messageId]),
      expected: [200, 206],
      repeat: 'safe',
    });
    return parseMessageHeaders(response.headers, messageId);
  }

  /** Opens chunk k (1-based) of a message. The body streams and is gunzipped when it came gzipped. */
  async downloadChunk(messageId: string, k: number, options: { signal?: AbortSignal } = {}): Promise<DownloadedChunk> {
    const path = k === 1 ? ['inbox', messageId] : ['inbox', messageId, String(k)];
    const response = await this.openStream({
      operation: 'download',
      method: 'GET',
      url: this.mailboxUrl(path),
      expected: [200, 206],
      repeat: 'safe',
      ...(options.signal ? { signal: options.signal } : {}),
    });
    const metadata = parseMessageHeaders(response.headers, messageId);
    const encoding = metadata.contentEncoding;
    let body: Readable = response.stream;
    if (encoding === 'gzip' || encoding === 'x-gzip') {
      // Each chunk is its own gzip member: decode it on its own.
      body = pipelineWithCallback(response.stream, createGunzip({ chunkSize: 256 * 1024 }), () => {});
    } else if (encoding !== undefined && encoding !== 'identity') {
      response.stream.destroy();
      throw protocolError(`download: unsupported content-encoding ${encoding}`);
    }
    return { metadata, status: response.status, body };
  }

  /** Downloads every chunk of a message straight into a file; returns chunk 1's metadata and the bytes written. */
  async downloadToFile(
    messageId: string,
    path: string,
    options: { onProgress?: (progress: DownloadProgress) => void; signal?: AbortSignal } = {},
  ): Promise<DownloadResult> {
    try {
      await (await open(path, 'w')).close();
    } catch (error) {
      throw fileSystemError(error, path, 'write');
    }
    let offset = 0;
    let first: MessageMetadata | undefined;
    for (let k = 1; k <= MAX_CHUNKS; k++) {
      const chunk = await this.downloadChunkInto(messageId, k, path, offset, first?.chunk.n ?? 1, options);
      first ??= chunk.metadata;
      offset += chunk.written;
      const { raw } = chunk.metadata;
      const rangeKnown = raw['mex-chunk-range'] !== undefined || raw['mex-total-chunks'] !== undefined;
      if (first && rangeKnown && chunk.metadata.chunk.n !== first.chunk.n) {
        throw protocolError(`download: chunk ${k} says ${chunk.metadata.chunk.n} chunks, chunk 1 said ${first.chunk.n}`);
      }
      // The chunk count decides, not the status: stopping early on a wrong 200 would silently truncate the file.
      const isLast = rangeKnown ? k >= chunk.metadata.chunk.n : chunk.status === 200;
      if (isLast) {
        try {
          await truncate(path, offset);
        } catch (error) {
          throw fileSystemError(error, path, 'write');
        }
        return { metadata: first, bytes: offset, chunks: k };
      }
    }
    throw protocolError(`download: more than ${MAX_CHUNKS} chunks`);
  }

  /** Marks a message as received, which removes it from the inbox. Safe to repeat. */
  async acknowledge(messageId: string): Promise<void> {
    await this.execute({
      operation: 'acknowledge',
      method: 'PUT',
      url: this.mailboxUrl(['inbox', messageId, 'status', 'acknowledged']),
      expected: [200],
      repeat: 'safe',
    });
  }

  /**
   * Uploads one chunk. k = 1 POSTs /outbox and returns the new message id;
   * k > 1 POSTs /outbox/{id}/{k} and returns the same id (MESH's body is ignored).
   */
  async sendChunk(request: SendChunkRequest): Promise<string> {
    const { k, n } = request;
    if (!Number.isInteger(k) || !Number.isInteger(n) || k < 1 || k > n) {
      throw new AppError({ code: 'invalid-argument', message: 'The chunk number is out of range.', detail: `k=${k} n=${n}` });
    }
    const headers = buildSendHeaders(request.meta, { k, n }, request.gzip);
    const common = {
      method: 'POST' as const,
      headers,
      body: request.body,
      expected: [202, 200],
      ...(request.contentLength !== undefined ? { contentLength: request.contentLength } : {}),
      ...(request.signal ? { signal: request.signal } : {}),
      ...(request.onUploadProgress ? { onUploadProgress: request.onUploadProgress } : {}),
      ...(request.bodyFile ? { bodyFile: request.bodyFile } : {}),
    };
    if (k === 1) {
      const problem = validateSendHeaders(request.meta)[0];
      if (problem) throw problem;
      const response = await this.execute({ ...common, operation: 'send', url: this.mailboxUrl(['outbox']), repeat: 'first-post' });
      const messageId = parseSendResult(response.body);
      if (!messageId) {
        // MESH accepted something but we cannot say what: treat like a lost answer.
        throw sendOutcomeUnknown(protocolError(`send: 2xx without a message id: ${response.body.slice(0, 200)}`));
      }
      return messageId;
    }
    if (!request.messageId) {
      throw new AppError({ code: 'invalid-argument', message: 'A later chunk needs the message id from chunk 1.', detail: `k=${k}` });
    }
    await this.execute({
      ...common,
      operation: 'send-chunk',
      url: this.mailboxUrl(['outbox', request.messageId, String(k)]),
      repeat: 'safe',
      // Re-posting the last chunk after a lost answer finds the message already complete.
      ...(k === n ? { successOnRepeat: 423 } : {}),
    });
    return request.messageId;
  }

  /**
   * Sends a file as one message, chunked when larger than the chunk size,
   * optionally gzipping each chunk (the next chunk compresses while the
   * current one uploads). Returns the MESH message id.
   */
  async sendFile(path: string, meta: SendMetadata, options: SendFileOptions = {}): Promise<string> {
    const problem = validateSendHeaders(meta)[0];
    if (problem) throw problem;
    const chunkSize = options.chunkSize ?? this.chunkSize;
    const chunkProblem = validateChunkSize(chunkSize, { allowBelowMinimum: this.allowSmallChunks });
    if (chunkProblem) throw chunkProblem;
    let size: number;
    try {
      const info = await stat(path);
      if (!info.isFile()) throw Object.assign(new Error('not a regular file'), { code: 'EISDIR' });
      size = info.size;
    } catch (error) {
      throw fileSystemError(error, path, 'read');
    }
    const compress = options.compress ?? false;
    if (size === 0 && !compress) {
      throw new AppError({
        code: 'invalid-argument',
        message: 'The file is empty. MESH does not accept empty files.',
        detail: `${path}: 0 bytes`,
      });
    }
    const plan = planChunks(size, chunkSize);
    return compress ? this.sendCompressed(path, meta, plan, size, options) : this.sendPlain(path, meta, plan, size, options);
  }

  /** Where a sent message is now (GET /outbox/tracking?messageID=). */
  async track(messageId: string): Promise<TrackingInfo> {
    const response = await this.execute({
      operation: 'track',
      method: 'GET',
      url: this.mailboxUrl(['outbox', 'tracking'], { messageID: messageId }),
      expected: [200],
      repeat: 'safe',
    });
    const tracking = parseTracking(response.body);
    if (!tracking) throw protocolError(`track: unreadable body ${response.body.slice(0, 200)}`);
    return tracking;
  }

  /** Mailboxes registered for an ODS code and workflow (endpoint lookup). */
  async lookupEndpoint(odsCode: string, workflowId: string): Promise<MailboxMatch[]> {
    return this.mailboxMatches('lookup', meshUrl(this.baseUrl, ['messageexchange', 'endpointlookup', odsCode.trim(), workflowId.trim()]));
  }

  /** Mailboxes registered for a workflow (workflow search). */
  async searchWorkflow(workflowId: string): Promise<MailboxMatch[]> {
    return this.mailboxMatches('workflow-search', meshUrl(this.baseUrl, ['messageexchange', 'workflowsearch', workflowId.trim()]));
  }

  /**
   * For extensions of the client (e.g. tracking by local id): one authenticated
   * GET under this mailbox with this client's TLS, proxy, retries and error
   * mapping. Statuses in `expected` are returned; others become AppErrors.
   */
  protected async mailboxGet(
    operation: MeshOperation,
    pathParts: string[],
    expected: readonly number[],
    options: { query?: Record<string, string | number | undefined>; signal?: AbortSignal } = {},
  ): Promise<{ status: number; headers: IncomingHttpHeaders; body: string }> {
    return this.execute({
      operation,
      method: 'GET',
      url: this.mailboxUrl(pathParts, options.query),
      expected,
      repeat: 'safe',
      ...(options.signal ? { signal: options.signal } : {}),
    });
  }

  private async mailboxMatches(operation: MeshOperation, url: URL): Promise<MailboxMatch[]> {
    const response = await this.execute({ operation, method: 'GET', url, expected: [200], repeat: 'safe' });
    const matches = parseMailboxMatches(response.body);
    if (!matches) throw protocolError(`${operation}: unreadable body ${response.body.slice(0, 200)}`);
    return matches;
  }

  private mailboxUrl(parts: string[], query?: Record<string, string | number | undefined>): URL {
    return meshUrl(this.baseUrl, ['messageexchange', this.mailboxId, ...parts], query);
  }

  private requestHeaders(plan: RequestPlan): Record<string, string> {
    const headers: Record<string, string> = {
      ...plan.headers,
      authorization: createAuthHeader({ mailboxId: this.mailboxId, password: this.password, sharedKey: this.sharedKey, now: this.clock() }),
    };
    if (plan.contentLength !== undefined) headers['content-length'] = String(plan.contentLength);
    else if (!plan.body && (plan.method === 'POST' || plan.method === 'PUT')) headers['content-length'] = '0';
    return headers;
  }

  private async attemptText(plan: RequestPlan): Promise<Attempt<TextResponse>> {
    let bytesSent = 0;
    let bytesHanded = 0;
    let bodyError: unknown;
    const source = plan.body?.();
    const body = source
      ? watchBody(source, {
          handed: (bytes) => (bytesHanded += bytes),
          failed: (error) => (bodyError = error),
        })
      : undefined;
    try {
      const request = this.http(plan.url, {
        method: plan.method,
        headers: this.requestHeaders(plan),
        ...(body ? { body } : {}),
        responseType: 'text',
        // Small JSON answers may come gzipped because we accept gzip.
        decompress: true,
        ...(plan.signal ? { signal: plan.signal } : {}),
      });
      request.on('uploadProgress', (progress) => {
        bytesSent = progress.transferred;
        plan.onUploadProgress?.(progress.transferred);
      });
      const response = (await request) as Response<string>;
      return { ok: true, response: { status: response.statusCode, headers: response.headers, body: response.body ?? '' } };
    } catch (error) {
      // Closes the body's file when the request failed before reading it all (queued behind a read in flight).
      body?.return(undefined).catch(() => undefined);
      if (bodyError !== undefined) throw fileSystemError(bodyError, plan.bodyFile ?? 'the file being sent', 'read');
      return { ok: false, error, bytesSent, bytesHanded };
    }
  }

  private async attemptStream(plan: RequestPlan): Promise<Attempt<StreamResponse>> {
    const stream = this.http.stream(plan.url, {
      method: plan.method,
      headers: this.requestHeaders(plan),
      ...(plan.signal ? { signal: plan.signal } : {}),
    });
    return new Promise((resolve) => {
      const onError = (error: unknown): void => {
        stream.off('response', onResponse);
        resolve({ ok: false, error, bytesSent: 0, bytesHanded: 0 });
      };
      const onResponse = (response: Response): void => {
        stream.off('error', onError);
        // Keeps a late error from crashing the process before the caller attaches its pipeline.
        stream.on('error', () => {});
        // got lets go of the caller's abort signal only when the stream is destroyed, and a finished
        // download is not: without this a transfer's signal gathers one listener per chunk.
        stream.once('end', () => stream.destroy());
        resolve({ ok: true, response: { status: response.statusCode, headers: response.headers, stream } });
      };
      stream.once('error', onError);
      stream.once('response', onResponse);
    });
  }

  /** Runs a request with the retry rules for its kind; returns the buffered answer or throws an AppError. */
  private async execute(plan: RequestPlan): Promise<TextResponse> {
    return this.withRetries(
      plan,
      () => this.attemptText(plan),
      async (response) => response.body,
      () => undefined,
    );
  }

  /** Like execute, but leaves a successful body streaming. */
  private async openStream(plan: RequestPlan): Promise<StreamResponse> {
    return this.withRetries(
      plan,
      () => this.attemptStream(plan),
      async (response) => {
        const encoding = headerValue(response.headers, 'content-encoding')?.toLowerCase();
        const source = encoding === 'gzip' ? pipelineWithCallback(response.stream, createGunzip(), () => {}) : response.stream;
        return readLimited(source, ERROR_BODY_LIMIT);
      },
      (response) => response.stream.destroy(),
    );
  }

  private async withRetries<T extends { status: number; headers: IncomingHttpHeaders }>(
    plan: RequestPlan,
    attempt: () => Promise<Attempt<T>>,
    readErrorBody: (response: T) => Promise<string>,
    discard: (response: T) => void,
  ): Promise<T> {
    for (let attemptNumber = 1; ; attemptNumber++) {
      if (plan.signal?.aborted) throw cancelledError(plan.signal.reason);
      const outcome = await attempt();
      const mayRetry = attemptNumber <= this.retryPolicy.retries;
      if (outcome.ok) {
        const { response } = outcome;
        if (plan.expected.includes(response.status)) return response;
        if (attemptNumber > 1 && plan.successOnRepeat === response.status) {
          discard(response);
          return { ...response, status: plan.expected[0] ?? 200 };
        }
        const retryable = plan.repeat === 'first-post' ? REFUSED_STATUSES.has(response.status) : RETRYABLE_STATUSES.has(response.status);
        if (retryable && mayRetry) {
          discard(response);
          const retryAfter = parseRetryAfterMs(headerValue(response.headers, 'retry-after'), new Date());
          await waitOrCancel(nextDelayMs(attemptNumber, this.retryPolicy, retryAfter), plan.signal);
          continue;
        }
        const body = await readErrorBody(response);
        const error = httpFailureToAppError({
          operation: plan.operation,
          status: response.status,
          body,
          ...(headerValue(response.headers, 'date') ? { serverDate: headerValue(response.headers, 'date') as string } : {}),
          localNow: this.clock(),
        });
        if (plan.repeat === 'first-post' && response.status >= 500 && !REFUSED_STATUSES.has(response.status)) {
          // A gateway error or server fault may come after MESH stored the message.
          throw sendOutcomeUnknown(error);
        }
        throw error;
      }

      if (outcome.error instanceof AppError) throw outcome.error;
      const failure = this.describeFailure(plan.operation, outcome.error);
      // MESH cannot have stored a message whose body did not even leave this computer; once all of it was handed to
      // the connection, it may have, whatever the client had heard back by the time the connection failed.
      const wholeBodyHanded =
        plan.contentLength !== undefined
          ? outcome.bytesHanded >= plan.contentLength
          : outcome.bytesSent > 0 && uploadCompleted(outcome.error);
      if (plan.signal?.aborted || failure.code === 'ERR_ABORTED') {
        if (plan.repeat === 'first-post' && wholeBodyHanded && plan.contentLength !== 0)
          throw sendOutcomeUnknown(cancelledError(outcome.error));
        throw cancelledError(outcome.error);
      }
      const mapped = transportFailureToAppError(failure);
      const certainlyNotStored = failedBeforeSending(failure) || !wholeBodyHanded;
      if (plan.repeat === 'first-post' && !certainlyNotStored) {
        throw sendOutcomeUnknown(mapped);
      }
      if (isRetryableCode(failure.code) && mayRetry) {
        await waitOrCancel(nextDelayMs(attemptNumber, this.retryPolicy, undefined), plan.signal);
        continue;
      }
      throw mapped;
    }
  }

  private describeFailure(operation: MeshOperation, error: unknown): TransportFailure {
    const failure = describeThrown(error, operation);
    failure.viaProxy = this.viaProxy;
    failure.hasClientCertificate = this.hasClientCertificate;
    failure.caInstructions = this.caInstructions;
    const state = certificateState(this.clientCertificateDates, this.clock());
    if (state) failure.clientCertificateState = state;
    return failure;
  }

  /** Downloads chunk k into path at offset, re-fetching the whole chunk when the stream breaks midway. */
  private async downloadChunkInto(
    messageId: string,
    k: number,
    path: string,
    offset: number,
    knownTotal: number,
    options: { onProgress?: (progress: DownloadProgress) => void; signal?: AbortSignal },
  ): Promise<{ metadata: MessageMetadata; status: number; written: number }> {
    for (let attemptNumber = 1; ; attemptNumber++) {
      const chunk = await this.downloadChunk(messageId, k, options.signal ? { signal: options.signal } : {});
      const totalChunks = Math.max(knownTotal, chunk.metadata.chunk.n);
      let written = 0;
      const output = createWriteStream(path, { flags: 'r+', start: offset, highWaterMark: IO_BLOCK_SIZE });
      const writeFailure = fileWriteFailure(chunk.body, output);
      if (options.onProgress) {
        const report = options.onProgress;
        chunk.body.on('data', (data: Buffer) => {
          written += data.length;
          report({ messageId, chunk: k, totalChunks, bytesWritten: offset + written });
        });
      }
      try {
        await pipeline(chunk.body, output, options.signal ? { signal: options.signal } : {});
        return { metadata: chunk.metadata, status: chunk.status, written: output.bytesWritten };
      } catch (error) {
        chunk.body.destroy();
        if (options.signal?.aborted) throw cancelledError(error);
        const writeError = writeFailure();
        if (writeError !== undefined || FILE_SYSTEM_CODES.has((error as NodeJS.ErrnoException)?.code ?? '')) {
          throw fileSystemError(writeError ?? error, path, 'write');
        }
        const failure = this.describeFailure('download', error);
        if (isRetryableCode(failure.code) && attemptNumber <= this.retryPolicy.retries) {
          await waitOrCancel(nextDelayMs(attemptNumber, this.retryPolicy, undefined), options.signal);
          continue;
        }
        throw transportFailureToAppError(failure);
      }
    }
  }

  private async sendPlain(path: string, meta: SendMetadata, plan: ChunkRange[], size: number, options: SendFileOptions): Promise<string> {
    let messageId: string | undefined;
    for (const chunk of plan) {
      messageId = await this.sendFileChunk(path, meta, plan.length, chunk, size, messageId, options, {
        body: () => readFileBlocks(path, chunk.start, chunk.end),
        contentLength: chunk.length,
        gzip: false,
      });
    }
    return messageId as string;
  }

  private async sendCompressed(
    path: string,
    meta: SendMetadata,
    plan: ChunkRange[],
    size: number,
    options: SendFileOptions,
  ): Promise<string> {
    let workDir: string;
    try {
      workDir = await mkdtemp(join(this.tempDir ?? os.tmpdir(), 'mesh-desktop-send-'));
    } catch (error) {
      throw fileSystemError(error, this.tempDir ?? os.tmpdir(), 'write');
    }
    const compressing = new AbortController();
    const stopCompressing = (): void => compressing.abort();
    options.signal?.addEventListener('abort', stopCompressing);
    const compressChunk = async (chunk: ChunkRange): Promise<{ file: string; size: number }> => {
      const file = join(workDir, `${chunk.number}.gz`);
      try {
        return {
          file,
          size: await gzipFileRange(path, chunk.start, chunk.end, file, { level: this.compressionLevel, signal: compressing.signal }),
        };
      } catch (error) {
        if (compressing.signal.aborted) throw cancelledError(error);
        const code = (error as NodeJS.ErrnoException)?.code;
        throw fileSystemError(error, code === 'ENOSPC' || code === 'EDQUOT' ? workDir : path, code === 'ENOSPC' ? 'write' : 'read');
      }
    };
    let next: Promise<{ file: string; size: number }> | undefined;
    try {
      let messageId: string | undefined;
      next = compressChunk(plan[0] as ChunkRange);
      for (let index = 0; index < plan.length; index++) {
        const chunk = plan[index] as ChunkRange;
        const current = await (next as Promise<{ file: string; size: number }>);
        // Compress the following chunk while this one is on the wire.
        const following = plan[index + 1];
        next = following ? compressChunk(following) : undefined;
        next?.catch(() => {});
        messageId = await this.sendFileChunk(path, meta, plan.length, chunk, size, messageId, options, {
          body: () => readFileBlocks(current.file, 0, current.size),
          contentLength: current.size,
          gzip: true,
        });
        await rm(current.file, { force: true });
      }
      return messageId as string;
    } finally {
      compressing.abort();
      options.signal?.removeEventListener('abort', stopCompressing);
      await next?.catch(() => {});
      await rm(workDir, { recursive: true, force: true });
    }
  }

  private async sendFileChunk(
    path: string,
    meta: SendMetadata,
    totalChunks: number,
    chunk: ChunkRange,
    totalBytes: number,
    messageId: string | undefined,
    options: SendFileOptions,
    body: { body: () => BodyBlocks; contentLength: number; gzip: boolean },
  ): Promise<string> {
    const report = options.onProgress;
    const progress = (bytesSent: number, id: string | undefined): void =>
      report?.({ ...(id ? { messageId: id } : {}), chunk: chunk.number, totalChunks, bytesSent, totalBytes });
    let id: string;
    try {
      id = await this.sendChunk({
        ...(messageId ? { messageId } : {}),
        k: chunk.number,
        n: totalChunks,
        body: body.body,
        contentLength: body.contentLength,
        gzip: body.gzip,
        meta,
        bodyFile: path,
        ...(options.signal ? { signal: options.signal } : {}),
        ...(report ? { onUploadProgress: (sent: number) => progress(rawDone(chunk, sent, body.contentLength), messageId) } : {}),
      });
    } catch (error) {
      // The log needs the half-sent message's id to find it in MESH's tracking.
      if (messageId && error instanceof AppError)
        throw withDetailPrefix(error, `message ${messageId} chunk ${chunk.number}/${totalChunks}`);
      throw error;
    }
    progress(chunk.end, id);
    return id;
  }
}
