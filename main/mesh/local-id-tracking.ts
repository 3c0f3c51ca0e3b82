/**
 * Tracking by local id: GET /messageexchange/{mailbox}/outbox/tracking/{local_id}
 * (mesh-api.md §2.10). Deprecated by MESH in favour of tracking by message id,
 * but it is the only query that finds a sent message without knowing its id,
 * which is exactly what the transfer engine needs after a first POST whose
 * answer was lost. It answers with a v1 tracking body (200), 300 when several
 * messages share the reference, 404 when none has it.
 *
 * It lives in its own module beside client.ts: MeshTransferClient extends
 * MeshClient with this one method, keeping a small connection of its own
 * (same certificate, trust and proxy) because the client's request machinery
 * is private. It is used rarely — only when an outcome is in doubt.
 */
import http from 'node:http';
import https from 'node:https';
import got, { type Got } from 'got';
import { AppError } from '../shared/errors';
import { createAuthHeader } from './auth';
import { MeshClient, type MeshClientOptions } from './client';
import { isLoopbackHost, normaliseBaseUrl } from './environments';
import { httpFailureToAppError, transportFailureToAppError, type TransportFailure } from './errors';
import { createProxyAgent, proxyFromEnvironment, type ProxySettings } from './proxy';
import { parseTracking, type TrackingInfo } from './responses';
import {
  DEFAULT_RETRY_POLICY,
  RETRYABLE_STATUSES,
  isRetryableCode,
  nextDelayMs,
  parseRetryAfterMs,
  waitOrCancel,
  type RetryPolicy,
} from './retry';
import { buildAgentTlsOptions } from './tls';
import { meshUrl } from './urls';

/** What MESH knows about a local id. */
export type LocalIdTrackingResult =
  | { kind: 'found'; tracking: TrackingInfo }
  | { kind: 'not-found' }
  /** messageIds when the server listed them (the emulator does; MESH's 300 body is not documented). */
  | { kind: 'several'; messageIds?: string[] };

/** Reads the message ids out of a 300 answer, whatever the key is called; undefined when there are none. */
export function parseSeveralMessageIds(body: string): string[] | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const record = parsed as Record<string, unknown>;
  for (const key of ['messageIds', 'message_ids', 'messageIDs', 'messages']) {
    const value = record[key];
    if (Array.isArray(value)) {
      const ids = value.filter((item): item is string => typeof item === 'string' && item !== '');
      if (ids.length > 0) return ids;
    }
  }
  return undefined;
}

function firstHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function describeError(error: unknown): TransportFailure {
  const failure: TransportFailure = { operation: 'track' };
  const messages: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current && depth < 8; depth++) {
    const candidate = current as { code?: unknown; message?: unknown; cause?: unknown };
    if (typeof candidate.code === 'string' && candidate.code !== 'ERR_GOT_REQUEST_ERROR' && failure.code === undefined)
      failure.code = candidate.code;
    if (typeof candidate.message === 'string') messages.push(candidate.message);
    current = candidate.cause;
  }
  if (messages.length > 0) failure.message = messages.join(' ← ');
  return failure;
}

/** Asks MESH which sent messages carry a local id, over its own small connection pool. */
export class LocalIdTracker {
  private readonly baseUrl: string;
  private readonly mailboxId: string;
  private readonly agent: http.Agent;
  private readonly http: Got;
  private readonly retryPolicy: RetryPolicy;

