// Issue 3 benchmark: upload and download of 1 GB and 4 GB through the command
// line against the emulator over mutual TLS, beside a baseline measured in the
// same run (the same bytes streamed by a plain node:https request to the same
// server). Prints MB/s and peak RSS of each side.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync, openSync, writeSync, closeSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startBenchSandbox } from './_sandbox';
import { measure, type Measurement } from './_measure';
import { sha256OfFile } from './_files';

const { values } = parseArgs({
  options: { sizes: { type: 'string', default: '1,4' }, runs: { type: 'string', default: '1' } },
  strict: false,
});
const sizesGiB = String(values.sizes).split(',').map(Number);
const root = process.cwd();
const work = mkdtempSync(join(process.env.BENCH_DIR ?? tmpdir(), 'mesh-bench-'));
const MiB = 1024 * 1024;

/** A file of `bytes` from a repeated 8 MiB random block: incompressible to gzip's 32 KiB window. */
function makeFile(path: string, bytes: number): void {
  const block = randomBytes(8 * MiB);
  const fd = openSync(path, 'w');
  for (let written = 0; written < bytes;) {
    const n = Math.min(block.length, bytes - written);
    writeSync(fd, block, 0, n);
    written += n;
  }
  closeSync(fd);
}

const sandbox = await startBenchSandbox(root, work, ['X26ABC1', 'X26ABC2']);
const env = (mailbox: string) => ({ ...sandbox.env(mailbox), MESH_DESKTOP_DATA_DIR: join(work, 'cli-data') });

interface Row {
  size: string;
  operation: string;
  baseline: Measurement;
  app: Measurement;
  bytes: number;
}
const rows: Row[] = [];
const mbps = (bytes: number, m: Measurement) => bytes / 1e6 / m.seconds;

try {
  for (const gib of sizesGiB) {
    const bytes = Math.round(gib * 1024 * MiB);
    const source = join(work, `source-${gib}.bin`);
    makeFile(source, bytes);
    const sourceHash = await sha256OfFile(source);

    const baseUp = await measure(root, '_baseline', ['upload', sandbox.url, 'X26ABC1', source, 'X26ABC2'], env('X26ABC1'));
    const appUp = await measure(
      root,
      '_cli-run',
      ['send', '--to', 'X26ABC2', '--workflow', 'TEST_WORKFLOW', source, '--json'],
      env('X26ABC1'),
    );
    const appMessage = (JSON.parse(appUp.output) as { messageId: string }).messageId;
    rows.push({ size: `${gib} GiB`, operation: 'upload', baseline: baseUp, app: appUp, bytes });

    const baseFile = join(work, `baseline-${gib}.bin`);
    const baseDown = await measure(root, '_baseline', ['download', sandbox.url, 'X26ABC2', baseFile, baseUp.output], env('X26ABC2'));
    const appDown = await measure(root, '_cli-run', ['download', appMessage, '--out', join(work, `app-${gib}`), '--json'], env('X26ABC2'));
    const appFile = (JSON.parse(appDown.output) as { path: string }).path;
    rows.push({ size: `${gib} GiB`, operation: 'download', baseline: baseDown, app: appDown, bytes });

    for (const [label, path] of [
      ['baseline', baseFile],
      ['app', appFile],
    ] as const) {
      if (statSync(path).size !== bytes || (await sha256OfFile(path)) !== sourceHash)
        throw new Error(`${label} download of ${gib} GiB is not byte-identical`);
    }
    await measure(root, '_cli-run', ['ack', appMessage], env('X26ABC2'));
    await measure(root, '_cli-run', ['ack', baseUp.output], env('X26ABC2'));
    rmSync(source, { force: true });
    rmSync(baseFile, { force: true });
    rmSync(join(work, `app-${gib}`), { recursive: true, force: true });
  }
} finally {
  sandbox.stop();
}

console.log(
  'Transfers through `mesh-desktop` (75 MiB chunks, no compression) vs plain node:https, same server, same run; both verified byte-identical by SHA-256.\n',
);
console.log('size     operation  baseline MB/s  app MB/s  ratio   baseline peak RSS  app peak RSS');
for (const r of rows) {
  const base = mbps(r.bytes, r.baseline);
  const app = mbps(r.bytes, r.app);
  console.log(
    `${r.size.padEnd(8)} ${r.operation.padEnd(10)} ${base.toFixed(0).padStart(13)}  ${app.toFixed(0).padStart(8)}  ${(app / base).toFixed(2).padStart(5)}   ${r.baseline.peakRssMiB.toFixed(0).padStart(14)} MiB  ${r.app.peakRssMiB.toFixed(0).padStart(8)} MiB`,
  );
}
const worstRatio = Math.min(...rows.map((r) => mbps(r.bytes, r.app) / mbps(r.bytes, r.baseline)));
const worstRss = Math.max(...rows.map((r) => r.app.peakRssMiB));
console.log(
  `\nWorst throughput ratio ${worstRatio.toFixed(2)} (target ≥ 0.80); worst app peak RSS ${worstRss.toFixed(0)} MiB (target < 200 MiB).`,
);
writeFileSync(join(root, '.bench', 'transfer-results.json'), JSON.stringify({ at: new Date().toISOString(), rows }, null, 2));
rmSync(work, { recursive: true, force: true });
