// The command line against the emulator over real TLS with client certificates.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { runCli } from '../../../main/cli/main';
import { EXIT } from '../../../main/cli/exit-codes';
import { startMeshFixture, type MeshFixture } from '../../support/mesh-fixture';

let mesh: MeshFixture;
let work: string;

beforeAll(async () => {
  mesh = await startMeshFixture();
  work = mkdtempSync(join(tmpdir(), 'cli-test-'));
});
afterAll(async () => {
  await mesh.close();
});

async function cli(args: string[], env: NodeJS.ProcessEnv) {
  let out = '';
  let err = '';
  const sink = (append: (s: string) => void) =>
    Object.assign(
      new Writable({
        write(chunk, _enc, done) {
          append(String(chunk));
          done();
        },
      }),
      { isTTY: false },
    );
  const code = await runCli(args, env, { out: sink((s) => (out += s)) as never, err: sink((s) => (err += s)) as never });
  return { code, out, err, json: () => JSON.parse(out.trim().split('\n').pop()!) };
}

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
      ['send', '--to', 'X26ABC2', '--workflow', 'TEST_WORKFLOW', '--subject', 'Results', '--local-id', 'batch-7', '--compress', '--chunk-size', '256KiB', file, '--json'],
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
    expect(readFileSync(downloaded.json().path).equals(content)).toBe(true);
    expect(downloaded.json().metadata).toMatchObject({ subject: 'Results', localId: 'batch-7', workflowId: 'TEST_WORKFLOW' });

    expect((await cli(['ack', messageId], mesh.cliEnv('X26ABC2'))).code).toBe(EXIT.ok);
    expect((await cli(['inbox', '--json'], mesh.cliEnv('X26ABC2'))).json().messageIds).not.toContain(messageId);
  });

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
});
