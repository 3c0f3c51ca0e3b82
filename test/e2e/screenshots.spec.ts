// Journey 8: walks the views in the training sandbox and saves a picture of
// each, 1280×800, as docs/screenshots/<view>.png for the README. Each picture
// is taken once the view shows what it is for, so the test fails rather than
// saving a half-drawn window.
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Page } from '@playwright/test';
import { test, expect } from './fixtures';
import { GP, HOSPITAL, inboxGrid, makeFile, openFolder, selectedMessage, sidebar, startTrainingSandbox } from './training';

// `npm run screenshots` refreshes the README's pictures in docs/screenshots/;
// an ordinary test run writes them under test-results/ so the tree stays clean.
const folder = fileURLToPath(
  new URL(process.env.MESH_DESKTOP_SCREENSHOTS === 'docs' ? '../../docs/screenshots/' : '../../test-results/screenshots/', import.meta.url),
);

async function picture(page: Page, name: string): Promise<void> {
  // The passing "new messages" notes would cover the view; a person would dismiss them too.
  const dismiss = page.getByRole('status', { name: 'Messages from MESH Desktop' }).getByRole('button', { name: /^Dismiss/ });
  while ((await dismiss.count()) > 0) await dismiss.first().click();
  // The sidebar as it first appears, whichever folder button was last scrolled into view.
  await sidebar(page).evaluate((element) => element.scrollTo(0, 0));
  // Nothing mid-animation or blinking in the picture.
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await page.screenshot({ path: `${folder}${name}.png`, animations: 'disabled', caret: 'hide' });
}

test('pictures of every view for the README', async ({ page, app }, testInfo) => {
  test.skip(
    app.target !== 'preview',
    'The README pictures come from the preview at a fixed 1280×800; an Electron window keeps its own size.',
  );
  await mkdir(folder, { recursive: true });
  expect(page.viewportSize()).toEqual({ width: 1280, height: 800 });

  await expect(page.getByRole('heading', { level: 1, name: 'Welcome to MESH Desktop' })).toBeVisible();
  await picture(page, 'welcome');

  await startTrainingSandbox(page);
  const rows = inboxGrid(page, GP).getByRole('row');
  await expect(rows.filter({ hasText: 'Not delivered' })).toBeVisible();
  await expect(page.getByText('Choose a message to read it here.')).toBeVisible();
  await picture(page, 'inbox');

  await rows.filter({ hasText: 'Monthly pathology results' }).click();
  await expect(selectedMessage(page).getByRole('heading', { level: 2, name: /Monthly pathology results/ })).toBeVisible();
  await picture(page, 'message');

  // New message, with the recipient found by organisation.
  await sidebar(page).getByRole('button', { name: 'New message' }).click();
  await page.getByRole('textbox', { name: 'Workflow ID' }).fill('TOC_FHIR_IP_DISCH_ACK');
  await page.getByText('Find a mailbox by organisation').click();
  await page.getByRole('textbox', { name: 'ODS code' }).fill('RR8');
  await page.getByRole('button', { name: 'Find mailboxes' }).click();
  await page.getByRole('group', { name: 'Mailbox found' }).getByRole('button', { name: 'Send to this mailbox' }).click();
  await page.getByRole('textbox', { name: 'Subject (optional)' }).fill('Discharge summary received');
  await page.getByLabel('Choose a file, or drag it here').setInputFiles(await makeFile(testInfo.outputPath('discharge-ack.csv'), 3));
  await expect(page.getByText('discharge-ack.csv (3 MB)')).toBeVisible();
  await expect(page.getByRole('textbox', { name: 'Recipient mailbox ID' })).toHaveAccessibleDescription(
    `${HOSPITAL.name} (${HOSPITAL.id})`,
  );
  await page.getByRole('heading', { level: 1, name: 'New message' }).scrollIntoViewIfNeeded();
  await picture(page, 'new-message');

  await page.getByRole('button', { name: 'Send message' }).click();
  const sentRow = page
    .getByRole('grid', { name: `Messages sent from ${GP.name}` })
    .getByRole('row')
    .filter({ hasText: 'Discharge summary received' });
  await expect(sentRow).toContainText('Delivered', { timeout: 30_000 });
  await page.getByRole('button', { name: 'Dismiss', exact: true }).click();
  await expect(page.getByRole('region', { name: 'Selected sent message' }).getByText('Delivered', { exact: true })).toBeVisible();
  await picture(page, 'sent');

  // Transfers, with a send and a receipt finished.
  await openFolder(page, 'Inbox');
  await rows.filter({ hasText: 'Discharge summary (training sample)' }).click();
  await selectedMessage(page).getByRole('button', { name: 'Download' }).click();
  // The message stays in view, saved and collected, until the person moves on.
  await expect(selectedMessage(page).getByText('Saved and collected')).toBeVisible({ timeout: 30_000 });
  await openFolder(page, 'Transfers');
  const finished = page.getByRole('list', { name: 'Finished transfers' });
  await expect(finished).toContainText('Sending discharge-ack.csv');
  await expect(finished).toContainText('Receiving discharge-summary.csv');
  await picture(page, 'transfers');

  // Activity: the record of all of it.
  await openFolder(page, 'Activity');
  await expect(page.getByRole('status').filter({ hasText: 'Record checked' })).toBeVisible();
  await picture(page, 'activity');

  await openFolder(page, 'Settings');
  await expect(page.getByRole('heading', { level: 3, name: /Riverside Medical Practice/ })).toBeVisible();
  await picture(page, 'settings');
});
