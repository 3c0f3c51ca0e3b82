// Folder mode inside the app ends in the state the last settings change asked for, and its status
// file says "stopped" last: the window once showed folder mode running after both mailboxes had it
// switched off (two quick changes: the first restarted it after the second had stopped it).
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { orderedStatusWrites } from '../../../main/folders/service';
import { silentLogger } from '../../../main/log/logger';
import { FolderModeRunner } from '../../../main/services/folder-runner';

let folder: string;
let runner: FolderModeRunner;
beforeEach(() => {
  folder = mkdtempSync(join(tmpdir(), 'folder-runner-'));
  runner = new FolderModeRunner({
    dataFolder: folder,
    log: silentLogger,
    policyPath: join(folder, 'no-policy.json'),
    keychainService: `MESH Desktop test ${randomUUID()}`,
  });
});
afterEach(async () => {
  await runner.stop();
  rmSync(folder, { recursive: true, force: true });
});

/** The runner the status file shows once it has settled: the same answer for half a second, within 5 s. */
async function settled(): Promise<string> {
  const seen: string[] = [];
  for (let i = 0; i < 200; i++) {
    seen.push((await runner.view()).runner);
    if (seen.length >= 20 && seen.slice(-20).every((r) => r === seen.at(-1))) return seen.at(-1)!;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return `unsettled: ${seen.slice(-20).join(' ')}`;
}

describe('FolderModeRunner', () => {
  it('is stopped after a restart and a stop asked for at the same moment', async () => {
    await runner.sync(true);
    expect(await settled()).toBe('this-app');
    await Promise.all([runner.sync(true), runner.sync(false)]);
    expect(await settled()).toBe('none');
  });

  it('is running after a stop and a start asked for at the same moment', async () => {
    await runner.sync(true);
    expect(await settled()).toBe('this-app');
    await Promise.all([runner.sync(false), runner.sync(true)]);
    expect(await settled()).toBe('this-app');
  });

  it('does not start again once the app has stopped it', async () => {
    await runner.sync(true);
    expect(await settled()).toBe('this-app');
    await Promise.all([runner.stop(), runner.sync(true)]);
    expect(await settled()).toBe('none');
  });
});

describe('orderedStatusWrites', () => {
  it('lands "stopped" last although a slower "running" write began first', async () => {
    const landed: boolean[] = [];
    const delays = [30, 0];
    const writes = orderedStatusWrites(async (running) => {
      await new Promise((resolve) => setTimeout(resolve, delays.shift() ?? 0));
      landed.push(running);
    });
    const timerWrite = writes.write(true);
    // The timer's write is under way when the stop comes.
    await new Promise((resolve) => setTimeout(resolve, 5));
    writes.stopping();
    await Promise.all([timerWrite, writes.write(false), writes.write(true)]);
    expect(landed).toEqual([true, false]);
  });
});
