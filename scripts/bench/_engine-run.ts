// One measured run through the transfer engine (main/transfers), set up as the
// app sets it up: a MeshTransferClient, a durable journal (each save a flushed
// line, shared by saves made at once), a file logger, three transfers at once,
// SHA-256 checksums on sends.
// The clock starts once the engine has started, so process start-up and the
// journal load are not counted; the first TLS handshake is.
//   send-many FOLDER TO STATE       sends every file in FOLDER, waits for all
//   receive-all DOWNLOADS STATE     one inbox check with automatic download and
//                                   acknowledge-after-save, waits for every download
//   send FILE TO STATE [--no-checksum]   one file
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { connectionFromFlags } from '../../main/cli/connection';
import { createLogger } from '../../main/log/logger';
import { MeshTransferClient } from '../../main/mesh/local-id-tracking';
import { createTransfers, type TransferProgress } from '../../main/transfers';
import { report, watchGarbageCollection } from './_measure';

const [mode, target, second, third, flag] = process.argv.slice(2) as [string, string, string, string, string | undefined];
const PROFILE = 'bench';
const WORKFLOW = 'TEST_WORKFLOW';
const TERMINAL = new Set(['done', 'failed', 'cancelled']);

const connection = await connectionFromFlags({}, process.env);
const client = new MeshTransferClient(connection);
const stateFolder = mode === 'receive-all' ? second : third;
const downloadFolder = mode === 'receive-all' ? target : join(stateFolder, 'unused-downloads');
const log = createLogger({ folder: join(stateFolder, 'logs') });
const transfers = createTransfers({
  stateFolder,
  clientFor: () => client,
  mailboxSettings: () => ({ downloadFolder, acknowledge: 'after-save', autoDownload: true }),
  log,
  concurrency: 3,
  checksums: flag !== '--no-checksum',
  ...(connection.allowSmallChunks ? { allowSmallChunks: true } : {}),
});
await transfers.start();
const engine = transfers.queue;

/** Collects the final progress of every transfer of one kind that finishes from now on. */
function watchFinished(kind: TransferProgress['kind']): Map<string, TransferProgress> {
  const finished = new Map<string, TransferProgress>();
  engine.onProgress((progress) => {
    if (progress.kind === kind && TERMINAL.has(progress.state)) finished.set(progress.id, progress);
  });
  return finished;
}

/** Resolves once `finished` holds `count` transfers, checking after every progress event. */
function untilFinished(finished: Map<string, TransferProgress>, count: () => number): Promise<void> {
  return new Promise((resolve) => {
    const check = () => {
      if (finished.size < count()) return false;
      stop();
      resolve();
      return true;
    };
    const stop = engine.onProgress(() => void check());
    check();
  });
}

function failures(finished: Map<string, TransferProgress>): string[] {
  return [...finished.values()]
    .filter((p) => p.state !== 'done')
    .map((p) => `${p.name}: ${p.state} ${p.error ? `${p.error.code} ${p.error.message}` : (p.note ?? '')}`);
}

watchGarbageCollection();
const started = process.hrtime.bigint();
let output: unknown;
if (mode === 'send-many') {
  const finished = watchFinished('upload');
  const names = (await readdir(target)).sort();
  for (const name of names) {
    await engine.enqueueUpload({ profileId: PROFILE, filePath: join(target, name), to: second, workflowId: WORKFLOW });
  }
  await untilFinished(finished, () => names.length);
  output = { sent: finished.size, failed: failures(finished) };
} else if (mode === 'receive-all') {
  const finished = watchFinished('download');
  const poll = await transfers.activity.pollInbox(PROFILE);
  await untilFinished(finished, () => poll.downloadsQueued);
  output = {
    listed: poll.listed,
    received: finished.size,
    failed: failures(finished),
    savedPaths: [...finished.values()].map((p) => p.savedPath).filter((p): p is string => p !== undefined),
  };
} else if (mode === 'send') {
  const finished = watchFinished('upload');
  const queued = await engine.enqueueUpload({ profileId: PROFILE, filePath: target, to: second, workflowId: WORKFLOW });
  await untilFinished(finished, () => 1);
  const result = finished.get(queued.id);
  output = { messageId: result?.messageId, failed: failures(finished) };
} else {
  throw new Error(`unknown mode ${mode}`);
}
// The shutdown (journal and store flushes) is part of the engine's work, so it is counted.
await transfers.shutdown();
client.close();
await log.close();
await report(started, JSON.stringify(output));
