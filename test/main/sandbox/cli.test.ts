import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectionHelp, exampleCommand, main, optionsFromArgs } from '../../../main/sandbox/cli';
import { DEMO_MAILBOXES, DEMO_WORKFLOWS } from '../../../main/sandbox/index';
import { createTestPki, type TestPki } from '../../support/pki';
import { meshRequest } from './mesh-http';

let dir: string;
let pki: TestPki;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mesh-sandbox-cli-'));
  pki = await createTestPki(join(dir, 'pki'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('optionsFromArgs', () => {
  it('defaults to the demo data, TestKey, memory store, port 8700 and plain HTTP', async () => {
    const options = await optionsFromArgs([], {});
    expect(options).toMatchObject({ port: 8700, sharedKey: 'TestKey', store: { kind: 'memory' }, auth: { mode: 'full' } });
    expect(options.mailboxes).toEqual(DEMO_MAILBOXES);
    expect(options.workflows).toEqual(DEMO_WORKFLOWS);
    expect(options.tls).toBeUndefined();
  });

  it('takes the shared key from the environment, and the flag over it', async () => {
    expect((await optionsFromArgs([], { MESH_SANDBOX_SHARED_KEY: 'FromEnv' })).sharedKey).toBe('FromEnv');
    expect((await optionsFromArgs(['--shared-key', 'Flag'], { MESH_SANDBOX_SHARED_KEY: 'FromEnv' })).sharedKey).toBe('Flag');
  });

  it('reads mailbox and workflow files, TLS files, a store folder and modes', async () => {
    const mailboxes = join(dir, 'mailboxes.jsonl');
    const workflows = join(dir, 'workflows.jsonl');
    await writeFile(mailboxes, '{"mailbox_id":"ALICE","mailbox_name":"Alice","ods_code":"A1","org_code":"A1","password":"pw"}\n');
    await writeFile(workflows, '{"workflow_id":"WF","senders":["ALICE"],"receivers":["ALICE"]}\n');
    const files = pki.files!;
    const options = await optionsFromArgs(
      [
        '--port',
        '0',
        '--host',
        '::1',
        '--mailboxes',
        mailboxes,
        '--workflows',
        workflows,
        '--tls-cert',
        files.serverCert,
        '--tls-key',
        files.serverKey,
        '--client-ca',
        files.caCert,
        '--client-certs',
        'optional',
        '--store',
        join(dir, 'store'),
        '--auth',
        'none',
        '--enforce-workflows',
      ],
      {},
    );
    expect(options).toMatchObject({
      port: 0,
      host: '::1',
      mailboxes: [{ mailbox_id: 'ALICE', password: 'pw' }],
      workflows: [{ workflow_id: 'WF' }],
      store: { kind: 'disk', dir: join(dir, 'store') },
      auth: { mode: 'none' },
      enforceWorkflowPermissions: true,
      tls: { cert: pki.server.certPem, key: pki.server.keyPem, clientCa: pki.ca.certPem, clientCertificates: 'optional' },
    });
  });

  it.each([
    [['--port', 'abc'], /--port/],
    [['--port', '70000'], /--port/],
    [['--auth', 'maybe'], /--auth/],
    [['--client-certs', 'sometimes'], /--client-certs/],
    [['--tls-cert', 'x.pem'], /both --tls-cert and --tls-key/],
    [['--client-ca', 'ca.pem'], /needs HTTPS/],
    [['--mailboxes', '/nonexistent/m.jsonl'], /Could not read/],
    [['--store', 'pattern:/nonexistent/block.bin'], /Could not read the pattern file/],
  ])('refuses %j', async (argv, message) => {
    await expect(optionsFromArgs(argv, {})).rejects.toThrow(message);
  });

  it("reads a pattern store's block as bytes", async () => {
    const block = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    await writeFile(join(dir, 'block.bin'), block);
    const options = await optionsFromArgs(['--store', `pattern:${join(dir, 'block.bin')}`], {});
    expect(options.store).toEqual({ kind: 'pattern', block });
    expect(connectionHelp({ url: 'http://127.0.0.1:1' } as never, options)).toContain('Store: a pattern of 256 bytes (bodies not kept)');
  });

  it('leaves the admin token to the sandbox unless one is given, and opens admin only when asked', async () => {
    expect((await optionsFromArgs([], {})).adminToken).toBeUndefined();
    expect((await optionsFromArgs([], { MESH_SANDBOX_ADMIN_TOKEN: 'env-token' })).adminToken).toBe('env-token');
    expect((await optionsFromArgs(['--admin-token', 'flag'], { MESH_SANDBOX_ADMIN_TOKEN: 'env-token' })).adminToken).toBe('flag');
    expect((await optionsFromArgs(['--open-admin'], {})).adminToken).toBe(false);
    await expect(optionsFromArgs(['--open-admin', '--admin-token', 'x'], {})).rejects.toThrow(/not both/);
    await expect(optionsFromArgs(['--admin-token', ''], {})).rejects.toThrow(/cannot be empty/);
  });

  it('refuses unknown flags', async () => {
    await expect(optionsFromArgs(['--colour'], {})).rejects.toThrow();
  });
});

describe('main', () => {
  it('starts a working sandbox and prints how to connect', async () => {
    const printed: string[] = [];
    const sandbox = await main(['--port', '0', '--store', join(dir, 'main-store')], {
      out: (text) => printed.push(text),
      err: () => {},
    });
    expect(sandbox).toBeDefined();
    try {
      const text = printed.join('');
      expect(text).toContain(`MESH sandbox listening on ${sandbox!.url}`);
      expect(text).toContain('Shared key: TestKey');
      expect(text).toContain('B86001OT01');
      expect(text).toContain('Riverside Medical Practice');
      const ping = await meshRequest({ sandbox: sandbox!, sharedKey: 'TestKey' } as never, { path: '/_ping' });
      expect(ping.status).toBe(200);
      // The admin token is printed, with how to use it, and nothing admin works without it.
      expect(sandbox!.adminToken).toBeDefined();
      expect(text).toContain(`X-Sandbox-Admin-Token: ${sandbox!.adminToken}`);
      const refused = await meshRequest({ sandbox: sandbox!, sharedKey: 'TestKey' } as never, { path: '/admin/clock', adminToken: null });
      expect(refused.status).toBe(403);
      expect((await meshRequest({ sandbox: sandbox!, sharedKey: 'TestKey' } as never, { path: '/admin/clock' })).status).toBe(200);
      const lookup = await meshRequest({ sandbox: sandbox!, sharedKey: 'TestKey' } as never, {
        path: '/messageexchange/endpointlookup/B86001/TOC_FHIR_IP_DISCH',
      });
      expect(lookup.json().results).toEqual([{ mailbox_id: 'B86001OT01', mailbox_name: 'Riverside Medical Practice' }]);
    } finally {
      await sandbox!.close();
    }
  });

  it('prints the usage and starts nothing for --help', async () => {
    const printed: string[] = [];
    expect(await main(['--help'], { out: (text) => printed.push(text), err: () => {} })).toBeUndefined();
    expect(printed.join('')).toContain('Usage: npm run sandbox');
  });

  it('explains a bad argument and sets a failing exit code', async () => {
    const errors: string[] = [];
    const before = process.exitCode;
    try {
      expect(await main(['--auth', 'maybe'], { out: () => {}, err: (text) => errors.push(text) })).toBeUndefined();
      expect(process.exitCode).toBe(2);
      expect(errors.join('')).toContain('--auth must be');
    } finally {
      process.exitCode = before;
    }
  });
});

describe('connectionHelp', () => {
  it('says when admin endpoints are open', () => {
    const text = connectionHelp({ url: 'http://127.0.0.1:1', adminToken: undefined } as never, { sharedKey: 'K', mailboxes: [] });
    expect(text).toContain('open to anyone who can reach this port (--open-admin)');
    expect(text).not.toContain('X-Sandbox-Admin-Token');
  });

  it('says when messages are kept only in memory', () => {
    const text = connectionHelp({ url: 'http://127.0.0.1:1' } as never, { sharedKey: 'K', mailboxes: [], store: { kind: 'memory' } });
    expect(text).toContain('memory (messages are lost when it stops)');
    expect(text).toContain('none (plain HTTP)');
  });
});

describe('exampleCommand', () => {
  const mailboxes = [{ mailbox_id: 'MB1', mailbox_name: 'One', ods_code: 'X', org_code: 'X', password: 'pw' }];

  it('gives secrets through the environment, as mesh-desktop requires', () => {
    expect(exampleCommand({ url: 'http://127.0.0.1:1' }, { sharedKey: 'K', mailboxes })).toBe(
      'MESH_PASSWORD=pw MESH_SHARED_KEY=K mesh-desktop inbox --url http://127.0.0.1:1 --mailbox MB1',
    );
  });

  it('adds certificate flags when the sandbox uses mutual TLS', () => {
    const text = exampleCommand(
      { url: 'https://127.0.0.1:1' },
      { sharedKey: 'K', mailboxes, tls: { cert: 'c', key: 'k', clientCa: 'ca' } },
    );
    expect(text).toContain('--ca SERVER-CA.pem --cert CLIENT.pem --key CLIENT.key');
  });
});
