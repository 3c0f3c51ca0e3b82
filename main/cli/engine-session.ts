import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { AuditRecorder } from '../audit/recorder';
import { auditTransferEvents } from '../audit/transfer-events';
import { createLogger, type Logger } from '../log/logger';
import { MeshTransferClient } from '../mesh/local-id-tracking';
import { AppError } from '../shared/errors';
import { defaultDataFolder, logFolder } from '../shared/paths';
import {
  createTransfers,
  type MailboxActivity,
  type MailboxTransferSettings,
  type TransferEngine,
  type TransferProgress,
} from '../transfers';
import type { CommandContext } from './command';
import { cliAuditRecorder, connectionFromFlags, type ConnectionFlags } from './connection';

/** The transfer queue and mailbox activity for one mailbox named on the command line, with its own journal. */
export interface EngineSession {
  queue: TransferEngine;
  activity: MailboxActivity;
  /** The audit trail the session's transfers are recorded in (for what a command does outside the engine). */
  audit: AuditRecorder;
  profileId: string;
  log: Logger;
  close(): Promise<void>;
}

/**
 * The command line's transfers go through the same engine as the app, with a
 * journal kept per server and mailbox in the data folder: a `send` or
 * `download` that was interrupted (Ctrl+C, a crash, a power cut) carries on
 * from its last confirmed chunk when the same command runs again.
 */
export async function openEngineSession(
  context: CommandContext,
  mailboxSettings: MailboxTransferSettings,
  options: { chunkSize?: number } = {},
): Promise<EngineSession> {
  const connection = await connectionFromFlags(context.values as ConnectionFlags, context.env);
  const client = new MeshTransferClient({ ...connection, ...(options.chunkSize ? { chunkSize: options.chunkSize } : {}) });
  const dataFolder = (context.values['data-dir'] as string | undefined) ?? defaultDataFolder(context.env);
  const key = createHash('sha256').update(`${connection.baseUrl}\n${connection.mailboxId.toUpperCase()}`).digest('hex').slice(0, 16);
  const log = createLogger({ folder: logFolder(dataFolder), fileName: 'mesh-desktop-cli.log' });
  const profileId = `cli-${key}`;
  const audit = await cliAuditRecorder(context, connection, log);
  const transfers = createTransfers({
    events: auditTransferEvents(audit),
    stateFolder: join(dataFolder, 'cli-transfers'),
    clientFor: () => client,
    mailboxSettings: () => mailboxSettings,
    log,
    concurrency: 2,
    ...(options.chunkSize ? { chunkSize: options.chunkSize } : {}),
    ...(connection.allowSmallChunks ? { allowSmallChunks: true } : {}),
  });
  await transfers.start();
  // Interrupted by Ctrl+C or a service stop: checkpoint, then exit; the next run resumes.
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    void transfers
      .shutdown()
      .then(() => audit.flush())
      .finally(() => process.exit(130));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return {
    queue: transfers.queue,
    activity: transfers.activity,
    audit,
    profileId,
    log,
    close: async () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      await transfers.shutdown();
      await audit.flush();
      client.close();
      await log.close();
    },
  };
}

/** Waits for a transfer to finish; a failure becomes the AppError it carries. */
export async function finished(queue: TransferEngine, id: string): Promise<TransferProgress> {
  const result = await queue.settled(id);
  if (result.state === 'done') return result;
  if (result.error) throw new AppError(result.error);
  throw new AppError({ code: 'cancelled', message: result.note ?? `The transfer stopped (${result.state}).` });
}
