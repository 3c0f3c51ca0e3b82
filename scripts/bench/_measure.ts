// Runs one measured operation in its own process and reports its wall time and
// peak resident memory, so the benchmark compares processes, not heaps.
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, openSync, readFileSync, readSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PerformanceObserver, constants, type PerformanceEntry } from 'node:perf_hooks';

export interface Measurement {
  seconds: number;
  peakRssMiB: number;
  /** User + system CPU time of the process: on a 2-core machine shared with the emulator, CPU is what competes. */
  cpuSeconds: number;
  /** Full (mark-compact) garbage collections during the run: dozens per GB means V8's heap sizing is thrashing. */
  majorGcs: number;
  output: string;
}

/**
 * The flags `mesh-desktop` starts Node with: its bin's `#!/usr/bin/env -S node …` line. The benchmark runs the
 * command line's code in-process (to read its own peak memory), so it starts that process the same way.
 */
export function cliNodeFlags(root: string): string[] {
  const first = readFileSync(join(root, 'bin/mesh-desktop.mjs'), 'utf8').split('\n', 1)[0] ?? '';
  const match = /^#!\/usr\/bin\/env(?: -S)? node((?: --[\w-]+(?:=\S+)?)*)\s*$/.exec(first);
  if (!match) throw new Error(`bin/mesh-desktop.mjs starts with "${first}", not a node shebang the benchmark can read`);
  return (match[1] ?? '').split(' ').filter(Boolean);
}

/**
 * Every measured run starts from the same state of the machine: dirty pages written back, the page cache emptied
 * where the benchmark may (as root on Linux), and then the files the run reads put back in it. A GB-sized step
 * leaves GBs of dirty and cached pages behind; on a 2-core VM the next run paid for writing them back and for
 * reclaiming memory, and was up to 2× slower: the order of two runs, not their code, decided which looked faster.
 * Warming the inputs afterwards keeps a cold disk out of it too (the emulator reads a chunked message from many
 * files, a plain one from one).
 */
function settleMachine(warm: readonly string[]): void {
  if (process.platform === 'win32') return;
  spawnSync('sync');
  try {
    writeFileSync('/proc/sys/vm/drop_caches', '1');
  } catch {
    // Not root, or not Linux: synced is the best we can do.
  }
  const block = Buffer.allocUnsafe(4 * 1024 * 1024);
  for (const file of warm) {
    const fd = openSync(file, 'r');
    try {
      while (readSync(fd, block, 0, block.length, null) > 0);
    } finally {
      closeSync(fd);
    }
  }
}

/** Runs `.bench/<script>.mjs args…`; the script prints one JSON line with seconds and its own maxRSS. */
export function measure(
  root: string,
  script: string,
  args: string[],
  env: NodeJS.ProcessEnv = {},
  options: { warm?: readonly string[]; nodeFlags?: readonly string[] } = {},
): Promise<Measurement> {
  settleMachine(options.warm ?? []);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...(options.nodeFlags ?? []), join(root, '.bench', `${script}.mjs`), ...args], {
      cwd: root,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('exit', (code) => {
      const line = stdout.trim().split('\n').pop() ?? '';
      try {
        const result = JSON.parse(line) as { seconds: number; maxRssKiB: number; cpuSeconds: number; majorGcs: number; output?: string };
        if (code !== 0) throw new Error(`exit ${code}`);
        resolve({
          seconds: result.seconds,
          peakRssMiB: result.maxRssKiB / 1024,
          cpuSeconds: result.cpuSeconds,
          majorGcs: result.majorGcs,
          output: result.output ?? '',
        });
      } catch (error) {
        reject(new Error(`${script} ${args.join(' ')} failed (${String(error)}):\n${stdout}\n${stderr}`));
      }
    });
  });
}

let majorGcs = 0;
/** Counts full garbage collections from here on; call at the start of a measured script. */
export function watchGarbageCollection(): void {
  new PerformanceObserver((list) => {
    majorGcs += list
      .getEntries()
      .filter(
        (entry) => (entry as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR,
      ).length;
  }).observe({ entryTypes: ['gc'] });
}

/** Prints a result line for measure(); call at the end of a measured script. */
export async function report(startedAt: bigint, output = ''): Promise<void> {
  const seconds = Number(process.hrtime.bigint() - startedAt) / 1e9;
  const usage = process.resourceUsage();
  const cpuSeconds = (usage.userCPUTime + usage.systemCPUTime) / 1e6;
  // GC entries are delivered asynchronously: let the last ones arrive before counting.
  await new Promise((resolve) => setImmediate(resolve));
  process.stdout.write(`${JSON.stringify({ seconds, maxRssKiB: usage.maxRSS, cpuSeconds, majorGcs, output })}\n`);
}
