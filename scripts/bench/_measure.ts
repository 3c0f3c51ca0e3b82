// Runs one measured operation in its own process and reports its wall time and
// peak resident memory, so the benchmark compares processes, not heaps.
import { spawn } from 'node:child_process';
import { join } from 'node:path';

export interface Measurement {
  seconds: number;
  peakRssMiB: number;
  output: string;
}

/** Runs `.bench/<script>.mjs args…`; the script prints one JSON line with seconds and its own maxRSS. */
export function measure(root: string, script: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<Measurement> {
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
        const result = JSON.parse(line) as { seconds: number; maxRssKiB: number; output?: string };
        if (code !== 0) throw new Error(`exit ${code}`);
        resolve({ seconds: result.seconds, peakRssMiB: result.maxRssKiB / 1024, output: result.output ?? '' });
      } catch (error) {
        reject(new Error(`${script} ${args.join(' ')} failed (${String(error)}):\n${stdout}\n${stderr}`));
      }
    });
  });
}

/** Prints a result line for measure(); call at the end of a measured script. */
export function report(startedAt: bigint, output = ''): void {
  const seconds = Number(process.hrtime.bigint() - startedAt) / 1e9;
  process.stdout.write(`${JSON.stringify({ seconds, maxRssKiB: process.resourceUsage().maxRSS, output })}\n`);
}
