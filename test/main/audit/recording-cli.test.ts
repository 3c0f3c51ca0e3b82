// The command line records what it does in the audit trail of its data folder: sends (with the SHA-256 of the
// bytes sent, worked out on the way out or read back for compressed chunks, or for a large file by a thread reading
// it beside the send), a send MESH refused, a download and
// an acknowledgement, each once, by the command line, against the emulator over TLS.
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditTrail, auditFolder } from '../../../main/audit/trail';
import { EXIT } from '../../../main/cli/exit-codes';
import { startMeshFixture, type MeshFixture } from '../../support/mesh-fixture';
import { runInstalledCommand } from '../../support/installed-command';

let mesh: MeshFixture;
let work: string;
let dataDir: string;

beforeAll(async () => {
  mesh = await startMeshFixture();
  work = mkdtempSync(join(tmpdir(), 'audit-cli-'));
  dataDir = join(work, 'data');
});
afterAll(async () => {
  await mesh.close();
});

// Each command as the installed app runs it, as mailboxId, with --json.
const cli = (args: string[], mailboxId: string) =>
  runInstalledCommand([...args, '--json'], { ...mesh.cliEnv(mailboxId), MESH_DESKTOP_DATA_DIR: dataDir });

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

describe('the audit trail of the command line', () => {
  it('records a send, a compressed send, a refused send, a download and an acknowledgement, each exactly once', async () => {
    const plain = randomBytes(700_000);
    const packed = Buffer.concat([randomBytes(100_000), Buffer.alloc(600_000, 'x')]);
    writeFileSync(join(work, 'plain.bin'), plain);
    writeFileSync(join(work, 'packed.csv'), packed);
    const base = ['send', '--to', 'X26ABC2', '--workflow', 'TEST_WORKFLOW', '--chunk-size', '256KiB'];

    const first = await cli([...base, '--subject', 'Referral', '--local-id', 'ref-1', join(work, 'plain.bin')], 'X26ABC1');
    expect(first.code).toBe(EXIT.ok);
    const second = await cli([...base, '--compress', join(work, 'packed.csv')], 'X26ABC1');
    expect(second.code).toBe(EXIT.ok);
    const refused = await cli(['send', '--to', 'X99ZZZ9', '--workflow', 'TEST_WORKFLOW', join(work, 'plain.bin')], 'X26ABC1');
    expect(refused.code).toBe(EXIT.failed);
    const messageId = first.json().messageId as string;
    const saved = await cli(['download', messageId, '--out', join(work, 'in')], 'X26ABC2');
    expect(saved.code).toBe(EXIT.ok);
    expect((await cli(['ack', messageId], 'X26ABC2')).code).toBe(EXIT.ok);

    const trail = new AuditTrail({ folder: auditFolder(dataDir) });
    const { entries, report } = await trail.read();
    expect(report.ok).toBe(true);
    expect(entries.map((e) => e.entry.action)).toEqual([
      'message-sent',
      'message-sent',
      'send-failed',
      'message-received',
      'message-acknowledged',
    ]);
    const [sent, compressed, failed, received, acknowledged] = entries.map((e) => e.entry);
    for (const entry of entries) {
      expect(entry.entry.actor.via).toBe('command-line');
      expect(entry.entry.actor.pid).toBe(process.pid);
      expect(entry.entry.mailbox?.environment).toBe(mesh.sandbox.url);
    }
    expect(sent).toMatchObject({
      outcome: 'ok',
      mailbox: { id: 'X26ABC1' },
      message: {
        messageId,
        localId: 'ref-1',
        to: 'X26ABC2',
        workflowId: 'TEST_WORKFLOW',
        subject: 'Referral',
        fileName: 'plain.bin',
        size: plain.length,
        sha256: sha256(plain),
      },
    });
    // No checksum went with either file: the hashes are of the bytes as they left.
    expect(sent!.message?.checksum).toBeUndefined();
    expect(compressed).toMatchObject({
      outcome: 'ok',
      message: { messageId: second.json().messageId, size: packed.length, sha256: sha256(packed) },
    });
    expect(failed).toMatchObject({ outcome: 'failed', message: { to: 'X99ZZZ9', fileName: 'plain.bin' } });
    expect(failed!.reason).toBeTruthy();
    expect(failed!.message?.messageId).toBeUndefined();
    expect(received).toMatchObject({
      outcome: 'ok',
      mailbox: { id: 'X26ABC2' },
      message: { messageId, from: 'X26ABC1', localId: 'ref-1', size: plain.length, savedTo: join(work, 'in', 'plain.bin') },
    });
    expect(acknowledged).toMatchObject({ outcome: 'ok', mailbox: { id: 'X26ABC2' }, message: { messageId } });
  }, 120_000);

  it('records the SHA-256 of a file sent in several chunks, plain and compressed', async () => {
    // Plain chunks are hashed on their way out; compressed ones go through gzip, so each is read again once confirmed.
    const big = Buffer.concat([randomBytes(20 * 1024 * 1024), Buffer.alloc(13 * 1024 * 1024 + 7, 'y')]);
    writeFileSync(join(work, 'large.bin'), big);
    const largeData = join(work, 'large-data');
    const run = (args: string[]) =>
      runInstalledCommand([...args, '--json'], { ...mesh.cliEnv('X26ABC1'), MESH_DESKTOP_DATA_DIR: largeData });
    const base = ['send', '--to', 'X26ABC2', '--workflow', 'TEST_WORKFLOW', '--chunk-size', '8MiB'];
    const plainSend = await run([...base, join(work, 'large.bin')]);
    expect(plainSend.code).toBe(EXIT.ok);
    const packedSend = await run([...base, '--compress', join(work, 'large.bin')]);
    expect(packedSend.code).toBe(EXIT.ok);

    const { entries } = await new AuditTrail({ folder: auditFolder(largeData) }).read();
    expect(entries.map((e) => e.entry.message)).toMatchObject([
      { messageId: plainSend.json().messageId, size: big.length, sha256: sha256(big) },
      { messageId: packedSend.json().messageId, size: big.length, sha256: sha256(big) },
    ]);
  }, 120_000);

  it('verifies the trail and exports a day range as CSV, then names the entry an edit broke', async () => {
    const verified = await cli(['audit', 'verify'], 'X26ABC1');
    expect(verified.code).toBe(EXIT.ok);
    expect(verified.json()).toMatchObject({ ok: true, entries: 5, first: { seq: 1 }, last: { seq: 5 } });
    const today = new Date().toISOString().slice(0, 10);
    const file = join(work, 'export.csv');
    const exported = await cli(['audit', 'export', '--from', today, '--to', today, '--format', 'csv', '--out', file], 'X26ABC1');
    expect(exported.code).toBe(EXIT.ok);
    expect(exported.json()).toMatchObject({ entries: 5, verified: true });
    const csv = readFileSync(file, 'utf8');
    expect(csv.startsWith('\uFEFFEntry,')).toBe(true);
    expect(csv.split('\r\n')).toHaveLength(7);
    expect(csv).toContain(',message-sent,sent,ok,X26ABC1,');
    expect((await cli(['audit', 'export', '--from', '2026-13-01', '--to', today], 'X26ABC1')).code).toBe(EXIT.usage);

    // Someone edits the size of the third entry.
    const trailFile = join(
      auditFolder(dataDir),
      readdirSync(auditFolder(dataDir)).find((name) => name.endsWith('.jsonl'))!,
    );
    const lines = readFileSync(trailFile, 'utf8').split('\n');
    lines[2] = lines[2]!.replace(/"size":(\d+)/, (_m, size: string) => `"size":${Number(size) + 1}`);
    writeFileSync(trailFile, lines.join('\n'));
    const broken = await cli(['audit', 'verify'], 'X26ABC1');
    expect(broken.code).toBe(EXIT.failed);
    expect(broken.json()).toMatchObject({ ok: false, problem: { seq: 3, line: 3 } });
  });
});
