/**
 * Crash safety of folder mode: the headless service (an esbuild-bundled
 * fixture running FolderMode over a real engine) is killed with SIGKILL at
 * random moments while sending pairs from OUT, and restarted until it is
 * done. Every pair must arrive exactly once, byte for byte, and end in SENT
 * with its completed control file; nothing may stay in OUT, FAILED or the
 * work area.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { controlValue, parseControlFile } from '../../../main/folders/control-file';
import { mailboxFolders } from '../../../main/folders/folder-mode';
import { childConnection, startCrashHarness, type CrashHarness } from '../../support/crash-harness';
import { startMeshFixture, type MeshFixture } from '../../support/mesh-fixture';

const SENDER = 'X26ABC1';
const RECIPIENT = 'X26ABC2';
const PAIRS = 8;
const KILLS = 8;
const CHUNK_SIZE = 1024 * 1024;

let fixture: MeshFixture;
let dir: string;
let harness: CrashHarness;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'folder-crash-'));
  harness = await startCrashHarness('test/main/folders/fixtures/folder-child.ts', 'FOLDER_CHILD_CONFIG');
  fixture = await startMeshFixture({ store: { kind: 'memory' } });
}, 120_000);

afterAll(async () => {
  await fixture?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
  await harness?.close();
});

/** Runs the child; kills it `killAfterMs` after it starts (undefined: lets it finish). True when killed. */
async function runChild(config: Record<string, unknown>, killAfterMs: number | undefined): Promise<boolean> {
  const { killed } = await harness.run(config, { killAfterMs, isResult: (message) => message.done === true });
  return killed;
}

describe('kill -9 of the folder-mode service', () => {
  it('sends every pair exactly once and leaves nothing in OUT, however often it is killed', async () => {
    const folder = join(dir, 'data', SENDER);
    const folders = mailboxFolders({ folder });
    await mkdir(folders.out, { recursive: true });
    const contents = new Map<string, Buffer>();
    for (let i = 0; i < PAIRS; i++) {
      const name = `Org_${i}`;
      const content = randomBytes(CHUNK_SIZE * 2 + 1000 * i);
      contents.set(`local-${i}`, content);
      await writeFile(join(folders.out, `${name}.dat`), content);
      await writeFile(
        join(folders.out, `${name}.ctl`),
        `<DTSControl><Version>1.0</Version><AddressType>DTS</AddressType><MessageType>Data</MessageType><WorkflowId>TEST_WORKFLOW</WorkflowId><To_DTS>${RECIPIENT}</To_DTS><From_DTS>${SENDER}</From_DTS><Subject>Crash ${i}</Subject><LocalId>local-${i}</LocalId><Compress>N</Compress><AllowChunking>Y</AllowChunking><Encrypted>N</Encrypted></DTSControl>`,
      );
    }
    // Slow each POST a little so kills land across claiming, sending and placing.
    const slow = fixture.sandbox.faults.add({ kind: 'delay', ms: 200, match: { method: 'POST', path: '/outbox' }, count: 'always' });
    const config = {
      ...childConnection(fixture, SENDER),
      stateFolder: join(dir, 'state'),
      folder,
      chunkSize: CHUNK_SIZE,
    };
    const localIds = () => fixture.sandbox.inbox(RECIPIENT).map((id) => fixture.sandbox.message(id)?.metadata.local_id);
    let kills = 0;
    for (let run = 0; ; run++) {
      const killed = await runChild(config, kills < KILLS ? 50 + Math.floor(Math.random() * 400) : undefined);
      if (!killed) break;
      kills++;
      const delivered = localIds();
      expect(new Set(delivered).size).toBe(delivered.length);
    }
    fixture.sandbox.faults.remove(slow);
    // A run can finish before its kill lands; most must not.
    expect(kills).toBeGreaterThanOrEqual(KILLS - 3);

    const delivered = fixture.sandbox.inbox(RECIPIENT);
    expect(delivered).toHaveLength(PAIRS);
    expect(new Set(localIds())).toEqual(new Set(contents.keys()));
    expect(await readdir(folders.out)).toEqual([]);
    expect(await readdir(folders.failed)).toEqual([]);
    expect((await readdir(join(folder, 'TEMP', 'mesh-desktop', 'sending'))).filter((name) => !name.startsWith('.'))).toEqual([]);
    // Named, not counted: a stray file left by a kill (a temporary copy, say) must say what it is.
    const expectedSent = Array.from({ length: PAIRS }, (_, i) => [`Org_${i}.ctl`, `Org_${i}.dat`]).flat();
    expect((await readdir(folders.sent)).sort()).toEqual(expectedSent.sort());
    for (let i = 0; i < PAIRS; i++) {
      const parsed = parseControlFile(await readFile(join(folders.sent, `Org_${i}.ctl`), 'utf8'));
      expect(parsed.ok).toBe(true);
      if (!parsed.ok) continue;
      const messageId = controlValue(parsed.control, 'DTSId')!;
      expect(delivered).toContain(messageId);
      expect(fixture.sandbox.message(messageId)?.metadata.local_id).toBe(`local-${i}`);
      expect(await readFile(join(folders.sent, `Org_${i}.dat`))).toEqual(contents.get(`local-${i}`));
      expect(fixture.sandbox.message(messageId)?.file_size).toBe(contents.get(`local-${i}`)!.length);
    }
  }, 300_000);
});
