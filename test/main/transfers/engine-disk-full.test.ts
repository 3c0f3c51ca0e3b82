import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MiB, RECIPIENT, SENDER, WORKFLOW, sha256OfFile, startEngineBed, type EngineBed } from './engine-fixture';

/**
 * A real full disk: a 20 MiB tmpfs mounted for the test. Mounting needs root
 * (and a kernel that allows it in this container); where it is not possible
 * the test is skipped and says so, because a fake ENOSPC would prove nothing.
 */
const mountPoint = mkdtempSync(join(tmpdir(), 'engine-full-disk-'));
function tryMount(): boolean {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=20m', 'tmpfs', mountPoint], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
const mounted = process.platform === 'linux' && process.getuid?.() === 0 && tryMount();

const beds: EngineBed[] = [];
afterAll(async () => {
  await Promise.all(beds.map((bed) => bed.close()));
  if (mounted) execFileSync('umount', [mountPoint], { stdio: 'ignore' });
  rmSync(mountPoint, { recursive: true, force: true });
});

// Skipped only where a small file system cannot be mounted (not root, or not Linux): see above.
// Plain bodies arrive two chunks at once (either may hit the full disk first); gzip ones one at a time.
describe.skipIf(!mounted).each(['plain', 'gzip'] as const)('a full disk during a download (%s bodies)', (transfer) => {
  let bed: EngineBed;
  beforeAll(async () => {
    bed = await startEngineBed({ compressDownloads: transfer === 'gzip' });
    beds.push(bed);
    // The same small file system for each kind of body: emptied and shrunk back.
    rmSync(join(mountPoint, 'received'), { recursive: true, force: true });
    execFileSync('mount', ['-o', 'remount,size=20m', mountPoint], { stdio: 'ignore' });
  });

  it('fails clearly, does not acknowledge, leaves only the partial file, and finishes once there is room', async () => {
    const sender = await bed.transfers(SENDER, { chunkSize: 4 * MiB });
    const file = await bed.randomFile('too-big.bin', 30 * MiB);
    const sent = await sender.queue.settled(
      (await sender.queue.enqueueUpload({ profileId: SENDER, filePath: file.path, to: RECIPIENT, workflowId: WORKFLOW })).id,
    );
    expect(sent.state).toBe('done');

    const folder = join(mountPoint, 'received');
    const recipient = await bed.transfers(RECIPIENT, {}, { autoDownload: true, downloadFolder: folder });
    await recipient.activity.pollInbox(RECIPIENT);
    const [download] = recipient.queue.list();
    const failed = await recipient.queue.settled(download!.id);
    expect(failed.state).toBe('failed');
    expect(failed.error).toMatchObject({ code: 'disk-full' });
    expect(failed.error?.message).toMatch(/disk is full/i);
    expect(failed.error?.message).toMatch(/free some space/i);
    expect(bed.status(sent.messageId!)).toBe('accepted');
    const left = readdirSync(folder);
    expect(left.every((name) => name.endsWith('.mesh.part'))).toBe(true);
    expect(left.some((name) => name.includes('too-big'))).toBe(false);

    // IT frees space (here: the file system grows); a retry resumes and completes.
    execFileSync('mount', ['-o', 'remount,size=64m', mountPoint], { stdio: 'ignore' });
    const done = await recipient.queue.settled((await recipient.queue.retry(download!.id)).id);
    expect(done.state).toBe('done');
    expect(done.savedPath).toBe(join(folder, 'too-big.bin'));
    expect(statSync(done.savedPath!).size).toBe(30 * MiB);
    expect(await sha256OfFile(done.savedPath!)).toBe(file.sha256);
    expect(readdirSync(folder).sort()).toEqual(['too-big.bin', 'too-big.bin.mesh.json']);
    expect(bed.status(sent.messageId!)).toBe('acknowledged');
  });
});
