// Issue 3 benchmark: upload and download of 1 GB and 4 GB through the command
// line against the emulator over mutual TLS, beside a baseline measured in the
// same run (the same bytes streamed by a plain node:https request to the same
// server). Prints MB/s, CPU and peak RSS of each side.
//   npm run bench -- transfer [--sizes 1,4] [--runs 3]
//
// This machine's throughput swings by 2× from minute to minute (a shared VM
// whose page-cache writes cost a varying amount of CPU), so each size is
// measured over several rounds, baseline and app back to back within a round
// and their order alternating between rounds; the table gives medians, and the
// ratio is the median of each round's own ratio.
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startBenchSandbox } from './_sandbox';
import { measure, type Measurement } from './_measure';
import { makeLargeFile, sha256OfFile, storedChunkFiles } from './_files';

const { values } = parseArgs({
  options: { sizes: { type: 'string', default: '1,4' }, runs: { type: 'string', default: '3' } },
  strict: false,
});
const sizesGiB = String(values.sizes).split(',').map(Number);
const runs = Math.max(1, Number(values.runs));
const root = process.cwd();
const work = mkdtempSync(join(process.env.BENCH_DIR ?? tmpdir(), 'mesh-bench-'));
const MiB = 1024 * 1024;
const SENDER = 'X26ABC1';
const RECIPIENT = 'X26ABC2';

const sandbox = await startBenchSandbox(root, work, [SENDER, RECIPIENT]);
const env = (mailbox: string) => ({ ...sandbox.env(mailbox), MESH_DESKTOP_DATA_DIR: join(work, 'cli-data') });
const cli = (mailbox: string, args: string[], warm: readonly string[] = []) => measure(root, '_cli-run', args, env(mailbox), { warm });
/** What a download reads: the emulator's stored chunk files of the message. */
const stored = (messageId: string) => storedChunkFiles(sandbox.store, messageId);

type Operation = 'upload' | 'download' | 'upload --checksum' | 'download, checksum verified';
/** The rows the target applies to; the checksum rows show what the opt-in costs. */
const TARGET_ROWS: readonly Operation[] = ['upload', 'download'];

interface Round {
  size: number;
  operation: Operation;
  baseline: Measurement;
  app: Measurement;
}
const rounds: Round[] = [];

/** Acknowledges a message and frees the emulator's disk. */
async function finish(messageId: string): Promise<void> {
  await cli(RECIPIENT, ['ack', messageId]);
  rmSync(join(sandbox.store, 'chunks', messageId), { recursive: true, force: true });
}

async function checkIdentical(label: string, path: string, bytes: number, sha256: string): Promise<void> {
  if (statSync(path).size !== bytes || (await sha256OfFile(path)) !== sha256)
    throw new Error(`${label} is not byte-identical to the source`);
  rmSync(path, { force: true });
}

try {
  for (const gib of sizesGiB) {
    const bytes = Math.round(gib * 1024 * MiB);
    const source = join(work, `source-${gib}.bin`);
    await makeLargeFile(source, bytes);
    const sourceHash = await sha256OfFile(source);
    for (let round = 0; round < runs; round++) {
      const appFirst = round % 2 === 1;
      const pair = async (operation: Operation, baseline: () => Promise<Measurement>, app: () => Promise<Measurement>) => {
        const first = appFirst ? await app() : await baseline();
        const second = appFirst ? await baseline() : await app();
        const result = appFirst ? { baseline: second, app: first } : { baseline: first, app: second };
        rounds.push({ size: bytes, operation, ...result });
        return result;
      };

      const up = await pair(
        'upload',
        () => measure(root, '_baseline', ['upload', sandbox.url, SENDER, source, RECIPIENT], env(SENDER), { warm: [source] }),
        () => cli(SENDER, ['send', '--to', RECIPIENT, '--workflow', 'TEST_WORKFLOW', source, '--json'], [source]),
      );
      const baselineMessage = up.baseline.output;
      const appMessage = (JSON.parse(up.app.output) as { messageId: string }).messageId;
      const baseFile = join(work, `baseline-${gib}.bin`);
      const appFolder = join(work, `app-${gib}`);
      const down = await pair(
        'download',
        async () =>
          measure(root, '_baseline', ['download', sandbox.url, RECIPIENT, baseFile, baselineMessage], env(RECIPIENT), {
            warm: await stored(baselineMessage),
          }),
        async () => cli(RECIPIENT, ['download', appMessage, '--out', appFolder, '--json'], await stored(appMessage)),
      );
      await checkIdentical(`baseline download of ${gib} GiB`, baseFile, bytes, sourceHash);
      await checkIdentical(`app download of ${gib} GiB`, (JSON.parse(down.app.output) as { path: string }).path, bytes, sourceHash);
      rmSync(appFolder, { recursive: true, force: true });
      await finish(appMessage);

      // The opt-in checksum: one more read of the file before sending, and a hash of what arrives.
      const checkedUp = await pair(
        'upload --checksum',
        () => measure(root, '_baseline', ['upload', sandbox.url, SENDER, source, RECIPIENT], env(SENDER), { warm: [source] }),
        () => cli(SENDER, ['send', '--to', RECIPIENT, '--workflow', 'TEST_WORKFLOW', '--checksum', source, '--json'], [source]),
      );
      const checkedMessage = (JSON.parse(checkedUp.app.output) as { messageId: string }).messageId;
      const checkedDown = await pair(
        'download, checksum verified',
        async () =>
          measure(root, '_baseline', ['download', sandbox.url, RECIPIENT, baseFile, baselineMessage], env(RECIPIENT), {
            warm: await stored(baselineMessage),
          }),
        async () => cli(RECIPIENT, ['download', checkedMessage, '--out', appFolder, '--json'], await stored(checkedMessage)),
      );
      await checkIdentical(`baseline download of ${gib} GiB`, baseFile, bytes, sourceHash);
      const checkedPath = (JSON.parse(checkedDown.app.output) as { path: string }).path;
      const sidecar = JSON.parse(readFileSync(`${checkedPath}.mesh.json`, 'utf8')) as { checksumResult?: string };
      if (sidecar.checksumResult !== 'verified')
        throw new Error(`the --checksum message was saved as "${sidecar.checksumResult}", not verified`);
      await checkIdentical(`app download (checksum) of ${gib} GiB`, checkedPath, bytes, sourceHash);
      rmSync(appFolder, { recursive: true, force: true });
      await finish(checkedMessage);
      await finish(up.baseline.output);
      await finish(checkedUp.baseline.output);
    }
    rmSync(source, { force: true });
  }
} finally {
  sandbox.stop();
  // Several GB per size: never left behind, even when a run fails.
  rmSync(work, { recursive: true, force: true });
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};
const mbps = (bytes: number, m: Measurement) => bytes / 1e6 / m.seconds;

