// Issue 4 benchmark: the transfer engine (main/transfers TransferEngine with a
// MeshTransferClient) against the bare protocol client (main/mesh/client.ts
// MeshClient), same emulator (own process, mutual TLS, no transfer gzip), same
// run. Every measured operation runs in its own process (_engine-run.ts,
// _client-run.ts) reporting wall time and peak RSS.
//   a. many small messages sent, then received (downloaded + acknowledged): messages/s
//   b. one large upload: MB/s and peak RSS
// Correctness is checked (byte equality by SHA-256); nothing else is asserted.
//   npm run bench -- engine [--messages 1000] [--size 4] [--runs 2] [--only small|large]
import { randomBytes, createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { open, rename } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { makeLargeFile, sha256OfConcatenation, sha256OfFile, storedChunkFiles } from './_files';
import { measure, type Measurement } from './_measure';
import { startBenchSandbox, type BenchSandbox } from './_sandbox';

const { values } = parseArgs({
  options: {
    messages: { type: 'string', default: '1000' },
    size: { type: 'string', default: '4' },
    runs: { type: 'string', default: '2' },
    only: { type: 'string' },
  },
  strict: false,
});
const messageCount = Number(values.messages);
const largeGiB = Number(values.size);
const runs = Number(values.runs);
const only = values.only as 'small' | 'large' | undefined;
const root = process.cwd();
const work = mkdtempSync(join(process.env.BENCH_DIR ?? tmpdir(), 'mesh-bench-engine-'));
const MiB = 1024 * 1024;

const SENDER = 'X26ABC1';
/** Each side receives from its own mailbox, so neither sees the other's messages. */
const ENGINE_INBOX = 'X26ABC2';
const CLIENT_INBOX = 'X26ABC3';
/** Large uploads land here and are never received (their stored chunks are deleted once checked). */
const LARGE_INBOX = 'X26ABC4';

type Side = 'client' | 'engine' | 'engine-no-checksum';

interface SmallRow {
  run: number;
  operation: 'send' | 'receive';
  side: Side;
  messages: number;
  measurement: Measurement;
}

interface LargeRow {
  run: number;
  side: Side;
  bytes: number;
  measurement: Measurement;
}

interface RunnerOutput {
  sent?: number;
  listed?: number;
  received?: number;
  messageId?: string;
  savedPaths?: string[];
  failed: string[];
}

function parseOutput(m: Measurement, what: string): RunnerOutput {
  const output = JSON.parse(m.output) as RunnerOutput;
  if (output.failed.length > 0) throw new Error(`${what}: ${output.failed.length} failed, e.g. ${output.failed[0]}`);
  return output;
}

/** Writes `count` files of 1–4 KiB of random bytes into folder; returns the sorted SHA-256s of their contents. */
function makeSmallFiles(folder: string, count: number): string[] {
  mkdirSync(folder, { recursive: true });
  const hashes: string[] = [];
  for (let i = 0; i < count; i++) {
    const content = randomBytes(1024 + Math.floor(Math.random() * 3 * 1024 + 1));
    writeFileSync(join(folder, `message-${String(i).padStart(5, '0')}.dat`), content);
    hashes.push(createHash('sha256').update(content).digest('hex'));
  }
  return hashes.sort();
}

/** Throws unless the received files hold exactly the sent contents (as a multiset, since names differ by side). */
async function checkReceived(paths: readonly string[], expectedSorted: readonly string[], what: string): Promise<void> {
  const got = (await Promise.all(paths.map((p) => sha256OfFile(p)))).sort();
  if (got.length !== expectedSorted.length || got.some((hash, i) => hash !== expectedSorted[i])) {
    throw new Error(`${what}: the ${got.length} received files are not byte-identical to the ${expectedSorted.length} sent`);
  }
}

/** Throws unless the emulator stored exactly the source bytes for messageId; then frees the disk space. */
async function checkStored(sandbox: BenchSandbox, messageId: string, source: { sha256: string; bytes: number }, what: string) {
  const chunks = await storedChunkFiles(sandbox.store, messageId);
  const stored = await sha256OfConcatenation(chunks);
  if (stored.bytes !== source.bytes || stored.sha256 !== source.sha256) {
    throw new Error(`${what}: MESH holds ${stored.bytes} bytes that are not byte-identical to the ${source.bytes} sent`);
  }
  // Nobody receives these: drop the chunks so repeated 4 GiB runs do not fill the disk.
  rmSync(join(sandbox.store, 'chunks', messageId), { recursive: true, force: true });
}

async function smallRound(sandbox: BenchSandbox, run: number, folder: string, hashes: string[], rows: SmallRow[]): Promise<void> {
  // Alternate who goes first, so a warming cache or a busy neighbour does not always favour one side.
  const sides: Side[] = run % 2 === 1 ? ['client', 'engine'] : ['engine', 'client'];
  for (const side of sides) {
    const inbox = side === 'client' ? CLIENT_INBOX : ENGINE_INBOX;
    const state = join(work, `state-${run}-${side}-send`);
    const args = side === 'client' ? ['send-many', folder, inbox] : ['send-many', folder, inbox, state];
    const m = await measure(root, side === 'client' ? '_client-run' : '_engine-run', args, sandbox.env(SENDER));
    const out = parseOutput(m, `${side} send`);
    if (out.sent !== hashes.length) throw new Error(`${side} send: ${out.sent} of ${hashes.length} sent`);
    rows.push({ run, operation: 'send', side, messages: hashes.length, measurement: m });
  }
  for (const side of sides) {
    const inbox = side === 'client' ? CLIENT_INBOX : ENGINE_INBOX;
    const downloads = join(work, `received-${run}-${side}`);
    mkdirSync(downloads, { recursive: true });
    const state = join(work, `state-${run}-${side}-receive`);
    const args = side === 'client' ? ['receive-all', downloads] : ['receive-all', downloads, state];
    const m = await measure(root, side === 'client' ? '_client-run' : '_engine-run', args, sandbox.env(inbox));
    const out = parseOutput(m, `${side} receive`);
    if (out.listed !== hashes.length || out.received !== hashes.length) {
      throw new Error(`${side} receive: listed ${out.listed}, received ${out.received}, expected ${hashes.length}`);
    }
    await checkReceived(out.savedPaths ?? [], hashes, `${side} receive`);
    rows.push({ run, operation: 'receive', side, messages: hashes.length, measurement: m });
    rmSync(downloads, { recursive: true, force: true });
  }
}

async function largeRound(
  sandbox: BenchSandbox,
  run: number,
  source: string,
  sourceHash: { sha256: string; bytes: number },
  rows: LargeRow[],
): Promise<void> {
  const sides: Side[] = run % 2 === 1 ? ['client', 'engine', 'engine-no-checksum'] : ['engine-no-checksum', 'engine', 'client'];
  for (const side of sides) {
    const state = join(work, `state-${run}-${side}-large`);
    const args =
      side === 'client'
        ? ['send', source, LARGE_INBOX]
        : ['send', source, LARGE_INBOX, state, ...(side === 'engine-no-checksum' ? ['--no-checksum'] : [])];
    const m = await measure(root, side === 'client' ? '_client-run' : '_engine-run', args, sandbox.env(SENDER));
    const out = parseOutput(m, `${side} large send`);
    if (!out.messageId) throw new Error(`${side} large send: no message id`);
    await checkStored(sandbox, out.messageId, sourceHash, `${side} large send`);
    rows.push({ run, side, bytes: sourceHash.bytes, measurement: m });
    rmSync(state, { recursive: true, force: true });
  }
}

/**
 * Median milliseconds of one atomic small-file write as the app makes them for
 * sidecars and for the journal's per-transfer files (write, fsync, rename,
 * fsync of the folder), so the engine's figures can be read against what this
 * disk charges for durability right now.
 */
async function atomicWriteMs(folder: string, samples: number): Promise<number> {
  mkdirSync(folder, { recursive: true });
  const times: number[] = [];
  const body = JSON.stringify({ padding: 'x'.repeat(2000) });
  for (let i = 0; i < samples; i++) {
    const started = process.hrtime.bigint();
    const file = await open(join(folder, 'record.json.tmp'), 'w');
    await file.writeFile(body);
    await file.sync();
    await file.close();
    await rename(join(folder, 'record.json.tmp'), join(folder, 'record.json'));
    const dir = await open(folder, 'r');
    await dir.sync();
    await dir.close();
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)]!;
}

