/**
 * Sending: the first (or only) chunk to POST …/outbox and later chunks to
 * POST …/outbox/{id}/{k} (mesh-api.md §2.7–§2.8), with every check NHS's
 * sandbox makes, in its order, plus real MESH's workflow permissions when on.
 */
import { parseChunkRange } from '../chunk-range';
import type { RequestContext } from '../context';
import { sendJson } from '../http-io';
import type { NewDataMessage } from '../mailroom';
import { statusOf } from '../mailroom';
import { bareError, meshError, textError } from '../mesh-errors';
import { headerValue, parseSendHeaders } from '../send-headers';
import type { MessageMetadata } from '../types';
import { authorisedMailbox } from './authorise';
import { parseChunkNumber } from './mailbox';

/** POST /messageexchange/{mailbox}/outbox: creates a message from chunk 1 (202 with its id). */
export async function handleSend(ctx: RequestContext): Promise<void> {
  const sender = authorisedMailbox(ctx);
  const headers = parseSendHeaders(ctx.req.headers);
  if (headers.to === '') throw meshError(400, 'missingToAddress');
  if (headers.contentEncoding !== '' && headers.contentEncoding !== 'gzip') {
    throw meshError(422, 'unsupportedContentEncoding');
  }
  const range = parseChunkRange(headers.chunkRange, 1);
  if (!range.ok) throw meshError(417, 'invalidHeaderChunks');
  const mailroom = ctx.core.mailroom;
  const recipient = mailroom.findMailbox(headers.to);
  if (!recipient) throw meshError(417, 'unregisteredRecipient');
  if (ctx.core.enforceWorkflowPermissions) {
    const problem = mailroom.workflowPermissionProblem(sender.mailbox_id, recipient.mailbox_id, headers.workflowId);
    if (problem) throw meshError(417, problem);
  }
  if (headerValue(ctx.req.headers, 'content-length') === '0') throw meshError(417, 'missingDataFile');

  const metadata: MessageMetadata = { content_encoding: headers.contentEncoding };
  const contentType = headers.mexContentType ?? (headers.contentType || undefined);
  if (contentType !== undefined) metadata.content_type = contentType;
  if (headers.subject !== undefined) metadata.subject = headers.subject;
  if (headers.fileName !== undefined) metadata.file_name = headers.fileName;
  if (headers.localId !== undefined) metadata.local_id = headers.localId;
  if (headers.partnerId !== undefined) metadata.partner_id = headers.partnerId;
  if (headers.checksum !== undefined) metadata.checksum = headers.checksum;
  if (headers.encrypted) metadata.encrypted = true;
  if (headers.compressed) metadata.compressed = true;
  const spec: NewDataMessage = {
    sender,
    recipient,
    workflowId: headers.workflowId,
    totalChunks: range.total,
    metadata,
  };
  const message = await mailroom.createDataMessage(spec, ctx.body);
  if (!message) throw meshError(417, 'missingDataFile');
  ctx.core.log(
    `created message ${message.message_id} from ${sender.mailbox_id} to ${recipient.mailbox_id} ` +
      `workflow ${message.workflow_id} chunks ${message.total_chunks}`,
  );
  const body = ctx.apiVersion < 2 ? { messageID: message.message_id } : { message_id: message.message_id };
  sendJson(ctx.res, 202, body);
}

/** POST /messageexchange/{mailbox}/outbox/{id}/{k}: stores chunk k (202; v2 body is `null` like the sandbox). */
export async function handleSendChunk(ctx: RequestContext): Promise<void> {
  const sender = authorisedMailbox(ctx);
  const chunkNumber = parseChunkNumber(ctx.params.chunk);
  const messageId = (ctx.params.message ?? '').toUpperCase();
  const rangeHeader = (headerValue(ctx.req.headers, 'mex-chunk-range') ?? '').trim();
  if (rangeHeader === '') throw meshError(417, 'invalidHeaderChunks', messageId);
  const range = parseChunkRange(rangeHeader, chunkNumber);
  if (!range.ok) throw meshError(417, 'invalidHeaderChunks', messageId);

  const mailroom = ctx.core.mailroom;
  const message = mailroom.getMessage(messageId);
  if (!message) throw bareError(404);
  if (message.sender.mailbox_id !== sender.mailbox_id) throw bareError(403);
  if (statusOf(message) !== 'uploading') throw bareError(423);
  if (chunkNumber > message.total_chunks || message.message_type !== 'DATA') throw bareError(406);
  // The sandbox only compares k with the URL; a different n would corrupt the plan, so refuse it.
  if (range.total !== message.total_chunks) throw meshError(417, 'invalidHeaderChunks', messageId);
  const encoding = (headerValue(ctx.req.headers, 'content-encoding') ?? '').trim().toLowerCase();
  if (encoding !== message.metadata.content_encoding) {
    throw textError(417, 'cannot change content encoding', messageId);
  }

  await mailroom.storeChunk(message, chunkNumber, ctx.body);
  if (!mailroom.getMessage(messageId)) throw bareError(404);
  const body = ctx.apiVersion < 2 ? { messageID: message.message_id, blockID: chunkNumber } : null;
  sendJson(ctx.res, 202, body);
}