  constructor(private readonly options: MeshClientOptions) {
    this.baseUrl = normaliseBaseUrl(options.baseUrl);
    this.mailboxId = options.mailboxId.trim().toUpperCase();
    this.retryPolicy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
    const base = new URL(this.baseUrl);
    const agentOptions = { keepAlive: true, maxSockets: 2 };
    if (base.protocol === 'http:') {
      this.agent = new http.Agent(agentOptions);
    } else {
      const tlsOptions = buildAgentTlsOptions(options.tls);
      const choice = options.proxy ?? 'environment';
      let proxy: ProxySettings | undefined;
      if (choice === 'environment')
        proxy = isLoopbackHost(base.hostname) ? undefined : proxyFromEnvironment(options.env ?? process.env, this.baseUrl);
      else if (choice !== 'direct') proxy = choice;
      this.agent = proxy
        ? createProxyAgent(proxy, { ...agentOptions, ...tlsOptions })
        : new https.Agent({ ...agentOptions, ...tlsOptions });
    }
    const timeout = Math.min(options.timeoutMs ?? 120_000, 120_000);
    this.http = got.extend({
      agent: base.protocol === 'http:' ? { http: this.agent } : { https: this.agent as https.Agent },
      followRedirect: false,
      http2: false,
      retry: { limit: 0 },
      throwHttpErrors: false,
      decompress: true,
      timeout: { request: timeout },
      headers: { accept: 'application/vnd.mesh.v2+json', 'accept-encoding': 'gzip' },
    });
  }

  /** Which sent messages of this mailbox carry localId. Transient failures are retried; others throw an AppError. */
  async trackByLocalId(localId: string, options: { signal?: AbortSignal } = {}): Promise<LocalIdTrackingResult> {
    const url = meshUrl(this.baseUrl, ['messageexchange', this.mailboxId, 'outbox', 'tracking', localId]);
    for (let attempt = 1; ; attempt++) {
      if (options.signal?.aborted) throw new AppError({ code: 'cancelled', message: 'The check was cancelled.' });
      const mayRetry = attempt <= this.retryPolicy.retries;
      let response;
      try {
        response = await this.http(url, {
          method: 'GET',
          responseType: 'text',
          headers: {
            authorization: createAuthHeader({
              mailboxId: this.mailboxId,
              password: this.options.password,
              sharedKey: this.options.sharedKey,
            }),
          },
          ...(options.signal ? { signal: options.signal } : {}),
        });
      } catch (error) {
        const failure = describeError(error);
        if (isRetryableCode(failure.code) && mayRetry && !options.signal?.aborted) {
          await waitOrCancel(nextDelayMs(attempt, this.retryPolicy, undefined), options.signal);
          continue;
        }
        throw transportFailureToAppError(failure);
      }
      const body = response.body ?? '';
      if (response.statusCode === 200) {
        const tracking = parseTracking(body);
        if (!tracking) {
          throw new AppError({
            code: 'protocol-error',
            message: 'MESH gave an answer MESH Desktop did not expect. Try again; if it keeps happening, tell your IT service desk.',
            detail: `track-by-local-id: unreadable body ${body.slice(0, 200)}`,
          });
        }
        return { kind: 'found', tracking };
      }
      if (response.statusCode === 300) {
        const messageIds = parseSeveralMessageIds(body);
        return messageIds ? { kind: 'several', messageIds } : { kind: 'several' };
      }
      if (response.statusCode === 404) return { kind: 'not-found' };
      if (RETRYABLE_STATUSES.has(response.statusCode) && mayRetry) {
        const retryAfter = parseRetryAfterMs(firstHeader(response.headers['retry-after']), new Date());
        await waitOrCancel(nextDelayMs(attempt, this.retryPolicy, retryAfter), options.signal);
        continue;
      }
      const date = firstHeader(response.headers.date);
      throw httpFailureToAppError({
        operation: 'track',
        status: response.statusCode,
        body,
        ...(date ? { serverDate: date } : {}),
        localNow: new Date(),
      });
    }
  }

  /** Closes pooled connections. */
  close(): void {
    this.agent.destroy();
  }
}

/** A MeshClient that can also track by local id. */
export class MeshTransferClient extends MeshClient {
  private readonly localIdTracker: LocalIdTracker;

  constructor(options: MeshClientOptions) {
    super(options);
    this.localIdTracker = new LocalIdTracker(options);
  }

  /** Which sent messages of this mailbox carry localId (deprecated MESH endpoint; see module comment). */
  trackByLocalId(localId: string, options: { signal?: AbortSignal } = {}): Promise<LocalIdTrackingResult> {
    return this.localIdTracker.trackByLocalId(localId, options);
  }

  override close(): void {
    super.close();
    this.localIdTracker.close();
  }
}
