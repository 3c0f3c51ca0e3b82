// The command line against the emulator over real TLS with client certificates.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import { spawn } from 'node:child_process';
import { COMMAND_MODULES } from '../../../main/cli/main';
import { EXIT } from '../../../main/cli/exit-codes';
import { startMeshFixture, type MeshFixture } from '../../support/mesh-fixture';
import { runInstalledCommand } from '../../support/installed-command';
import { COMMAND_LINE_V8_FLAGS } from '../../../main/cli/v8-flags';
import { cliNodeFlags } from '../../../scripts/bench/_measure';
import { serviceProgram } from '../../../main/cli/service-setup';

let mesh: MeshFixture;
let work: string;
const root = join(import.meta.dirname, '..', '..', '..');

async function waitUntil(condition: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

beforeAll(async () => {
  mesh = await startMeshFixture();
  work = mkdtempSync(join(tmpdir(), 'cli-test-'));
});
afterAll(async () => {
  await mesh.close();
});

// Through the installed app's own entry, as the packaged app routes its arguments.
const cli = runInstalledCommand;

describe('mesh-desktop on the command line', () => {
  it('handshakes with the mailbox certificate', async () => {
    const result = await cli(['handshake', '--json'], mesh.cliEnv('X26ABC1'));
    expect(result.code).toBe(EXIT.ok);
    expect(result.json()).toEqual({ ok: true, mailboxId: 'X26ABC1' });
  });

  it('sends a chunked, compressed file that arrives byte for byte, then tracks, lists, downloads and acknowledges it', async () => {
    const file = join(work, 'results.csv');
    const content = Buffer.concat([randomBytes(300_000), Buffer.alloc(700_000, 'a')]);
    writeFileSync(file, content);
    const sent = await cli(
      [
        'send',
        '--to',
        'X26ABC2',
        '--workflow',
        'TEST_WORKFLOW',
        '--subject',
        'Results',
        '--local-id',
        'batch-7',
        '--compress',
        '--checksum',
        '--chunk-size',
        '256KiB',
        file,
        '--json',
      ],
      mesh.cliEnv('X26ABC1'),
    );
    expect(sent.code, sent.err).toBe(EXIT.ok);
    const messageId = sent.json().messageId as string;

    const tracked = await cli(['track', messageId, '--json'], mesh.cliEnv('X26ABC1'));
    expect(tracked.json()).toMatchObject({ messageId, status: 'accepted', recipient: { mailboxId: 'X26ABC2' } });

    const listed = await cli(['inbox', '--json'], mesh.cliEnv('X26ABC2'));
    expect(listed.json().messageIds).toContain(messageId);

    const out = join(work, 'downloads');
    const downloaded = await cli(['download', messageId, '--out', out, '--json'], mesh.cliEnv('X26ABC2'));
    expect(downloaded.code, downloaded.err).toBe(EXIT.ok);
    expect(downloaded.json().path).toBe(join(out, 'results.csv'));
    expect(readFileSync(downloaded.json().path).equals(content)).toBe(true);
    expect(JSON.parse(readFileSync(downloaded.json().sidecar, 'utf8'))).toMatchObject({
      subject: 'Results',
      localId: 'batch-7',
      workflowId: 'TEST_WORKFLOW',
      checksum: `sha256:${createHash('sha256').update(content).digest('hex')}`,
      checksumResult: 'verified',
    });

    expect((await cli(['ack', messageId], mesh.cliEnv('X26ABC2'))).code).toBe(EXIT.ok);
    expect((await cli(['inbox', '--json'], mesh.cliEnv('X26ABC2'))).json().messageIds).not.toContain(messageId);
  });

  it('receives everything waiting: downloads, verifies, saves and acknowledges, then respects the 5-minute floor', async () => {
    const files = ['a.txt', 'b.txt', 'c.txt'].map((name, i) => {
      const path = join(work, name);
      writeFileSync(path, `message ${i}\n`.repeat(100));
      return path;
    });
    for (const file of files) {
      expect((await cli(['send', '--to', 'X27ABC3', '--workflow', 'TEST_WORKFLOW_ACK', file], mesh.cliEnv('X26ABC2'))).code).toBe(EXIT.ok);
    }
    const out = join(work, 'received');
    const received = await cli(['receive', '--out', out, '--json'], mesh.cliEnv('X27ABC3'));
    expect(received.code, received.err).toBe(EXIT.ok);
    const result = received.json() as { saved: { path: string }[] };
    expect(result.saved.map((s) => s.path).sort()).toEqual(files.map((f) => join(out, f.split('/').pop()!)).sort());
    for (const file of files) expect(readFileSync(join(out, file.split('/').pop()!)).equals(readFileSync(file))).toBe(true);
    expect(mesh.sandbox.inbox('X27ABC3')).toEqual([]);
    const again = await cli(['receive', '--out', out, '--json'], mesh.cliEnv('X27ABC3'));
    expect(again.json()).toMatchObject({ checked: false });
  });

  it('carries on an interrupted send when the same command runs again, without sending twice', async () => {
    const file = join(work, 'scan.pdf');
    writeFileSync(file, randomBytes(6 * 1024 * 1024));
    const env = { ...mesh.cliEnv('X26ABC1'), MESH_DESKTOP_DATA_DIR: join(work, 'resume-data') };
    const before = mesh.sandbox.outbox('X26ABC1').length;
    // Slow every later chunk down so the process is killed half-way through.
    mesh.sandbox.faults.add({ kind: 'delay', ms: 400, count: 'always', match: { method: 'POST', path: '/outbox/.+/\\d+$' } });
    const child = spawn(
      process.execPath,
      [join(root, 'bin/mesh-desktop.mjs'), 'send', '--to', 'X26ABC2', '--workflow', 'TEST_WORKFLOW', '--chunk-size', '1MiB', file],
      {
        env: { ...process.env, ...env },
        stdio: 'ignore',
      },
    );
    await waitUntil(
      () =>
        mesh.sandbox.outbox('X26ABC1').length > before &&
        (mesh.sandbox.message(mesh.sandbox.outbox('X26ABC1').at(-1)!)?.chunk_sizes['3'] ?? 0) > 0,
    );
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    mesh.sandbox.faults.clear();
    const rerun = await cli(['send', '--to', 'X26ABC2', '--workflow', 'TEST_WORKFLOW', '--chunk-size', '1MiB', file, '--json'], env);
    expect(rerun.code, rerun.err).toBe(EXIT.ok);
    expect(rerun.json()).toMatchObject({ ok: true, resumed: true });
    expect(mesh.sandbox.outbox('X26ABC1').length).toBe(before + 1);
    const message = mesh.sandbox.message(rerun.json().messageId)!;
    expect(message.events[0]?.status).toBe('accepted');
  }, 120_000);

  it('looks up a mailbox by ODS code and workflow, and searches a workflow', async () => {
    const found = await cli(['lookup', 'X26', 'TEST_WORKFLOW', '--json'], mesh.cliEnv('X26ABC1'));
    expect(found.json().results).toEqual([{ mailboxId: 'X26ABC2', mailboxName: 'County Hospital Pathology' }]);
    const search = await cli(['workflows', 'TEST_WORKFLOW_ACK'], mesh.cliEnv('X26ABC1'));
    expect(search.out).toMatch(/X26ABC1/);
    expect(search.out).toMatch(/X27ABC3/);
  });

  it('refuses secrets given as arguments', async () => {
    const result = await cli(['handshake', '--password', 'hunter2'], mesh.cliEnv('X26ABC1'));
    expect(result.code).toBe(EXIT.usage);
    expect(result.err).toMatch(/not accepted on the command line/);
  });

  it('says what is missing when the password is not set (usage exit code)', async () => {
    const env = { ...mesh.cliEnv('X26ABC1'), MESH_PASSWORD: undefined };
    const result = await cli(['handshake'], env);
    expect(result.code).toBe(EXIT.usage);
    expect(result.err).toMatch(/MESH_PASSWORD/);
  });

  it('exits with the authentication code for a wrong password', async () => {
    const result = await cli(['handshake', '--json'], { ...mesh.cliEnv('X26ABC1'), MESH_PASSWORD: 'wrong' });
    expect(result.code).toBe(EXIT.authentication);
    expect(result.json()).toMatchObject({ ok: false, error: { code: 'auth-failed' } });
  });

  it('exits with the authentication code when the certificate is from another CA', async () => {
    const env = { ...mesh.cliEnv('X26ABC1'), MESH_CERT: mesh.files.otherClientCert, MESH_KEY: mesh.files.otherClientKey };
    const result = await cli(['handshake', '--json'], env);
    expect(result.json()).toMatchObject({ ok: false, error: { code: 'client-certificate-rejected' } });
    expect(result.code).toBe(EXIT.authentication);
  });

  it('exits with the not-found code for a message that does not exist', async () => {
    const result = await cli(['download', 'NO_SUCH_MESSAGE', '--out', work, '--json'], mesh.cliEnv('X26ABC2'));
    expect(result.code).toBe(EXIT.notFound);
    expect(result.json().error.code).toBe('message-not-found');
  });

  it('exits with the transient code when the server stays busy', async () => {
    mesh.sandbox.faults.add({ kind: 'status', status: 503, count: 'always', match: { path: '/inbox' } });
    try {
      const result = await cli(['inbox', '--json'], { ...mesh.cliEnv('X26ABC2') });
      expect(result.code).toBe(EXIT.transient);
      expect(result.json().error.code).toBe('server-busy');
    } finally {
      mesh.sandbox.faults.clear();
    }
  }, 120_000);

  it('explains unknown commands and bad flags', async () => {
    expect((await cli(['fly'], {})).code).toBe(EXIT.usage);
    const bad = await cli(['inbox', '--bogus'], mesh.cliEnv('X26ABC1'));
    expect(bad.code).toBe(EXIT.usage);
    expect(bad.err).toMatch(/Usage: mesh-desktop inbox/);
  });

  // A shebang is how Linux and macOS start the command (npm's Windows shims read the same line).
  it.skipIf(process.platform === 'win32')(
    'starts through its own first line, with the heap flags the benchmark reads from it',
    async () => {
      // The bin must spell out the flags the installed app's wrapper and task give Electron (v8-flags.ts).
      expect(cliNodeFlags(root)).toEqual(COMMAND_LINE_V8_FLAGS);
      // A scheduled run from a checkout starts Node with the same flags (a unit cannot use the shebang).
      const unit = serviceProgram(
        '/usr/bin/node',
        ['/usr/bin/node', join(root, 'bin/mesh-desktop.mjs')],
        { node: '24.18.0' } as NodeJS.ProcessVersions,
        {},
      );
      expect(unit.args).toEqual([...cliNodeFlags(root), join(root, 'bin/mesh-desktop.mjs')]);
      const child = spawn(join(root, 'bin/mesh-desktop.mjs'), ['--version']);
      let out = '';
      child.stdout.on('data', (c: Buffer) => (out += c.toString()));
      const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
      expect(code).toBe(0);
      expect(out.trim()).toBe(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version);
    },
  );

  it('finds every command in the module it loads, and lists them all in the help', async () => {
    for (const module of COMMAND_MODULES) expect((await module.load()).map((c) => c.name)).toEqual(module.names);
    const help = await cli(['--help'], {});
    for (const name of COMMAND_MODULES.flatMap((m) => m.names)) expect(help.out).toMatch(new RegExp(`^  ${name} `, 'm'));
  });
});

describe('mesh-desktop mailbox and cert', () => {
  const keychainScoped = (extra: NodeJS.ProcessEnv = {}) => ({ ...mesh.cliEnv('X26ABC1'), ...extra });

  it('adds a mailbox with its certificate, lists it, tests it and removes it', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'cli-mailbox-'));
    writeFileSync(join(dataDir, 'settings.json'), JSON.stringify({ version: 1, mailboxes: [], extraCaFiles: [mesh.files.caCert] }));
    const added = await cli(
      [
        'mailbox',
        'add',
        '--env',
        'CUSTOM',
        '--url',
        mesh.sandbox.url,
        '--mailbox',
        'X26ABC1',
        '--name',
        'Riverside Surgery',
        '--cert',
        mesh.files.clientCert,
        '--key',
        mesh.files.clientKey,
        '--folder',
        join(dataDir, 'in'),
        '--data-dir',
        dataDir,
        '--json',
      ],
      keychainScoped(),
    );
    expect(added.code, added.err + added.out).toBe(EXIT.ok);
    expect(added.json()).toMatchObject({
      mailboxId: 'X26ABC1',
      displayName: 'Riverside Surgery',
      certificate: { subject: 'SERVER001.X26.api.mesh-client.nhs.uk' },
    });
    expect(readFileSync(join(dataDir, 'settings.json'), 'utf8')).not.toContain(mesh.cliEnv('X26ABC1').MESH_PASSWORD!);

    const listed = await cli(['mailbox', 'list', '--data-dir', dataDir], keychainScoped());
    expect(listed.out).toMatch(/X26ABC1\s+Riverside Surgery\s+CUSTOM/);

    const tested = await cli(['mailbox', 'test', 'X26ABC1', '--data-dir', dataDir, '--json'], keychainScoped());
    expect(tested.code, tested.out).toBe(EXIT.ok);
    expect(tested.json()).toMatchObject({ ok: true });

    // `cert password` is for a certificate IT's policy names; it reads the password only from the environment.
    const noPassword = await cli(['cert', 'password', 'X26ABC1', '--data-dir', dataDir], keychainScoped());
    expect(noPassword.code).toBe(EXIT.usage);
    expect(noPassword.err).toContain('MESH_KEY_PASSPHRASE');
    const imported = await cli(['cert', 'password', 'X26ABC1', '--data-dir', dataDir], {
      ...keychainScoped(),
      MESH_KEY_PASSPHRASE: 'anything',
    });
    expect(imported.code).not.toBe(EXIT.ok);
    expect(imported.err).toContain('Only a certificate your IT team set takes its password on its own');

    const removed = await cli(['mailbox', 'remove', 'x26abc1', '--data-dir', dataDir], keychainScoped());
    expect(removed.code).toBe(EXIT.ok);
    expect((await cli(['mailbox', 'list', '--data-dir', dataDir, '--json'], keychainScoped())).json()).toEqual([]);
  });

  it('inspects a certificate in plain words and checks its key and chain', async () => {
    const result = await cli(
      ['cert', 'inspect', '--cert', mesh.files.clientCert, '--key', mesh.files.clientKey, '--ca', mesh.files.caCert],
      {},
    );
    expect(result.code).toBe(EXIT.ok);
    expect(result.out).toMatch(/SERVER001\.X26\.api\.mesh-client\.nhs\.uk/);
    expect(result.out).toMatch(/Key matches\s+yes/);
    expect(result.out).toMatch(/Chain reaches the CA\s+yes/);
    const mismatch = await cli(['cert', 'inspect', '--cert', mesh.files.clientCert, '--key', mesh.files.otherClientKey], {});
    expect(mismatch.code).not.toBe(EXIT.ok);
  });

  it('makes a key and a certificate request with the subject NHS expects', async () => {
    const out = mkdtempSync(join(tmpdir(), 'cli-csr-'));
    const result = await cli(
      ['cert', 'csr', '--cn', 'SERVER001.X26.api.mesh-client.nhs.uk', '--out', out, '--data-dir', out, '--json'],
      {},
    );
    expect(result.code, result.err).toBe(EXIT.ok);
    const { csrPath, instructions } = result.json() as { csrPath: string; instructions: string };
    expect(readFileSync(csrPath, 'utf8')).toMatch(/BEGIN CERTIFICATE REQUEST/);
    expect(instructions).toMatch(/itoc\.supportdesk@nhs\.net/);
  });
});
