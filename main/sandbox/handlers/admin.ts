/**
 * Test endpoints without a mailbox's Authorization: NHS sandbox's (health,
 * reset, report, message events, mailbox and message details; mesh-api.md
 * §8.4) and this sandbox's own (faults, clock, expiry sweep). All but health
 * want the sandbox's admin token; server.ts checks it before they run.
 */
import { z } from 'zod';
import type { RequestContext } from '../context';
import { parseFaultRules } from '../faults';
import { readJsonBody, sendEmpty, sendJson } from '../http-io';
import { type ValidationIssue, SandboxHttpError, meshError, textError, validationError } from '../mesh-errors';
import { partyOf } from '../mailroom';
import { mailboxDetails, messageDetails } from '../message-views';
import { AppError } from '../../shared/errors';

/** Health endpoints: the sandbox's fixed body. */
export async function handleHealth(ctx: RequestContext): Promise<void> {
  sendJson(ctx.res, 200, { env: 'local', build_label: 'latest', status: 'running', outcome: 'Yes' });
}

function zodIssues(error: z.ZodError): ValidationIssue[] {
  return error.issues.map((issue) => ({
    loc: ['body', ...issue.path.map((part) => (typeof part === 'number' ? part : String(part)))],
    msg: issue.message,
    type: `value_error.${issue.code}`,
  }));
}

async function readBody<T>(ctx: RequestContext, schema: z.ZodType<T>): Promise<T> {
  const parsed = schema.safeParse(await readJsonBody(ctx.body));
  if (!parsed.success) throw validationError(zodIssues(parsed.error));
  return parsed.data;
}

/** DELETE /admin/reset: deletes every message. */
export async function handleResetAll(ctx: RequestContext): Promise<void> {
  await ctx.core.mailroom.reset();
  sendJson(ctx.res, 200, { message: 'all mailboxes reset' });
}

/** DELETE /admin/reset/{mailbox}: deletes what one mailbox sent and received. */
export async function handleResetMailbox(ctx: RequestContext): Promise<void> {
  const mailbox = ctx.core.mailroom.findMailbox(ctx.params.mailbox ?? '');
  if (!mailbox) throw textError(404, 'mailbox does not exist');
  await ctx.core.mailroom.reset(mailbox.mailbox_id);
  sendJson(ctx.res, 200, { message: `mailbox ${mailbox.mailbox_id} reset` });
}

const reportRequest = z.object({
  mailbox_id: z.string(),
  code: z.string(),
  description: z.string(),
  workflow_id: z.string(),
  subject: z.string().nullish(),
  local_id: z.string().nullish(),
  status: z.enum(['undeliverable', 'error']).default('undeliverable'),
  file_name: z.string().nullish(),
  linked_message_id: z.string().nullish(),
});

/** POST /messageexchange/admin/report: puts a REPORT into a mailbox's inbox. */
export async function handleCreateReport(ctx: RequestContext): Promise<void> {
  const request = await readBody(ctx, reportRequest);
  const recipient = ctx.core.mailroom.findMailbox(request.mailbox_id);
  if (!recipient) throw textError(404, 'mailbox does not exist');
  const report = await ctx.core.mailroom.createReport({
    recipient: partyOf(recipient),
    workflowId: request.workflow_id,
    status: request.status,
    event: 'TRANSFER',
    code: request.code,
    description: request.description,
    ...(request.subject ? { subject: request.subject } : {}),
    ...(request.local_id ? { localId: request.local_id } : {}),
    ...(request.file_name ? { fileName: request.file_name } : {}),
    ...(request.linked_message_id ? { linkedMessageId: request.linked_message_id } : {}),
  });
  sendJson(ctx.res, 200, { message_id: report.message_id });
}

const eventRequest = z.object({
  status: z.enum(['uploading', 'accepted', 'acknowledged', 'undeliverable', 'error']),
  code: z.string().nullish(),
  event: z.string().nullish(),
  description: z.string().nullish(),
  linked_message_id: z.string().nullish(),
});

