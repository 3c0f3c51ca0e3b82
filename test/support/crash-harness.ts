/**
 * Runs a crash test's child script: bundled once with esbuild (so it runs
 * under plain node, outside vitest), started with its configuration as JSON in
 * an environment variable, killed with SIGKILL a chosen time after it reports
 * it started, and its JSON output lines handed to the test. Each domain keeps
 * its own child script; test/support/crash-child.ts is their side of this.
 */
import { spawn } from 'node:child_process';
import { mkdir, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { createInterface } from 'node:readline';
import { build } from 'esbuild';
import type { ChildConnection } from './crash-child';
import type { MeshFixture } from './mesh-fixture';

/** One line the child printed (see crash-child's report). */
export type ChildMessage = Record<string, unknown>;

export interface ChildRunOptions {
  /** SIGKILL this long after the child's {"started":true} line; undefined lets it run to its end. */
  killAfterMs: number | undefined;
  /** The line that says the child finished its work: without one, a clean exit is a failure. */
  isResult(message: ChildMessage): boolean;
  /** Every line, as it arrives. */
  onMessage?(message: ChildMessage): void;
}

export interface CrashHarness {
  /** Runs the child once: killed true when SIGKILL ended it; rejects when it failed on its own, with its stderr. */
  run(config: Record<string, unknown>, options: ChildRunOptions): Promise<{ killed: boolean }>;
  /** Removes the bundled script. */
  close(): Promise<void>;
}

/** How a child reaches the fixture's emulator as `mailboxId`: its URL, credentials and certificate files. */
export function childConnection(fixture: MeshFixture, mailboxId: string): ChildConnection {
  return {
    baseUrl: fixture.sandbox.url,
    mailboxId,
    password: fixture.clientOptions(mailboxId).password,
    sharedKey: fixture.sharedKey,
    clientCertFile: fixture.files.clientCert,
    clientKeyFile: fixture.files.clientKey,
    caCertFile: fixture.files.caCert,
  };
}

/** Bundles `entry` (a path from the repository root) and returns a harness that runs it with its config in `configVariable`. */
export async function startCrashHarness(entry: string, configVariable: string): Promise<CrashHarness> {
  // Bundled where node finds the repository's packages (node_modules/.cache is ignored by git).
  const cache = join(process.cwd(), 'node_modules', '.cache', 'mesh-desktop-tests');
  await mkdir(cache, { recursive: true });
  const script = join(cache, `${basename(entry, '.ts')}-${process.pid}-${Date.now()}.mjs`);
  await build({
    entryPoints: [join(process.cwd(), entry)],
    outfile: script,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    logLevel: 'warning',
  });
  return {
    run(config, options) {
      const child = spawn(process.execPath, [script], {
        env: { ...process.env, [configVariable]: JSON.stringify(config) },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (data: Buffer) => {
        stderr += data.toString();
      });
      let finished = false;
      let timer: NodeJS.Timeout | undefined;
      createInterface({ input: child.stdout }).on('line', (line) => {
        const message = JSON.parse(line) as ChildMessage;
        if (message.started === true && options.killAfterMs !== undefined) {
          timer = setTimeout(() => child.kill('SIGKILL'), options.killAfterMs);
        }
        if (options.isResult(message)) finished = true;
        options.onMessage?.(message);
      });
      return new Promise((resolve, reject) => {
        child.once('exit', (code, signal) => {
          clearTimeout(timer);
          if (signal === 'SIGKILL') resolve({ killed: true });
          else if (code === 0 && finished) resolve({ killed: false });
          else reject(new Error(`child exited with ${code ?? signal}: ${stderr}`));
        });
      });
    },
    close: () => rm(script, { force: true }),
  };
}
