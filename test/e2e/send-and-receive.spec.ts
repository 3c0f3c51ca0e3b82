// Journey 2: the hospital sends a 300 MB file to the GP and watches it go;
// the GP checks, downloads it (its bytes are the same), and the mailbox's
// after-save policy acknowledges it so it leaves the inbox; the hospital then
// sees it collected.
//
// MESH lets a mailbox list its inbox at most every 5 minutes, and every demo
// mailbox was checked the moment the sandbox started. The training sandbox is
// an emulator on this computer, so "Check now" on a training mailbox is not
// held back by that floor (app-services.ts, checkNow); real mailboxes are.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { test, expect } from './fixtures';
import {
  GP,
  HOSPITAL,
  inboxGrid,
  makeFile,
  mailboxButton,
  openFolder,
  selectedMessage,
  sha256,
  sidebar,
  startTrainingSandbox,
  switchTo,
} from './training';

const FILE_NAME = 'pathology-batch-november.csv';
const SUBJECT = 'Pathology results, November batch';

test('a 300 MB file goes from the hospital to the GP, byte for byte, with progress to watch', async ({ page, app }, testInfo) => {
  test.setTimeout(240_000);
  const sent = await makeFile(testInfo.outputPath(FILE_NAME), 300);
  const sentHash = await sha256(sent);

  await startTrainingSandbox(page);
  await switchTo(page, HOSPITAL);

  // Compose from the hospital.
  await sidebar(page).getByRole('button', { name: 'New message' }).click();
  await expect(page.getByRole('combobox', { name: 'From' }).locator('option:checked')).toHaveText(
    `${HOSPITAL.name} (${HOSPITAL.id}) – training`,
  );
  await page.getByRole('textbox', { name: 'Recipient mailbox ID' }).fill(GP.id);
  await page.getByRole('textbox', { name: 'Workflow ID' }).fill('PATH_MEDRPT_V3');
  await page.getByRole('textbox', { name: 'Subject (optional)' }).fill(SUBJECT);
  await page.getByLabel('Choose a file, or drag it here').setInputFiles(sent);
  await expect(page.getByRole('button', { name: `Remove ${FILE_NAME}` })).toBeVisible({ timeout: 60_000 });
  await expect(page.getByText(`${FILE_NAME} (300 MB)`)).toBeVisible();
  await page.getByRole('button', { name: 'Send message' }).click();

  // Sent confirms, and offers to follow it.
  await expect(page.getByRole('heading', { level: 1, name: 'Sent' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Your message is being sent' })).toBeVisible();
  await page.getByRole('button', { name: 'Follow progress in Transfers' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Transfers' })).toBeVisible();

  // The bar moves: its value rises while rate and time left are shown.
  const card = page.getByRole('listitem').filter({ has: page.getByRole('heading', { name: `Sending ${FILE_NAME}` }) });
  const bar = card.getByRole('progressbar', { name: `Sending ${FILE_NAME}` });
  const valueNow = async () => Number((await bar.getAttribute('aria-valuenow')) ?? 'NaN');
  await expect.poll(valueNow, { timeout: 60_000, intervals: [100] }).toBeGreaterThan(0);
  const first = await valueNow();
  const words = await card.textContent();
  expect(first).toBeLessThan(100);
  expect(words).toMatch(/\d+% · [\d.]+ MB of 300 MB · [\d.]+ (MB|KB|GB) per second · .+ left · part \d of \d/);
  await expect.poll(valueNow, { timeout: 120_000, intervals: [100] }).toBeGreaterThan(first);
  await expect(card.getByText('Finished', { exact: true })).toBeVisible({ timeout: 120_000 });
  await expect(bar).toHaveAttribute('aria-valuenow', '100');
  await expect(page.getByRole('list', { name: 'Finished transfers' })).toContainText(`Sending ${FILE_NAME}`);

  // The GP checks now and finds it.
  await switchTo(page, GP);
  await openFolder(page, 'Inbox');
  await page.getByRole('button', { name: 'Check now' }).click();
  await expect(page.getByRole('status').filter({ hasText: '1 new message.' })).toBeVisible();
  const rows = inboxGrid(page, GP)
    .getByRole('row')
    .filter({ hasNot: page.getByRole('columnheader') });
  const row = rows.filter({ hasText: SUBJECT });
  await expect(row).toContainText(HOSPITAL.name);
  // Sent in parts: until it is saved MESH gives only the number of parts, and the Size column says so.
  await expect(row).toContainText(/\d parts/);
  await expect(mailboxButton(page, GP)).toContainText('3 messages waiting');

  // Download: the button says beforehand that MESH then removes it; after saving it stays in view,
  // marked saved and collected, until the GP moves on.
  await row.click();
  const detail = selectedMessage(page);
  await expect(detail.getByRole('heading', { level: 2, name: SUBJECT })).toBeVisible();
  await expect(detail).toContainText('Download saves the file, then acknowledges it');
  await detail.getByRole('button', { name: 'Download' }).click();
  await expect(detail.getByText('Saved and collected')).toBeVisible({ timeout: 120_000 });
  await expect(row).toHaveCount(1);
  await expect(mailboxButton(page, GP)).toContainText('2 messages waiting');
  await rows.filter({ hasNotText: SUBJECT }).first().click();
  await expect(row).toHaveCount(0);

  const saved = join(app.dataFolder, 'Training downloads', GP.id, FILE_NAME);
  expect(await sha256(saved)).toBe(sentHash);

  await openFolder(page, 'Transfers');
  const received = page
    .getByRole('list', { name: 'Finished transfers' })
    .getByRole('listitem')
    .filter({ hasText: `Receiving ${FILE_NAME}` });
  await expect(received.getByText('Finished', { exact: true })).toBeVisible();

  // The hospital sees that the GP collected it.
  await switchTo(page, HOSPITAL);
  await openFolder(page, 'Sent');
  const sentRow = page
    .getByRole('grid', { name: `Messages sent from ${HOSPITAL.name}` })
    .getByRole('row')
    .filter({ hasText: SUBJECT });
  await sentRow.click();
  const sentDetail = page.getByRole('region', { name: 'Selected sent message' });
  await sentDetail.getByRole('button', { name: 'Refresh status' }).click();
  await expect(sentDetail.getByText('Collected', { exact: true })).toBeVisible();
  await expect(sentRow).toContainText('Collected');
  await rm(sent);
});
