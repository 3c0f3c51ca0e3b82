// The commands that speak MESH directly: one request (or one message) each.
import { mkdir } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { MeshClient } from '../../mesh/client';
import { AppError } from '../../shared/errors';
import { CONNECTION_OPTIONS, CONNECTION_USAGE, type Command, type CommandContext } from '../command';
import { cliAuditRecorder, connectionFromFlags, type ConnectionFlags } from '../connection';
import { createLogger } from '../../log/logger';
import { defaultDataFolder, logFolder } from '../../shared/paths';
import { formatBytes, formatTable } from '../format';
import { finished, openEngineSession } from '../engine-session';
import { validateSendHeaders } from '../../mesh/headers';

async function clientFor(context: CommandContext, extra: { chunkSize?: number } = {}): Promise<MeshClient> {
  const options = await connectionFromFlags(context.values as ConnectionFlags, context.env);
  return new MeshClient({ ...options, ...extra });
}

async function withClient<T>(
  context: CommandContext,
  use: (client: MeshClient) => Promise<T>,
  extra: { chunkSize?: number } = {},
): Promise<T> {
  const client = await clientFor(context, extra);
  try {
    return await use(client);
  } finally {
    client.close();
  }
}

function onePositional(context: CommandContext, what: string): string {
  const [value, ...rest] = context.positionals;
  if (!value || rest.length > 0) throw new AppError({ code: 'invalid-argument', message: `Give exactly one ${what}.` });
  return value;
}

function parseSize(text: string | undefined, what: string): number | undefined {
  if (text === undefined) return undefined;
  const match = /^(\d+)([kmg]i?b?)?$/i.exec(text.trim());
  if (!match) throw new AppError({ code: 'invalid-argument', message: `${what} must be a number of bytes, such as 20971520 or 20MiB.` });
  const unit = (match[2] ?? '').toLowerCase().replace(/b$/, '');
  const factor = { '': 1, k: 1000, ki: 1024, m: 1000 ** 2, mi: 1024 ** 2, g: 1000 ** 3, gi: 1024 ** 3 }[unit] ?? 1;
  return Number(match[1]) * factor;
}

export const handshake: Command = {
  name: 'handshake',
  summary: 'Check that the mailbox, password and certificate work',
  usage: `mesh-desktop handshake [connection]\n${CONNECTION_USAGE}`,
  options: { ...CONNECTION_OPTIONS },
  run: async (context) => {
    const mailboxId = await withClient(context, async (client) => {
      await client.handshake();
      return client.mailboxId;
    });
    context.print(`Connected: mailbox ${mailboxId} is ready.`, { ok: true, mailboxId });
  },
};

export const inbox: Command = {
  name: 'inbox',
  summary: 'List the ids of the messages waiting in the inbox',
  usage: `mesh-desktop inbox [--max N] [--workflow-filter F] [--all] [connection]\n${CONNECTION_USAGE}`,
  options: { ...CONNECTION_OPTIONS, max: { type: 'string' }, 'workflow-filter': { type: 'string' }, all: { type: 'boolean' } },
  run: async (context) => {
    const maxResults = context.values.max ? Number(context.values.max) : undefined;
    if (maxResults !== undefined && (!Number.isInteger(maxResults) || maxResults < 10 || maxResults > 5000)) {
      throw new AppError({ code: 'invalid-argument', message: '--max must be a whole number from 10 to 5000.' });
    }
    const workflowFilter = context.values['workflow-filter'] as string | undefined;
    const result = await withClient(context, async (client) => {
      if (context.values.all) {
        const ids: string[] = [];
        for await (const id of client.iterateInbox({
          ...(maxResults ? { maxResults } : {}),
          ...(workflowFilter ? { workflowFilter } : {}),
        }))
          ids.push(id);
        return { messageIds: ids, more: false, approxInboxCount: ids.length };
      }
      const page = await client.listInbox({ ...(maxResults ? { maxResults } : {}), ...(workflowFilter ? { workflowFilter } : {}) });
      return { messageIds: page.messageIds, more: page.next !== undefined, approxInboxCount: page.approxInboxCount };
    });
    const lines = result.messageIds.length === 0 ? ['The inbox is empty.'] : result.messageIds;
    if (result.more) lines.push('(more messages are waiting: use --all to list them all)');
    context.print(lines.join('\n'), result);
  },
};

