#!/usr/bin/env node
// `npm run bench [-- NAME…] [-- --sizes 1,4]`: builds the app and the benchmark
// scripts, then runs them. Benchmarks measure; tests never time anything.
//   transfer  issue 3: send/download through the command line vs plain https
//   engine    issue 4: the transfer engine vs the bare protocol client
//   inbox     issue 6: rendering and scrolling a 5,000-message inbox
//   audit     issue 22: audit entries appended per second; a send with and without the audit recorder
//   activity  issue 22: the Activity view opening, filtering and scrolling a 100,000-entry trail
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, '.bench');
mkdirSync(out, { recursive: true });

const available = readdirSync(join(root, 'scripts/bench'))
  .filter((f) => f.endsWith('.ts') && !f.startsWith('_'))
  .map((f) => f.replace(/\.ts$/, ''));
const args = process.argv.slice(2);
const chosen = args.filter((a) => !a.startsWith('--') && available.includes(a));
const passThrough = args.filter((a) => !chosen.includes(a));
const names = chosen.length > 0 ? chosen : available;

if (!existsSync(join(root, 'out/main/cli.mjs')) || process.env.BENCH_REBUILD !== '0') {
  const built = spawnSync(process.execPath, [join(root, 'scripts/build.mjs')], { stdio: 'inherit', cwd: root });
  if (built.status !== 0) process.exit(built.status ?? 1);
}
await build({
  absWorkingDir: root,
  entryPoints: Object.fromEntries(
    readdirSync(join(root, 'scripts/bench'))
      .filter((f) => f.endsWith('.ts'))
      .map((f) => [f.replace(/\.ts$/, ''), join('scripts/bench', f)]),
  ),
  outdir: out,
  outExtension: { '.js': '.mjs' },
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node24',
  packages: 'external',
  define: { __APP_VERSION__: '"bench"' },
  logLevel: 'warning',
});

let failed = false;
for (const name of names) {
  console.log(`\n### Benchmark: ${name}\n`);
  const run = spawnSync(process.execPath, [join(out, `${name}.mjs`), ...passThrough], { stdio: 'inherit', cwd: root });
  if (run.status !== 0) failed = true;
}
process.exit(failed ? 1 : 0);
