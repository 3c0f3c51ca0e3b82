// Issue 22 benchmark: the audit trail.
//   a. entries appended per second to a trail on this disk (each entry flushed, and head.json replaced, before the next)
//   b. one small send through the transfer engine, with and without the audit recorder (and the SHA-256 of the bytes
//      sent it needs), alternating in the same run against the emulator in its own process over mutual TLS: medians
// Nothing is asserted; every trail written is verified afterwards.
//   npm run bench -- audit [--entries 2000] [--sends 40]
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { currentActor, openAuditRecorder } from '../../main/audit/recorder';
import { auditTransferEvents } from '../../main/audit/transfer-events';
import { AuditTrail } from '../../main/audit/trail';
import { connectionFromFlags } from '../../main/cli/connection';
import { silentLogger } from '../../main/log/logger';
import { MeshTransferClient } from '../../main/mesh/local-id-tracking';
import { createTransfers } from '../../main/transfers';
import { startBenchSandbox } from './_sandbox';

const { values } = parseArgs({
  options: { entries: { type: 'string', default: '2000' }, sends: { type: 'string', default: '40' } },
  strict: false,
});
const entryCount = Number(values.entries);
const sendCount = Number(values.sends);
const root = process.cwd();
const work = mkdtempSync(join(process.env.BENCH_DIR ?? tmpdir(), 'mesh-bench-audit-'));

const median = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

try {
  // a. appends
  const trail = new AuditTrail({ folder: join(work, 'append') });
  const actor = currentActor('command-line');
  const started = process.hrtime.bigint();
  for (let i = 0; i < entryCount; i++) {
    await trail.append(
      {
        action: 'message-sent',
        outcome: 'ok',
        mailbox: { id: 'X26ABC1', environment: 'LIVE' },
        message: {
          messageId: `20260301${String(i).padStart(12, '0')}_ABCDEF`,
          to: 'X26ABC2',
          workflowId: 'TEST_WORKFLOW',
          fileName: `file-${i}.csv`,
          size: 1234,
        },
      },
      actor,
    );
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const appended = await trail.verify();
  console.log(
    `Appends: ${entryCount} entries in ${seconds.toFixed(2)} s = ${(entryCount / seconds).toFixed(0)} entries/s (${((seconds / entryCount) * 1000).toFixed(2)} ms each); trail verifies: ${appended.ok}`,
  );

  // b. sends with and without the recorder
  const sandbox = await startBenchSandbox(root, work, ['X26ABC1', 'X26ABC2']);
  try {
    const connection = await connectionFromFlags({}, sandbox.env('X26ABC1'));
    const client = new MeshTransferClient(connection);
    const file = join(work, 'referral.csv');
    writeFileSync(file, randomBytes(64 * 1024));
    const recorder = openAuditRecorder({
      dataFolder: join(work, 'engine-with'),
      via: 'command-line',
      log: silentLogger,
      mailboxOf: () => ({ id: 'X26ABC1', environment: sandbox.url }),
    });
    const engines = {
      without: createTransfers({
        stateFolder: join(work, 'engine-without'),
        clientFor: () => client,
        log: silentLogger,
        allowSmallChunks: true,
      }),
      with: createTransfers({
        stateFolder: join(work, 'engine-with'),
        clientFor: () => client,
        log: silentLogger,
        allowSmallChunks: true,
        events: auditTransferEvents(recorder),
      }),
    };
    await engines.without.start();
    await engines.with.start();
    const times: Record<'with' | 'without', number[]> = { with: [], without: [] };
    /** With the recorder, until the engine said done (what the window waits for: the entry follows a moment later). */
    const untilDone: number[] = [];
    // Warm the connection before timing anything.
    for (const side of ['without', 'with'] as const) {
      const queued = await engines[side].queue.enqueueUpload({
        profileId: 'bench',
        filePath: file,
        to: 'X26ABC2',
        workflowId: 'TEST_WORKFLOW',
      });
      await engines[side].queue.settled(queued.id);
    }
    for (let i = 0; i < sendCount; i++) {
      for (const side of i % 2 === 0 ? (['without', 'with'] as const) : (['with', 'without'] as const)) {
        const begin = process.hrtime.bigint();
        const queued = await engines[side].queue.enqueueUpload({
          profileId: 'bench',
          filePath: file,
          to: 'X26ABC2',
          workflowId: 'TEST_WORKFLOW',
        });
        const done = await engines[side].queue.settled(queued.id);
        if (side === 'with') untilDone.push(Number(process.hrtime.bigint() - begin) / 1e6);
        // The entry is on disk before the send counts as finished here: what a command line waits for before it exits.
        if (side === 'with') await recorder.flush();
        times[side].push(Number(process.hrtime.bigint() - begin) / 1e6);
        if (done.state !== 'done') throw new Error(`send ${side} ${i}: ${done.state} ${done.error?.message ?? ''}`);
      }
    }
    await engines.without.shutdown();
    await engines.with.shutdown();
    client.close();
    const recorded = await new AuditTrail({ folder: join(work, 'engine-with', 'audit') }).verify();
    const m = { with: median(times.with), without: median(times.without) };
    console.log(`Send of a 64 KiB file through the engine, median of ${sendCount} each, alternating:`);
    console.log(`  without the audit recorder  ${m.without.toFixed(1)} ms`);
    console.log(`  with it, until "done"       ${median(untilDone).toFixed(1)} ms (the window: the entry is written just after)`);
    console.log(`  with it, entry on disk      ${m.with.toFixed(1)} ms (the command line waits for this before it exits)`);
    console.log(
      `  difference (entry on disk)  ${(m.with - m.without).toFixed(1)} ms (${(((m.with - m.without) / m.without) * 100).toFixed(1)} %)`,
    );
    console.log(`  trail: ${recorded.entries} entries, verifies: ${recorded.ok}`);
  } finally {
    sandbox.stop();
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