export const download: Command = {
  name: 'download',
  summary: 'Download one message to a folder, resuming if interrupted (does not acknowledge it)',
  usage: `mesh-desktop download <message-id> [--out DIR] [--data-dir DIR] [connection]\n${CONNECTION_USAGE}`,
  options: { ...CONNECTION_OPTIONS, out: { type: 'string' }, 'data-dir': { type: 'string' } },
  run: async (context) => {
    const messageId = onePositional(context, 'message id');
    const folder = resolve((context.values.out as string | undefined) ?? '.');
    await mkdir(folder, { recursive: true });
    const session = await openEngineSession(context, { downloadFolder: folder, acknowledge: 'manual', autoDownload: false });
    try {
      const off = session.queue.onProgress((p) => {
        if (p.kind === 'download')
          context.progress(`${p.name}: ${formatBytes(p.bytesDone)}${p.chunk ? ` (chunk ${p.chunk.k} of ${p.chunk.n})` : ''}`);
      });
      const queued = await session.queue.enqueueDownload({
        profileId: session.profileId,
        messageId,
        destinationFolder: folder,
        acknowledge: 'manual',
      });
      const done = await finished(session.queue, queued.id);
      off();
      context.print(`Saved message ${messageId} to ${done.savedPath} (${formatBytes(done.bytesDone)}).`, {
        messageId,
        path: done.savedPath,
        bytes: done.bytesDone,
        sidecar: `${done.savedPath}.mesh.json`,
      });
    } finally {
      await session.close();
    }
  },
};

export const ack: Command = {
  name: 'ack',
  summary: 'Acknowledge a message: it leaves the inbox for everyone who shares the mailbox',
  usage: `mesh-desktop ack <message-id> [--data-dir DIR] [connection]\n${CONNECTION_USAGE}`,
  options: { ...CONNECTION_OPTIONS, 'data-dir': { type: 'string' } },
  run: async (context) => {
    const messageId = onePositional(context, 'message id');
    const connection = await connectionFromFlags(context.values as ConnectionFlags, context.env);
    const dataFolder = (context.values['data-dir'] as string | undefined) ?? defaultDataFolder(context.env);
    const log = createLogger({ folder: logFolder(dataFolder), fileName: 'mesh-desktop-cli.log' });
    const client = new MeshClient(connection);
    try {
      await client.acknowledge(messageId);
      // The command line knows only the id: the message's details went with the download that saved it.
      await (
        await cliAuditRecorder(context, connection, log)
      ).record({
        action: 'message-acknowledged',
        outcome: 'ok',
        profileId: 'command-line',
        message: { messageId },
      });
    } finally {
      client.close();
      await log.close();
    }
    context.print(`Acknowledged ${messageId}.`, { ok: true, messageId });
  },
};

