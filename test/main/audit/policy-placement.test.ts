// Policy puts the audit trail in a folder of IT's choosing and sets how long it is kept: the window's services write
// there, remove whole months older than the retention (recording the removal), and the trail still verifies.
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { currentActor } from '../../../main/audit/recorder';
import { AuditTrail, auditFolder } from '../../../main/audit/trail';
import { silentLogger } from '../../../main/log/logger';
import { createAppServices } from '../../../main/services/app-services';

const work = mkdtempSync(join(tmpdir(), 'audit-policy-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('the audit trail under machine policy', () => {
  it('lives in the folder policy names, and months older than the retention are removed with a record of it', async () => {
    const share = join(work, 'share', 'PC-01');
    // Two months written long ago, then one this month: only whole files older than the retention go.
    let now = new Date('2020-01-15T10:00:00.000Z');
    const old = new AuditTrail({ folder: share, clock: () => now });
    const actor = currentActor('window');
    await old.append({ action: 'mailbox-added', outcome: 'ok', mailbox: { id: 'X26ABC1', environment: 'LIVE' } }, actor);
    now = new Date('2020-02-15T10:00:00.000Z');
    await old.append({ action: 'mailbox-removed', outcome: 'ok', mailbox: { id: 'X26ABC1', environment: 'LIVE' } }, actor);
    now = new Date();
    await old.append({ action: 'mailbox-added', outcome: 'ok', mailbox: { id: 'X26ABC2', environment: 'LIVE' } }, actor);
    expect(readdirSync(share).filter((name) => name.endsWith('.jsonl'))).toHaveLength(3);

    const dataFolder = join(work, 'data');
    const policyPath = join(work, 'policy.json');
    writeFileSync(policyPath, JSON.stringify({ auditFolder: share, auditRetentionDays: 365 }));
    const services = await createAppServices({
      shell: 'preview',
      dataFolder,
      log: silentLogger,
      policyPath,
      keychainService: `MESH Desktop test ${randomUUID()}`,
    });
    await services.shutdown();

    expect(existsSync(auditFolder(dataFolder))).toBe(false);
    const { entries, report } = await new AuditTrail({ folder: share }).read();
    expect(report.ok).toBe(true);
    expect(report.prunedBefore?.seq).toBe(3);
    expect(entries.map(({ entry }) => entry.action)).toEqual(['mailbox-added', 'audit-pruned', 'policy-applied']);
    expect(entries[1]!.entry.pruned).toMatchObject({ fromSeq: 1, toSeq: 2, files: 2 });
    expect(entries[2]!.entry.reason).toMatch(/sets auditFolder, auditRetentionDays/);
  });
});