/** POST /admin/message/{id}/event: prepends a status event (force error, undeliverable, back to accepted…). */
export async function handleAddMessageEvent(ctx: RequestContext): Promise<void> {
  const request = await readBody(ctx, eventRequest);
  const message = ctx.core.mailroom.getMessage(ctx.params.message ?? '');
  if (!message) throw meshError(404, 'messageDoesNotExist');
  await ctx.core.mailroom.addEvent(message, {
    status: request.status,
    ...(request.code ? { code: request.code } : {}),
    ...(request.event ? { event: request.event } : {}),
    ...(request.description ? { description: request.description } : {}),
    ...(request.linked_message_id ? { linked_message_id: request.linked_message_id } : {}),
  });
  sendEmpty(ctx.res, 200);
}

/** GET /admin/mailbox/{id}: mailbox details without the password. */
export async function handleMailboxDetails(ctx: RequestContext): Promise<void> {
  const mailbox = ctx.core.mailroom.findMailbox(ctx.params.mailbox ?? '');
  if (!mailbox) throw textError(404, 'mailbox does not exist');
  sendJson(ctx.res, 200, mailboxDetails(mailbox));
}

/** GET /admin/message/{id}: everything the sandbox knows about a message. */
export async function handleMessageDetails(ctx: RequestContext): Promise<void> {
  const message = ctx.core.mailroom.getMessage(ctx.params.message ?? '');
  if (!message) throw meshError(404, 'messageDoesNotExist');
  sendJson(ctx.res, 200, messageDetails(message));
}

/** GET lists, POST adds (one rule, an array, or {rules}), DELETE clears the fault rules. */
export async function handleFaults(ctx: RequestContext): Promise<void> {
  const faults = ctx.core.faults;
  if (ctx.req.method === 'GET') {
    sendJson(ctx.res, 200, {
      faults: faults.list().map((fault) => ({ ...fault, remaining: Number.isFinite(fault.remaining) ? fault.remaining : 'always' })),
    });
    return;
  }
  if (ctx.req.method === 'DELETE') {
    faults.clear();
    sendJson(ctx.res, 200, { message: 'faults cleared' });
    return;
  }
  let ids: string[];
  try {
    ids = parseFaultRules(await readJsonBody(ctx.body)).map((rule) => faults.add(rule));
  } catch (error) {
    if (error instanceof AppError) {
      throw validationError([{ loc: ['body'], msg: error.detail ?? error.message, type: 'value_error' }]);
    }
    throw error;
  }
  sendJson(ctx.res, 200, { ids });
}

/** DELETE /admin/faults/{id}. */
export async function handleRemoveFault(ctx: RequestContext): Promise<void> {
  if (!ctx.core.faults.remove(ctx.params.fault ?? '')) throw textError(404, 'fault does not exist');
  sendJson(ctx.res, 200, { message: 'fault removed' });
}

const clockRequest = z.union([
  z.object({ advanceMs: z.number().finite() }).strict(),
  z.object({ now: z.iso.datetime({ offset: true }) }).strict(),
]);

/** GET reads, POST {advanceMs} or {now} moves the sandbox-owned clock (409 when the caller owns time). */
export async function handleClock(ctx: RequestContext): Promise<void> {
  const clock = ctx.core.clock;
  if (ctx.req.method === 'POST') {
    const request = await readBody(ctx, clockRequest);
    if (!clock.adjustable) {
      throw new SandboxHttpError(409, {
        kind: 'json',
        body: { detail: 'The clock is controlled by the process that started the sandbox.' },
      });
    }
    if ('advanceMs' in request) clock.advance(request.advanceMs);
    else clock.set(new Date(request.now));
  }
  sendJson(ctx.res, 200, { now: clock.now().toISOString(), adjustable: clock.adjustable });
}

/** POST /admin/expire: runs the inbox expiry sweep now. */
export async function handleExpire(ctx: RequestContext): Promise<void> {
  const reportIds = await ctx.core.mailroom.expire();
  sendJson(ctx.res, 200, { report_ids: reportIds });
}
