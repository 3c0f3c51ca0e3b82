// The MESH emulator in its own process over mutual TLS (client certificates
// from a test PKI made for the run), as the transfer benchmarks use it; or over
// plain HTTP on loopback, as the first comparison was made.
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTestPki } from '../../test/support/pki';

export interface BenchSandbox {
  url: string;
  /** The folder the emulator stores messages in: <store>/chunks/<MESSAGE_ID>/<n>. */
  store: string;
  /** The MESH_* variables a runner needs to act as mailboxId (read by main/cli/connection.ts). */
  env(mailboxId: string): NodeJS.ProcessEnv;
  stop(): void;
}

const PASSWORD = 'password';
const SHARED_KEY = 'BenchKey';

/**
 * Starts `out/main/sandbox.mjs` with the given mailboxes (all with password "password") over mutual TLS, storing
 * messages on disk in `<work>/store`, or with `pattern` (a file of bytes) in the pattern store: bodies must be that
 * block repeated, and only their place in it is kept, so a 20 GiB message costs the emulator no disk. With `http`, it
 * serves plain HTTP on 127.0.0.1 and the runners connect without certificates.
 */
export async function startBenchSandbox(
  root: string,
  work: string,
  mailboxIds: readonly string[],
  options: { pattern?: string; http?: boolean } = {},
): Promise<BenchSandbox> {
  const pki = await createTestPki(join(work, 'pki'));
  const files = pki.files!;
  const mailboxes = join(work, 'pki', 'mailboxes.jsonl');
  writeFileSync(
    mailboxes,
    mailboxIds
      .map((id) => JSON.stringify({ mailbox_id: id, mailbox_name: `Bench ${id}`, ods_code: 'X26', org_code: 'X26', password: PASSWORD }))
      .join('\n'),
  );
  const store = join(work, 'store');
  const child = spawn(
    process.execPath,
    [
      join(root, 'out/main/sandbox.mjs'),
      '--port',
      '0',
      ...(options.http ? [] : ['--tls-cert', files.serverCert, '--tls-key', files.serverKey, '--client-ca', files.caCert]),
      '--mailboxes',
      mailboxes,
      '--store',
      options.pattern ? `pattern:${options.pattern}` : store,
      '--shared-key',
      SHARED_KEY,
      '--no-transfer-gzip',
    ],
    // Its per-message log goes to stderr: kept (the tail) for when it fails, not printed over the results.
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const stopping = { asked: false };
  const url = await waitForUrl(child, stopping);
  return {
    url,
    store,
    env: (mailboxId) => ({
      MESH_URL: url,
      MESH_MAILBOX: mailboxId,
      MESH_PASSWORD: PASSWORD,
      MESH_SHARED_KEY: SHARED_KEY,
      ...(options.http ? {} : { MESH_CERT: files.clientCert, MESH_KEY: files.clientKey, MESH_CA: files.caCert }),
    }),
    stop: () => {
      stopping.asked = true;
      child.kill('SIGTERM');
    },
  };
}

function waitForUrl(child: ChildProcess, stopping: { asked: boolean }): Promise<string> {
  let log = '';
  child.stderr!.on('data', (c: Buffer) => {
    log = (log + c.toString()).slice(-4000);
  });
  return new Promise((resolve, reject) => {
    let text = '';
    let found = false;
    child.stdout!.on('data', (c: Buffer) => {
      if (found) return;
      text += c.toString();
      const match = /(https?:\/\/127\.0\.0\.1:\d+)/.exec(text);
      if (match) {
        found = true;
        resolve(match[1]!);
      }
    });
    child.on('exit', (code, signal) => {
      if (!stopping.asked) process.stderr.write(`sandbox exited (${code ?? signal}):\n${text}\n${log}\n`);
      reject(new Error(`sandbox exited ${code ?? signal}`));
    });
  });
}