const perSecond = (n: number, m: Measurement) => n / m.seconds;
const mbps = (bytes: number, m: Measurement) => bytes / 1e6 / m.seconds;
const pad = (value: string, width: number) => value.padStart(width);
/** A measurement without the runner's output (which lists every received file). */
const timing = (m: Measurement) => ({ seconds: m.seconds, peakRssMiB: m.peakRssMiB });
const mib = (m: Measurement) => `${m.peakRssMiB.toFixed(0)} MiB`;

function printSmall(rows: SmallRow[]): void {
  console.log(
    `\na. ${messageCount} small messages (1–4 KiB each), 3 at once on each side, ${SENDER} → own inbox, then received (downloaded + acknowledged).`,
  );
  console.log(
    '   The engine journals every step durably (a flushed line of its journal, shared by saves made at once) and checksums each file; that cost is real and is in its figure.',
  );
  console.log(
    '   Engine receive = the app’s inbox check: handshake, list, HEAD of each new message into the inbox cache, then queued downloads (verify, place, sidecar, acknowledge).',
  );
  console.log('   Bare client receive = list, then download to a file and acknowledge each.\n');
  console.log('run  operation  bare client msg/s  engine msg/s  ratio   bare client peak RSS  engine peak RSS');
  for (const run of [...new Set(rows.map((r) => r.run))]) {
    for (const operation of ['send', 'receive'] as const) {
      const client = rows.find((r) => r.run === run && r.operation === operation && r.side === 'client');
      const engine = rows.find((r) => r.run === run && r.operation === operation && r.side === 'engine');
      if (!client || !engine) continue;
      const c = perSecond(client.messages, client.measurement);
      const e = perSecond(engine.messages, engine.measurement);
      console.log(
        `${pad(String(run), 3)}  ${operation.padEnd(9)}  ${pad(c.toFixed(0), 17)}  ${pad(e.toFixed(0), 12)}  ${pad((e / c).toFixed(2), 5)}   ${pad(mib(client.measurement), 20)}  ${pad(mib(engine.measurement), 15)}`,
      );
    }
  }
}

