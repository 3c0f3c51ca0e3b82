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
// A user policy that pre-sets a mailbox with a certificate that is not where it says, and a computer
// policy asking for a poll interval MESH does not allow.
const missingCertificate = join(registry, 'certificates', 'X26GP001.pfx');
writeFileSync(
  join(registry, 'HKCU.txt'),
  readFileSync(join(fixtures, 'hkcu-one-mailbox.txt'), 'utf8') +
    `HKEY_CURRENT_USER\\SOFTWARE\\Policies\\MESH Desktop\\Mailboxes\\1\\Certificate\r\n    File    REG_SZ    ${missingCertificate}\r\n\r\n`,
);
writeFileSync(join(registry, 'HKLM.txt'), readFileSync(join(fixtures, 'hklm-out-of-range.txt')));

test.use({ appEnv: { MESH_DESKTOP_TEST_MODE: '1', MESH_DESKTOP_TEST_REGISTRY: registry } });
test.afterAll(() => rmSync(registry, { recursive: true, force: true }));

test('a mailbox pre-set by Group Policy is shown as managed in Settings, locked, with the policy’s problem said', async ({ page }) => {
  await openFolder(page, 'Settings');
  const card = page.getByRole('listitem', { name: /GP practice inbox/ });
  await expect(card.getByRole('heading', { level: 3 })).toContainText('Managed');
  await expect(card.getByText('X26GP001', { exact: true })).toBeVisible();
  // Policy mailboxes cannot be removed, and every field IT set is locked.
  await expect(card.getByRole('button', { name: /^Remove/ })).toHaveCount(0);
  // The certificate IT named is shown where it should be, with why it cannot be used.
  await expect(card.getByText('Set by your IT department:')).toContainText(missingCertificate);
  await expect(card.getByText(/cannot be used: The file .* could not be found/)).toContainText('Contact your IT service desk');
  await card.getByRole('button', { name: 'Change GP practice inbox' }).click();
  await expect(card.getByRole('textbox', { name: 'Name for this mailbox' })).toBeDisabled();
  await expect(card.getByRole('textbox', { name: 'Name for this mailbox' })).toHaveValue('GP practice inbox');
  // What IT did not set stays the person's: the mailbox password, and no way to swap IT's certificate.
  await expect(card.getByLabel('New mailbox password')).toBeEnabled();
  await expect(card.getByRole('group', { name: 'Certificate set by your IT department' })).toContainText(missingCertificate);
  await expect(card.getByRole('checkbox', { name: 'Replace the certificate' })).toHaveCount(0);

  const callout = page.getByText('Your IT department may need to know').locator('..');
  await expect(callout).toContainText(
    "Your IT team's policy sets Poll interval to 1 minute; MESH allows 5 minutes at the shortest, so 5 minutes is used.",
  );
});