export const send: Command = {
  name: 'send',
  summary: 'Send a file to another mailbox, resuming if interrupted',
  usage:
    `mesh-desktop send --to MAILBOX --workflow ID [--subject S] [--local-id L] [--compress] [--checksum] [--chunk-size BYTES] [--data-dir DIR] FILE [connection]\n` +
    '  --checksum   also send a SHA-256 of the file so the recipient can check it arrived intact\n' +
    '               (reads the whole file once more before sending)\n' +
    CONNECTION_USAGE,
  options: {
    ...CONNECTION_OPTIONS,
    to: { type: 'string' },
    workflow: { type: 'string' },
    subject: { type: 'string' },
    'local-id': { type: 'string' },
    compress: { type: 'boolean' },
    checksum: { type: 'boolean' },
    'chunk-size': { type: 'string' },
    'file-name': { type: 'string' },
    'data-dir': { type: 'string' },
  },
  run: async (context) => {
    const file = resolve(onePositional(context, 'file to send'));
    const to = context.values.to as string | undefined;
    const workflowId = context.values.workflow as string | undefined;
    if (!to) throw new AppError({ code: 'invalid-argument', message: 'Say who to send to: --to MAILBOX.' });
    if (!workflowId) throw new AppError({ code: 'invalid-argument', message: 'Say which workflow the file belongs to: --workflow ID.' });
    const chunkSize = parseSize(context.values['chunk-size'] as string | undefined, '--chunk-size');
    const headerProblem = validateSendHeaders({
      to,
      workflowId,
      ...(context.values.subject ? { subject: context.values.subject as string } : {}),
      ...(context.values['local-id'] ? { localId: context.values['local-id'] as string } : {}),
    })[0];
    if (headerProblem) throw headerProblem;
    const session = await openEngineSession(
      context,
      { downloadFolder: '.', acknowledge: 'manual', autoDownload: false },
      chunkSize ? { chunkSize } : {},
    );
    try {
      const off = session.queue.onProgress((p) => {
        if (p.kind === 'upload')
          context.progress(
            `${p.name}: ${formatBytes(p.bytesDone)}${p.bytesTotal ? ` of ${formatBytes(p.bytesTotal)}` : ''}${p.chunk ? ` (chunk ${p.chunk.k} of ${p.chunk.n})` : ''}`,
          );
      });
      // The same send, interrupted before: carry it on rather than send the file twice.
      const unfinished = session.activity
        .pendingSends(session.profileId)
        .find((s) => s.filePath === file && s.to === to.trim().toUpperCase() && s.workflowId === workflowId);
      const transferId =
        unfinished?.transferId ??
        (
          await session.queue.enqueueUpload({
            profileId: session.profileId,
            filePath: file,
            to,
            workflowId,
            fileName: (context.values['file-name'] as string | undefined) ?? basename(file),
            compress: context.values.compress === true,
            checksum: context.values.checksum === true,
            ...(chunkSize ? { chunkSize } : {}),
            ...(context.values.subject ? { subject: context.values.subject as string } : {}),
            ...(context.values['local-id'] ? { localId: context.values['local-id'] as string } : {}),
          })
        ).id;
      if (unfinished) context.progress(`Carrying on with the send of ${basename(file)} that was interrupted.`);
      const done = await finished(session.queue, transferId);
      off();
      context.print(`Sent. Message id: ${done.messageId}`, { ok: true, messageId: done.messageId, resumed: unfinished !== undefined });
    } finally {
      await session.close();
    }
  },
};

export const receive: Command = {
  name: 'receive',
  summary: 'Download, verify, save and acknowledge everything in the inbox (--watch keeps checking)',
  usage: `mesh-desktop receive [--out DIR] [--watch] [--data-dir DIR] [connection]\n${CONNECTION_USAGE}`,
  options: { ...CONNECTION_OPTIONS, out: { type: 'string' }, watch: { type: 'boolean' }, 'data-dir': { type: 'string' } },
  run: async (context) => {
    const folder = resolve((context.values.out as string | undefined) ?? '.');
    await mkdir(folder, { recursive: true });
    const session = await openEngineSession(context, { downloadFolder: folder, acknowledge: 'after-save', autoDownload: true });
    const saved: { messageId?: string; path?: string; bytes: number }[] = [];
    const off = session.queue.onProgress((p) => {
      if (p.kind !== 'download') return;
      if (p.state === 'done') {
        saved.push({
          ...(p.messageId ? { messageId: p.messageId } : {}),
          ...(p.savedPath ? { path: p.savedPath } : {}),
          bytes: p.bytesDone,
        });
        if (!context.json) context.print(`Saved ${p.savedPath} (${formatBytes(p.bytesDone)})`, null);
      } else if (p.state === 'failed') {
        context.progress(`Could not receive ${p.messageId}: ${p.error?.message ?? ''}`);
      }
    });
    try {
      if (context.values.watch) {
        // Checks on NHS's schedule (at most every 5 minutes, at once while more is waiting) until stopped.
        session.activity.startPolling(session.profileId);
        context.progress('Watching the inbox; press Ctrl+C to stop.');
        await new Promise<never>(() => {});
      }
      const check = await session.activity.checkNow(session.profileId);
      if (!check.checked) {
        context.print(
          `MESH allows one inbox check every 5 minutes; the next is allowed at ${check.nextAllowedAt.toLocaleTimeString('en-GB')}.`,
          {
            checked: false,
            nextAllowedAt: check.nextAllowedAt.toISOString(),
          },
        );
        return 0;
      }
      // A backlog (a full page or links.next) is drained at once, as MESH's rules allow.
      let result = check.result;
      for (;;) {
        await Promise.all(
          session.queue
            .list()
            .filter((p) => p.kind === 'download' && p.profileId === session.profileId)
            .map((p) => session.queue.settled(p.id)),
        );
        if (!result.moreWaiting) break;
        result = await session.activity.pollInbox(session.profileId);
      }
      const failed = session.queue.list().filter((p) => p.kind === 'download' && p.state === 'failed');
      context.print(
        saved.length === 0
          ? 'Nothing new in the inbox.'
          : `Received ${saved.length} message${saved.length === 1 ? '' : 's'} into ${folder}.`,
        { checked: true, saved, failed: failed.map((p) => ({ messageId: p.messageId, error: p.error })) },
      );
      return failed.length > 0 ? 1 : 0;
    } finally {
      off();
      await session.close();
    }
  },
};

