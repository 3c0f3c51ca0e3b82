// Machine policy as the window sees it: locked values reported as managed, and
// changes to them refused in main (policy over user settings, end to end).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../../../main/log/logger';
import { createAppServices, type AppServices } from '../../../main/services/app-services';
import type { MailboxSummary, Reply, SettingsSnapshot } from '../../../main/contract/types';

let folder: string;
let services: AppServices;

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'policy-services-'));
  writeFileSync(join(folder, 'settings.json'), JSON.stringify({ version: 1, mailboxes: [], proxy: { mode: 'none' } }));
  writeFileSync(
    join(folder, 'policy.json'),
    JSON.stringify({
      allowedEnvironments: ['LIVE'],
      proxy: { mode: 'manual', url: 'http://proxy.trust.nhs.uk:8080' },
      minimumPollIntervalMinutes: 15,
      mailboxes: [{ environment: 'LIVE', mailboxId: 'X26OT123', displayName: 'Pathology results' }],
    }),
  );
  services = await createAppServices({
    shell: 'preview',
    dataFolder: folder,
    log: silentLogger,
    policyPath: join(folder, 'policy.json'),
    keychainService: `MESH Desktop test ${randomUUID()}`,
    background: false,
  });
});

afterAll(async () => {
  await services.shutdown();
  rmSync(folder, { recursive: true, force: true });
});

const call = (name: string, ...args: unknown[]) => services.dispatch(name, args) as Promise<Reply<unknown>>;

describe('machine policy through the contract', () => {
  it("reports IT's values, not the person's, and says which are locked", async () => {
    const reply = (await call('getSettings')) as Reply<SettingsSnapshot>;
    if (!reply.ok) throw new Error(reply.error.message);
    expect(reply.value.proxy).toMatchObject({ mode: 'manual', url: 'http://proxy.trust.nhs.uk:8080' });
    expect(reply.value.managed).toMatchObject({ proxy: true, environments: true });
    expect(reply.value.minimumPollIntervalMinutes).toBe(15);
    expect(reply.value.allowedEnvironments).toEqual(['LIVE']);
  });

  it('refuses to change a locked setting, with a sentence', async () => {
    const reply = await call('updateSettings', { proxy: { mode: 'none' } });
    expect(reply).toMatchObject({ ok: false, error: { code: 'managed-by-policy' } });
  });

  it("shows IT's mailbox as managed and will not remove it", async () => {
    const list = (await call('listMailboxes')) as Reply<MailboxSummary[]>;
    if (!list.ok) throw new Error(list.error.message);
    expect(list.value).toEqual([expect.objectContaining({ mailboxId: 'X26OT123', managed: true, environment: 'LIVE' })]);
    const removed = await call('removeMailbox', list.value[0]!.id);
    expect(removed).toMatchObject({ ok: false, error: { code: 'managed-by-policy' } });
  });

  it('refuses a mailbox in an environment IT has not allowed', async () => {
    const reply = await call('addMailbox', { environment: 'INT', mailboxId: 'X26ABC9', displayName: 'Test', password: 'pw' });
    expect(reply.ok).toBe(false);
  });
});
