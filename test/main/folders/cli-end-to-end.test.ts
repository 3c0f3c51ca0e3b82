// Moving from the Java MESH Client to MESH Desktop with the real command line:
// import meshclient.cfg, import the certificate, run folder mode headless,
// check its health, drop a message in OUT and find it at the recipient.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startMeshFixture, SHARED_KEY, type MeshFixture } from '../../support/mesh-fixture';

const root = join(import.meta.dirname, '..', '..', '..');
let mesh: MeshFixture;
let work: string;
let service: ChildProcess | undefined;

/** Runs the real command line. Asynchronously: the emulator answering it lives in this process. */
function cli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(root, 'bin/mesh-desktop.mjs'), ...args, '--data-dir', join(work, 'data')], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('exit', (status) => resolve({ status, stdout, stderr }));
  });
}

async function waitFor<T>(check: () => T | undefined, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

beforeAll(async () => {
  mesh = await startMeshFixture();
  work = mkdtempSync(join(tmpdir(), 'folder-cli-'));
  mkdirSync(join(work, 'data'));
  // The server's test CA stands in for the NHS CA files IT would add.
  writeFileSync(join(work, 'data', 'settings.json'), JSON.stringify({ version: 1, mailboxes: [], extraCaFiles: [mesh.files.caCert] }));
  writeFileSync(
    join(work, 'meshclient.cfg'),
    `<?xml version="1.0" encoding="UTF-8"?>
<MESHConfig>
  <PrimaryURL>${mesh.sandbox.url}</PrimaryURL>
  <LogPath>${join(work, 'java-logs')}</LogPath>
  <KeyStorePath>${join(work, 'KEYSTORE', 'mesh.keystore')}</KeyStorePath>
  <KeyStorePassword>keystore-pass</KeyStorePassword>
  <PollPeriod>30</PollPeriod>
  <AuthenticationKey>${SHARED_KEY}</AuthenticationKey>
  <Client>
    <ClientIdentity>X26ABC1</ClientIdentity>
    <ClientAuthentication>password</ClientAuthentication>
    <MailboxType>MESH</MailboxType>
    <InterfaceRoot>${join(work, 'MESH-DATA-HOME', 'X26ABC1')}</InterfaceRoot>
    <SaveSent>Y</SaveSent>
  </Client>
</MESHConfig>`,
  );
});

afterAll(async () => {
  service?.kill('SIGKILL');
  await mesh.close();
  rmSync(work, { recursive: true, force: true });
});

describe('folder mode from the command line', () => {
  it('imports meshclient.cfg, keeping the password out of the settings file, and explains the keystore', async () => {
    const imported = await cli(['import-config', join(work, 'meshclient.cfg')]);
    expect(imported.status, `import-config: ${imported.stderr}${imported.stdout}`).toBe(0);
    expect(imported.stdout).toMatch(/X26ABC1/);
    expect(imported.stdout).toMatch(/keytool/);
    const settings = readFileSync(join(work, 'data', 'settings.json'), 'utf8');
    expect(settings).toContain('"folderMode"');
    expect(settings).not.toContain('keystore-pass');
    expect(settings).not.toMatch(/"password"/);

    const certificate = await cli(['cert', 'import', 'X26ABC1', '--cert', mesh.files.clientCert, '--key', mesh.files.clientKey]);
    expect(certificate.status, `cert import: ${certificate.stderr}${certificate.stdout}`).toBe(0);
    const tested = await cli(['mailbox', 'test', 'X26ABC1']);
    expect(tested.status, `mailbox test: ${tested.stdout}${tested.stderr}`).toBe(0);
  });

  it('runs headless, reports healthy, sends a dropped pair and files it in SENT', async () => {
    expect((await cli(['status'])).status).toBe(1);
    service = spawn(process.execPath, [join(root, 'bin/mesh-desktop.mjs'), 'run', '--data-dir', join(work, 'data')], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    service.stdout!.on('data', (c: Buffer) => (output += c.toString()));
    await waitFor(() => (output.includes('Folder mode running for X26ABC1') ? true : undefined));

    const out = join(work, 'MESH-DATA-HOME', 'X26ABC1', 'OUT');
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, 'results_20261125.dat'), 'pathology,results\n1,2\n');
    writeFileSync(
      join(out, 'results_20261125.ctl'),
      '<DTSControl><Version>1.0</Version><AddressType>DTS</AddressType><MessageType>Data</MessageType><From_DTS>X26ABC1</From_DTS><To_DTS>X26ABC2</To_DTS><WorkflowId>TEST_WORKFLOW</WorkflowId><Subject>Results</Subject><LocalId>batch-1</LocalId><Compress>N</Compress><AllowChunking>Y</AllowChunking><Encrypted>N</Encrypted></DTSControl>',
    );
    const sent = join(work, 'MESH-DATA-HOME', 'X26ABC1', 'SENT');
    await waitFor(() => (existsSync(sent) && readdirSync(sent).includes('results_20261125.ctl') ? true : undefined));
    const control = readFileSync(join(sent, 'results_20261125.ctl'), 'utf8');
    const dtsId = /<DTSId>([^<]+)<\/DTSId>/.exec(control)?.[1];
    expect(dtsId).toBeTruthy();
    expect(control).toMatch(/<Status>SUCCESS<\/Status>/i);
    expect(mesh.sandbox.message(dtsId!)).toMatchObject({ workflow_id: 'TEST_WORKFLOW', recipient: { mailbox_id: 'X26ABC2' } });
    expect(readdirSync(out)).toEqual([]);

    const health = await cli(['status', '--json']);
    expect(health.status, health.stdout).toBe(0);
    expect(JSON.parse(health.stdout)).toMatchObject({ healthy: true });

    service.kill('SIGTERM');
    const code = await new Promise<number | null>((resolve) => service!.once('exit', resolve));
    expect(code).toBe(0);
    service = undefined;
  }, 120_000);
});
