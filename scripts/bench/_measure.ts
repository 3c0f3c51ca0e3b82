// Runs one measured operation in its own process and reports its wall time and
// peak resident memory, so the benchmark compares processes, not heaps.
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, openSync, readSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Measurement {
  seconds: number;
  peakRssMiB: number;
  /** User + system CPU time of the process: on a 2-core machine shared with the emulator, CPU is what competes. */
  cpuSeconds: number;
  output: string;
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
  options: { warm?: readonly string[] } = {},
): Promise<Measurement> {
  settleMachine(options.warm ?? []);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(root, '.bench', `${script}.mjs`), ...args], {
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
        const result = JSON.parse(line) as { seconds: number; maxRssKiB: number; cpuSeconds: number; output?: string };
        if (code !== 0) throw new Error(`exit ${code}`);
        resolve({
          seconds: result.seconds,
          peakRssMiB: result.maxRssKiB / 1024,
          cpuSeconds: result.cpuSeconds,
          output: result.output ?? '',
        });
      } catch (error) {
        reject(new Error(`${script} ${args.join(' ')} failed (${String(error)}):\n${stdout}\n${stderr}`));
      }
    });
  });
}

/** Prints a result line for measure(); call at the end of a measured script. */
export function report(startedAt: bigint, output = ''): void {
  const seconds = Number(process.hrtime.bigint() - startedAt) / 1e9;
  const usage = process.resourceUsage();
  const cpuSeconds = (usage.userCPUTime + usage.systemCPUTime) / 1e6;
  process.stdout.write(`${JSON.stringify({ seconds, maxRssKiB: usage.maxRSS, cpuSeconds, output })}\n`);
}
