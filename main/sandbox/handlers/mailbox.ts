/**
 * Mailbox endpoints of the MESH API: handshake, inbox listing and count,
 * download (GET/HEAD, chunk 1 and chunk k), acknowledge, tracking and the
 * update-check stub (mesh-api.md §2.1–§2.6, §2.9–§2.10, §2.13).
 */
import { randomUUID } from 'node:crypto';
import { type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { constants as zlibConstants, createGunzip, createGzip } from 'node:zlib';
import { decodeContinuation, encodeContinuation } from '../continuation';
import type { RequestContext } from '../context';
import { sendEmpty, sendJson } from '../http-io';
import { statusOf } from '../mailroom';
import {
  V1_MEDIA_TYPE,
  V2_MEDIA_TYPE,
  type ValidationIssue,
  bareError,
  meshError,
  missingField,
  tooLong,
  tooShort,
  validationError,
} from '../mesh-errors';
import { downloadHeaders, trackingV1, trackingV2 } from '../message-views';
import { headerValue, parseHandshakeHeaders } from '../send-headers';
import type { StoredMessage } from '../types';
import { compileWorkflowFilter } from '../workflow-filter';
import { authorisedMailbox } from './authorise';

/** GET/POST /messageexchange/{mailbox}: validates the mailbox and records client details. */
export async function handleHandshake(ctx: RequestContext): Promise<void> {
  const mailbox = authorisedMailbox(ctx);
  const details = parseHandshakeHeaders(ctx.req.headers);
  ctx.core.mailroom.recordHandshake(mailbox.mailbox_id, { at: ctx.core.clock.now().toISOString(), ...details });
  if (ctx.apiVersion < 2) sendJson(ctx.res, 200, { mailboxId: mailbox.mailbox_id });
  else sendEmpty(ctx.res, 200);
}

const DEFAULT_MAX_RESULTS = 500;

/** Reads max_results the way FastAPI validates it (integer, 10..5000). */
export function parseMaxResults(raw: string | null): number | ValidationIssue {
  if (raw === null) return DEFAULT_MAX_RESULTS;
  if (!/^\s*[+-]?\d+\s*$/.test(raw)) {
    return { loc: ['query', 'max_results'], msg: 'value is not a valid integer', type: 'type_error.integer' };
  }
  const value = Number(raw);
  if (value < 10) {
    return {
      loc: ['query', 'max_results'],
      msg: 'ensure this value is greater than or equal to 10',
      type: 'value_error.number.not_ge',
      ctx: { limit_value: 10 },
    };
  }
  if (value > 5000) {
    return {
      loc: ['query', 'max_results'],
      msg: 'ensure this value is less than or equal to 5000',
      type: 'value_error.number.not_le',
      ctx: { limit_value: 5000 },
    };
  }
  return value;
}

function inboxLink(mailboxId: string, query: Array<[string, string]>): string {
  const search = new URLSearchParams(query).toString();
  return `/messageexchange/${encodeURIComponent(mailboxId)}/inbox${search ? `?${search}` : ''}`;
}

/** GET /messageexchange/{mailbox}/inbox: one page of message ids (v2 with links and a count). */
export async function handleInboxList(ctx: RequestContext): Promise<void> {
  const mailbox = authorisedMailbox(ctx);
  const query = ctx.url.searchParams;
  const issues: ValidationIssue[] = [];
  const maxResults = parseMaxResults(query.get('max_results'));
  if (typeof maxResults !== 'number') issues.push(maxResults);
  const continueFrom = query.get('continue_from');
  if (continueFrom !== null && continueFrom.length < 24) issues.push(tooShort('query', 'continue_from', 24));
  if (continueFrom !== null && continueFrom.length > 1000) issues.push(tooLong('query', 'continue_from', 1000));
  const workflowFilter = query.get('workflow_filter');
  if (workflowFilter !== null && workflowFilter.length < 2) issues.push(tooShort('query', 'workflow_filter', 2));
  if (workflowFilter !== null && workflowFilter.length > 255) issues.push(tooLong('query', 'workflow_filter', 255));
  if (issues.length > 0 || typeof maxResults !== 'number') throw validationError(issues);

  const mailroom = ctx.core.mailroom;
  let afterSeq: number | undefined;
  if (continueFrom) {
    if (ctx.apiVersion < 2) {
      // v1 pages continue after the last message id of the previous page.
      const last = mailroom.getMessage(continueFrom);
      if (last && last.recipient.mailbox_id === mailbox.mailbox_id) afterSeq = last.inbox_seq;
    } else {
      const point = decodeContinuation(continueFrom, ctx.core.sharedKey, mailbox.mailbox_id);
      if (!point) {
        throw validationError([{ loc: ['query', 'continue_from'], msg: 'invalid continuation token', type: 'value_error' }]);
      }
      afterSeq = point.afterSeq;
    }
  }
  const filter = compileWorkflowFilter(workflowFilter ?? undefined);
  const page = mailroom.listInbox(mailbox.mailbox_id, {
    limit: maxResults,
    ...(afterSeq !== undefined ? { afterSeq } : {}),
    ...(filter ? { workflowFilter: filter } : {}),
  });
  const ids = page.messages.map((message) => message.message_id);
  if (ctx.apiVersion < 2) {
    sendJson(ctx.res, 200, { messages: ids }, V1_MEDIA_TYPE);
    return;
  }
  const linkQuery: Array<[string, string]> = [];
  if (maxResults !== DEFAULT_MAX_RESULTS) linkQuery.push(['max_results', String(maxResults)]);
  if (workflowFilter !== null) linkQuery.push(['workflow_filter', workflowFilter]);
  const links: Record<string, string> = { self: inboxLink(mailbox.mailbox_id, linkQuery) };
  if (page.nextAfterSeq !== undefined) {
    const token = encodeContinuation({ mailboxId: mailbox.mailbox_id, afterSeq: page.nextAfterSeq }, ctx.core.sharedKey);
    links.next = inboxLink(mailbox.mailbox_id, [...linkQuery, ['continue_from', token]]);
  }
  sendJson(ctx.res, 200, { messages: ids, links, approx_inbox_count: mailroom.inboxCount(mailbox.mailbox_id) }, V2_MEDIA_TYPE);
}

/** GET /messageexchange/{mailbox}/count (deprecated). */
export async function handleInboxCount(ctx: RequestContext): Promise<void> {
  const mailbox = authorisedMailbox(ctx);
  const count = ctx.core.mailroom.inboxCount(mailbox.mailbox_id);
  if (ctx.apiVersion < 2) {
    sendJson(ctx.res, 200, { count, internalID: randomUUID().replace(/-/g, '').toUpperCase(), allResultsIncluded: true });
  } else {
    sendJson(ctx.res, 200, { count });
  }
}

function messageIdParam(ctx: RequestContext): string {
  return (ctx.params.message ?? '').toUpperCase();
}

function isDownloadable(message: StoredMessage): boolean {
  const status = statusOf(message);
  return status === 'accepted' || status === 'acknowledged';
}

/** Reads a positive chunk number from the path as FastAPI validates it. */
export function parseChunkNumber(raw: string | undefined): number {
  const value = raw ?? '';
  if (!/^\s*[+-]?\d+\s*$/.test(value)) {
    throw validationError([{ loc: ['path', 'chunk_number'], msg: 'value is not a valid integer', type: 'type_error.integer' }]);
  }
  const number = Number(value);
  if (number < 1) {
    throw validationError([
      {
        loc: ['path', 'chunk_number'],
        msg: 'ensure this value is greater than or equal to 1',
        type: 'value_error.number.not_ge',
        ctx: { limit_value: 1 },
      },
    ]);
  }
  return number;
}

/** GET …/inbox/{id} and …/inbox/{id}/{k}: streams one chunk (200 last or only, 206 more follow). */
export async function handleDownload(ctx: RequestContext): Promise<void> {
  const mailbox = authorisedMailbox(ctx);
  const chunkNumber = ctx.params.chunk === undefined ? 1 : parseChunkNumber(ctx.params.chunk);
  const message = ctx.core.mailroom.getMessage(messageIdParam(ctx));
  if (!message) throw meshError(404, 'messageDoesNotExist');
  if (message.recipient.mailbox_id !== mailbox.mailbox_id) throw bareError(403);
  if (!isDownloadable(message)) throw meshError(410, 'messageGone');

  const headers = downloadHeaders(message, chunkNumber);
  if (message.message_type !== 'DATA') {
    sendEmpty(ctx.res, 200, headers);
    return;
  }
  if (chunkNumber > message.total_chunks) throw meshError(404, 'messageDoesNotExist');
  const source = await ctx.core.mailroom.openChunk(message, chunkNumber);
  if (!source) throw meshError(404, 'messageDoesNotExist');

  const status = chunkNumber >= message.total_chunks ? 200 : 206;
  const acceptsGzip = (headerValue(ctx.req.headers, 'accept-encoding') ?? '').includes('gzip');
  const storedEncoding = message.metadata.content_encoding;
  let transform: NodeJS.ReadWriteStream | undefined;
  if (storedEncoding === 'gzip' && !acceptsGzip) {
    delete headers['Content-Encoding'];
    transform = createGunzip({ chunkSize: 256 * 1024 });
  } else if (ctx.apiVersion > 1 && storedEncoding === '' && acceptsGzip && ctx.core.compressDownloads) {
    headers['Content-Encoding'] = 'gzip';
    // Fastest level: the point is to exercise the client's gzip path, not to save bytes on loopback.
    transform = createGzip({ level: zlibConstants.Z_BEST_SPEED, chunkSize: 256 * 1024 });
  } else {
    headers['Content-Length'] = String(message.chunk_sizes[String(chunkNumber)] ?? 0);
  }
  if (headers['Content-Encoding'] === 'gzip') headers['mex-Content-Compressed'] = 'Y';
  headers['Content-Type'] =
    ctx.apiVersion > 1 && message.total_chunks === 1 && message.metadata.content_type
      ? message.metadata.content_type
      : 'application/octet-stream';

  ctx.res.writeHead(status, headers);
  const stages: Array<Readable | NodeJS.ReadWriteStream | NodeJS.WritableStream> = [source];
  if (transform) stages.push(transform);
  stages.push(ctx.res);
  try {
    await pipeline(stages as unknown as [Readable, NodeJS.WritableStream]);
  } catch (error) {
    // The status line is gone already; all that is left is to drop the connection.
    ctx.res.destroy();
    ctx.core.log(`download of ${message.message_id} chunk ${chunkNumber} ended early: ${String(error)}`);
  }
}

/** HEAD …/inbox/{id}: chunk 1's headers; the sender may also look at its own message in any status. */
export async function handleHead(ctx: RequestContext): Promise<void> {
  const mailbox = authorisedMailbox(ctx);
  const message = ctx.core.mailroom.getMessage(messageIdParam(ctx));
  if (!message) throw meshError(404, 'messageDoesNotExist');
  const isRecipient = message.recipient.mailbox_id === mailbox.mailbox_id;
  const isSender = message.sender.mailbox_id === mailbox.mailbox_id;
  if (!isRecipient && !isSender) throw meshError(404, 'messageDoesNotExist');
  if (!isSender && !isDownloadable(message)) throw meshError(410, 'messageGone');
  const headers = downloadHeaders(message, 1);
  // As MESH does: the same headers as chunk 1, its length included, so a client can show the size of
  // an unchunked message before downloading it. A stored-compressed chunk's length is not the file's.
  if (message.message_type !== 'REPORT' && !message.metadata.content_encoding)
    headers['Content-Length'] = String(message.chunk_sizes['1'] ?? 0);
  ctx.res.writeHead(200, headers);
  ctx.res.end();
}

/** PUT …/inbox/{id}/status/acknowledged: idempotent. */
export async function handleAcknowledge(ctx: RequestContext): Promise<void> {
  const mailbox = authorisedMailbox(ctx);
  const message = ctx.core.mailroom.getMessage(messageIdParam(ctx));
  if (!message) throw meshError(404, 'messageDoesNotExist');
  if (message.recipient.mailbox_id !== mailbox.mailbox_id) throw bareError(403);
  await ctx.core.mailroom.acknowledge(message);
  if (ctx.apiVersion < 2) sendJson(ctx.res, 200, { messageId: message.message_id });
  else sendEmpty(ctx.res, 200);
}

/** GET …/outbox/tracking?messageID=: 404 unless the caller sent the message. */
export async function handleTracking(ctx: RequestContext): Promise<void> {
  const mailbox = authorisedMailbox(ctx);
  const messageId = ctx.url.searchParams.get('messageID');
  if (messageId === null || messageId === '') throw validationError([missingField('query', 'messageID')]);
  const message = ctx.core.mailroom.getMessage(messageId.toUpperCase());
  if (!message || message.sender.mailbox_id !== mailbox.mailbox_id) throw meshError(404, 'messageDoesNotExist');
  if (ctx.apiVersion < 2) sendJson(ctx.res, 200, trackingV1(message));
  else sendJson(ctx.res, 200, trackingV2(message), V2_MEDIA_TYPE);
}

/** GET …/outbox/tracking/{localId} (deprecated): v1 body; 300 when the local id is not unique. */
export async function handleTrackingByLocalId(ctx: RequestContext): Promise<void> {
  const mailbox = authorisedMailbox(ctx);
  const localId = ctx.params.localId ?? '';
  const matches = ctx.core.mailroom.outbox(mailbox.mailbox_id).filter((message) => message.metadata.local_id === localId);
  if (matches.length === 0) throw meshError(404, 'messageDoesNotExist');
  if (matches.length > 1) {
    sendJson(ctx.res, 300, { messageIds: matches.map((message) => message.message_id) });
    return;
  }
  sendJson(ctx.res, 200, trackingV1(matches[0]!));
}

/** POST /messageexchange/{mailbox}/update: the Java client's update check, answered with nothing to do. */
export async function handleUpdate(ctx: RequestContext): Promise<void> {
  authorisedMailbox(ctx);
  sendEmpty(ctx.res, 200);
}
