// The commands that speak MESH directly: one request (or one message) each.
import { mkdir } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { MeshClient } from '../../mesh/client';
import { AppError } from '../../shared/errors';
import { CONNECTION_OPTIONS, CONNECTION_USAGE, type Command, type CommandContext } from '../command';
import { connectionFromFlags, type ConnectionFlags } from '../connection';
import { formatBytes, formatTable } from '../format';

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
  summary: 'Download one message to a folder (does not acknowledge it)',
  usage: `mesh-desktop download <message-id> [--out DIR] [connection]\n${CONNECTION_USAGE}`,
  options: { ...CONNECTION_OPTIONS, out: { type: 'string' } },
  run: async (context) => {
    const messageId = onePositional(context, 'message id');
    const folder = resolve((context.values.out as string | undefined) ?? '.');
    await mkdir(folder, { recursive: true });
    const { saveDownload } = await import('../download-to-folder');
    const saved = await withClient(context, (client) =>
      saveDownload(client, messageId, folder, (p) =>
        context.progress(`chunk ${p.chunk} of ${p.totalChunks}: ${formatBytes(p.bytesWritten)}`),
      ),
    );
    context.print(
      `Saved ${saved.metadata.messageType === 'REPORT' ? 'non-delivery report' : 'message'} ${messageId} to ${saved.path} (${formatBytes(saved.bytes)}).`,
      {
        messageId,
        path: saved.path,
        bytes: saved.bytes,
        metadata: saved.metadata,
      },
    );
  },
};

export const ack: Command = {
  name: 'ack',
  summary: 'Acknowledge a message: it leaves the inbox for everyone who shares the mailbox',
  usage: `mesh-desktop ack <message-id> [connection]\n${CONNECTION_USAGE}`,
  options: { ...CONNECTION_OPTIONS },
  run: async (context) => {
    const messageId = onePositional(context, 'message id');
    await withClient(context, (client) => client.acknowledge(messageId));
    context.print(`Acknowledged ${messageId}.`, { ok: true, messageId });
  },
};

export const send: Command = {
  name: 'send',
  summary: 'Send a file to another mailbox',
  usage:
    `mesh-desktop send --to MAILBOX --workflow ID [--subject S] [--local-id L] [--compress] [--chunk-size BYTES] FILE [connection]\n` +
    CONNECTION_USAGE,
  options: {
    ...CONNECTION_OPTIONS,
    to: { type: 'string' },
    workflow: { type: 'string' },
    subject: { type: 'string' },
    'local-id': { type: 'string' },
    compress: { type: 'boolean' },
    'chunk-size': { type: 'string' },
    'file-name': { type: 'string' },
  },
  run: async (context) => {
    const file = onePositional(context, 'file to send');
    const to = context.values.to as string | undefined;
    const workflowId = context.values.workflow as string | undefined;
    if (!to) throw new AppError({ code: 'invalid-argument', message: 'Say who to send to: --to MAILBOX.' });
    if (!workflowId) throw new AppError({ code: 'invalid-argument', message: 'Say which workflow the file belongs to: --workflow ID.' });
    const chunkSize = parseSize(context.values['chunk-size'] as string | undefined, '--chunk-size');
    const meta = {
      to,
      workflowId,
      fileName: (context.values['file-name'] as string | undefined) ?? basename(file),
      ...(context.values.subject ? { subject: context.values.subject as string } : {}),
      ...(context.values['local-id'] ? { localId: context.values['local-id'] as string } : {}),
    };
    const messageId = await withClient(
      context,
      (client) =>
        client.sendFile(resolve(file), meta, {
          compress: context.values.compress === true,
          onProgress: (p) =>
            context.progress(`chunk ${p.chunk} of ${p.totalChunks}: ${formatBytes(p.bytesSent)} of ${formatBytes(p.totalBytes)}`),
        }),
      chunkSize ? { chunkSize } : {},
    );
    context.print(`Sent. Message id: ${messageId}`, { ok: true, messageId });
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

export const protocolCommands: Command[] = [handshake, inbox, download, ack, send, track, lookup, workflows];
