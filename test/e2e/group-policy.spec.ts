// Group Policy as IT sets it, read by the app under test from a stood-in
// registry: what reg.exe prints for each hive, in files (see
// main/settings/reg-query.ts; the stand-in works only in test mode, never on
// Windows). The same fixtures the unit tests parse.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test, expect } from './fixtures';
import { openFolder } from './training';

const fixtures = resolve(fileURLToPath(import.meta.url), '..', '..', 'main', 'settings', 'fixtures', 'registry');
const registry = mkdtempSync(join(tmpdir(), 'mesh-e2e-registry-'));
// A user policy that pre-sets a mailbox, and a computer policy asking for a poll interval MESH does not allow.
writeFileSync(join(registry, 'HKCU.txt'), readFileSync(join(fixtures, 'hkcu-one-mailbox.txt')));
writeFileSync(join(registry, 'HKLM.txt'), readFileSync(join(fixtures, 'hklm-out-of-range.txt')));

test.use({ appEnv: { MESH_DESKTOP_TEST_MODE: '1', MESH_DESKTOP_TEST_REGISTRY: registry } });
test.afterAll(() => rmSync(registry, { recursive: true, force: true }));

test('a mailbox pre-set by Group Policy is shown as managed in Settings, locked, with the policy’s problem said', async ({ page }) => {
  await openFolder(page, 'Settings');
  const card = page.getByRole('listitem', { name: /GP practice inbox/ });
  await expect(card.getByRole('heading', { level: 3 })).toContainText('Managed');
  await expect(card.getByText('X26GP001')).toBeVisible();
  // Policy mailboxes cannot be removed, and every field IT set is locked.
  await expect(card.getByRole('button', { name: /^Remove/ })).toHaveCount(0);
  await card.getByRole('button', { name: 'See all settings GP practice inbox' }).click();
  await expect(card.getByRole('textbox', { name: 'Name for this mailbox' })).toBeDisabled();
  await expect(card.getByRole('textbox', { name: 'Name for this mailbox' })).toHaveValue('GP practice inbox');

  const callout = page.getByText('Your IT department may need to know').locator('..');
  await expect(callout).toContainText(
    "Your IT team's policy sets Poll interval to 1 minute; MESH allows 5 minutes at the shortest, so 5 minutes is used.",
  );
});