interface Row {
  size: string;
  operation: Operation;
  baselineMBps: number;
  appMBps: number;
  ratio: number;
  ratios: number[];
  baselineCpuSeconds: number;
  appCpuSeconds: number;
  baselinePeakRssMiB: number;
  appPeakRssMiB: number;
}
const rows: Row[] = [];
for (const size of [...new Set(rounds.map((r) => r.size))]) {
  for (const operation of [...new Set(rounds.map((r) => r.operation))]) {
    const mine = rounds.filter((r) => r.size === size && r.operation === operation);
    if (mine.length === 0) continue;
    const ratios = mine.map((r) => mbps(size, r.app) / mbps(size, r.baseline));
    rows.push({
      size: `${(size / 1024 / MiB).toString()} GiB`,
      operation,
      baselineMBps: median(mine.map((r) => mbps(size, r.baseline))),
      appMBps: median(mine.map((r) => mbps(size, r.app))),
      ratio: median(ratios),
      ratios,
      baselineCpuSeconds: median(mine.map((r) => r.baseline.cpuSeconds)),
      appCpuSeconds: median(mine.map((r) => r.app.cpuSeconds)),
      baselinePeakRssMiB: Math.max(...mine.map((r) => r.baseline.peakRssMiB)),
      appPeakRssMiB: Math.max(...mine.map((r) => r.app.peakRssMiB)),
    });
  }
}

console.log(
  `Transfers through \`mesh-desktop\` (75 MiB chunks, no compression) vs plain node:https, same server; ${runs} rounds per size, medians; ` +
    `every file verified byte-identical by SHA-256. Load average at the end: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}.\n`,
);
console.log(
  'size   operation                    baseline MB/s  app MB/s  ratio (each round)         baseline CPU s  app CPU s  baseline peak RSS  app peak RSS',
);
for (const r of rows) {
  console.log(
    `${r.size.padEnd(6)} ${r.operation.padEnd(28)} ${r.baselineMBps.toFixed(0).padStart(13)}  ${r.appMBps.toFixed(0).padStart(8)}  ${r.ratio.toFixed(2)} (${r.ratios.map((x) => x.toFixed(2)).join(' ')})`.padEnd(
      98,
    ) +
      `${r.baselineCpuSeconds.toFixed(2).padStart(14)}  ${r.appCpuSeconds.toFixed(2).padStart(9)}  ${r.baselinePeakRssMiB.toFixed(0).padStart(13)} MiB  ${r.appPeakRssMiB.toFixed(0).padStart(8)} MiB`,
  );
}
const targetRows = rows.filter((r) => TARGET_ROWS.includes(r.operation));
const worstRatio = Math.min(...targetRows.map((r) => r.ratio));
const worstRss = Math.max(...rows.map((r) => r.appPeakRssMiB));
console.log(
  `\nWorst median throughput ratio of the default upload and download ${worstRatio.toFixed(2)} (target ≥ 0.80); ` +
    `worst app peak RSS ${worstRss.toFixed(0)} MiB (target < 200 MiB). The --checksum rows are shown for what the opt-in costs.`,
);
writeFileSync(join(root, '.bench', 'transfer-results.json'), JSON.stringify({ at: new Date().toISOString(), runs, rows }, null, 2));