function printLarge(rows: LargeRow[]): void {
  console.log(
    `\nb. One ${largeGiB} GiB upload (75 MiB chunks, no compression) to the emulator; stored bytes checked by SHA-256 afterwards.`,
  );
  console.log('   engine = app defaults (SHA-256 of the whole file before the first chunk, a flushed journal line per chunk);');
  console.log('   engine, no checksum = the same with checksums off, to show what the read-ahead hash costs.\n');
  console.log('run  bare client MB/s  engine MB/s  ratio  engine no-checksum MB/s  ratio   peak RSS: client  engine  no-checksum');
  for (const run of [...new Set(rows.map((r) => r.run))]) {
    const get = (side: Side) => rows.find((r) => r.run === run && r.side === side);
    const client = get('client');
    const engine = get('engine');
    const bare = get('engine-no-checksum');
    if (!client || !engine || !bare) continue;
    const c = mbps(client.bytes, client.measurement);
    const e = mbps(engine.bytes, engine.measurement);
    const n = mbps(bare.bytes, bare.measurement);
    console.log(
      `${pad(String(run), 3)}  ${pad(c.toFixed(0), 16)}  ${pad(e.toFixed(0), 11)}  ${pad((e / c).toFixed(2), 5)}  ${pad(n.toFixed(0), 23)}  ${pad((n / c).toFixed(2), 5)}   ${pad(mib(client.measurement), 16)}  ${pad(mib(engine.measurement), 6)}  ${pad(mib(bare.measurement), 11)}`,
    );
  }
}

const loadAtStart = loadavg()[0]!;
const sandbox = await startBenchSandbox(root, work, [SENDER, ENGINE_INBOX, CLIENT_INBOX, LARGE_INBOX]);
const smallRows: SmallRow[] = [];
const largeRows: LargeRow[] = [];
const atomicWrites: number[] = [];
try {
  if (only !== 'large') {
    atomicWrites.push(await atomicWriteMs(join(work, 'fsync-probe'), 100));
    const folder = join(work, 'small');
    const hashes = makeSmallFiles(folder, messageCount);
    for (let run = 1; run <= runs; run++) await smallRound(sandbox, run, folder, hashes, smallRows);
    atomicWrites.push(await atomicWriteMs(join(work, 'fsync-probe'), 100));
  }
  if (only !== 'small') {
    const source = join(work, `source-${largeGiB}.bin`);
    const bytes = Math.round(largeGiB * 1024 * MiB);
    await makeLargeFile(source, bytes);
    const sourceHash = { sha256: await sha256OfFile(source), bytes };
    for (let run = 1; run <= runs; run++) await largeRound(sandbox, run, source, sourceHash, largeRows);
  }
} finally {
  sandbox.stop();
  // Failed or not, a run must not leave gigabytes behind in the temp folder.
  rmSync(work, { recursive: true, force: true });
}

const loadAtEnd = loadavg()[0]!;
console.log(
  'Transfer engine vs bare MeshClient, same emulator (mutual TLS, no transfer gzip), same run; each operation in its own process.',
);
console.log(
  `The machine is shared (${cpus().length} cores): 1-minute load average ${loadAtStart.toFixed(1)} at the start, ${loadAtEnd.toFixed(1)} at the end.`,
);
if (smallRows.length > 0) {
  printSmall(smallRows);
  console.log(
    `\n   This disk, same run: one atomic small-file write (write, fsync, rename, fsync folder: a sidecar, a journal record's own file) took a median ${atomicWrites.map((ms) => `${ms.toFixed(1)} ms`).join(' before and ')} after the small-message rounds.`,
  );
}
if (largeRows.length > 0) printLarge(largeRows);
writeFileSync(
  join(root, '.bench', 'engine-results.json'),
  JSON.stringify(
    {
      at: new Date().toISOString(),
      messages: messageCount,
      atomicWriteMedianMs: atomicWrites,
      loadAverage: { start: loadAtStart, end: loadAtEnd },
      largeBytes: Math.round(largeGiB * 1024 * MiB),
      small: smallRows.map((r) => ({ ...r, measurement: timing(r.measurement), messagesPerSecond: perSecond(r.messages, r.measurement) })),
      large: largeRows.map((r) => ({ ...r, measurement: timing(r.measurement), megabytesPerSecond: mbps(r.bytes, r.measurement) })),
    },
    null,
    2,
  ),
);