export const track: Command = {
  name: 'track',
  summary: 'Show where a sent message is now',
  usage: `mesh-desktop track <message-id> [connection]\n${CONNECTION_USAGE}`,
  options: { ...CONNECTION_OPTIONS },
  run: async (context) => {
    const messageId = onePositional(context, 'message id');
    const tracking = await withClient(context, (client) => client.track(messageId));
    const rows = Object.entries(tracking).flatMap(([key, value]): string[][] => {
      if (value === undefined || value === null) return [];
      if (typeof value === 'object' && !(value instanceof Date)) {
        return Object.entries(value as Record<string, unknown>)
          .filter(([, inner]) => inner !== undefined && inner !== null)
          .map(([innerKey, inner]) => [`${key}.${innerKey}`, String(inner)]);
      }
      return [[key, value instanceof Date ? value.toISOString() : String(value)]];
    });
    context.print(formatTable(['field', 'value'], rows), tracking);
  },
};

export const lookup: Command = {
  name: 'lookup',
  summary: 'Find the mailbox for an organisation (ODS code) and workflow',
  usage: `mesh-desktop lookup <ODS-CODE> <WORKFLOW-ID> [connection]\n${CONNECTION_USAGE}`,
  options: { ...CONNECTION_OPTIONS },
  run: async (context) => {
    const [ods, workflow, ...rest] = context.positionals;
    if (!ods || !workflow || rest.length > 0)
      throw new AppError({ code: 'invalid-argument', message: 'Give an ODS code and a workflow id.' });
    const matches = await withClient(context, (client) => client.lookupEndpoint(ods, workflow));
    context.print(
      matches.length === 0
        ? `No mailbox is registered for ${ods} on ${workflow}.`
        : formatTable(
            ['mailbox', 'name'],
            matches.map((m) => [m.mailboxId, m.mailboxName ?? '']),
          ),
      { results: matches },
    );
  },
};

export const workflows: Command = {
  name: 'workflows',
  summary: 'List the mailboxes registered for a workflow',
  usage: `mesh-desktop workflows <WORKFLOW-ID> [connection]\n${CONNECTION_USAGE}`,
  options: { ...CONNECTION_OPTIONS },
  run: async (context) => {
    const workflow = onePositional(context, 'workflow id');
    const matches = await withClient(context, (client) => client.searchWorkflow(workflow));
    context.print(
      matches.length === 0
        ? `No mailbox is registered for ${workflow}.`
        : formatTable(
            ['mailbox', 'name'],
            matches.map((m) => [m.mailboxId, m.mailboxName ?? '']),
          ),
      { results: matches },
    );
  },
};

export const protocolCommands: Command[] = [handshake, inbox, download, ack, send, receive, track, lookup, workflows];
