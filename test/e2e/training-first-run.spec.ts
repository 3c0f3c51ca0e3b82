// Journey 1: a newcomer opens the app for the first time and tries the
// training sandbox. Everything training is marked so; the GP's inbox holds the
// sample messages (a discharge summary, a chunked pathology file and a
// non-delivery report), and they can be read, saved and acknowledged.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test, expect } from './fixtures';
import {
  CARE_HOME,
  GP,
  HOSPITAL,
  inboxGrid,
  mailboxButton,
  openFolder,
  selectedMessage,
  sidebar,
  startTrainingSandbox,
  switchTo,
} from './training';

test.describe('the training sandbox on first run', () => {
  test('welcome → "Try the training sandbox" → demo mailboxes, marked as training everywhere', async ({ page }) => {
    await expect(page.getByRole('heading', { level: 1, name: 'Welcome to MESH Desktop' })).toBeVisible();
    await expect(page.getByRole('note')).toHaveCount(0);
    await startTrainingSandbox(page);

    // The three demo mailboxes, each tagged.
    for (const mailbox of [GP, HOSPITAL, CARE_HOME]) {
      await expect(mailboxButton(page, mailbox)).toBeVisible();
      await expect(mailboxButton(page, mailbox).getByText('Training', { exact: true })).toBeVisible();
    }
    // The banner and the header tag say so for whichever mailbox is open.
    const banner = page.getByRole('note').filter({ hasText: 'TRAINING' });
    await expect(banner).toHaveText(/TRAINING — Riverside Medical Practice is a practice mailbox\. Nothing you send leaves this computer/);
    await expect(page.getByRole('banner').getByText('Training', { exact: true })).toBeVisible();
    await switchTo(page, CARE_HOME);
    await expect(banner).toContainText('Meadowbank Care Home is a practice mailbox');

    // New message says where a send goes.
    await sidebar(page).getByRole('button', { name: 'New message' }).click();
    await expect(page.getByText('This is a training mailbox: nothing you send leaves this computer.')).toBeVisible();
    for (const mailbox of [GP, HOSPITAL, CARE_HOME]) {
      await expect(
        page.getByRole('combobox', { name: 'From' }).getByRole('option', { name: `${mailbox.name} (${mailbox.id}) – training` }),
      ).toBeAttached();
    }

    // Settings: every card is tagged and its environment is the sandbox.
    await openFolder(page, 'Settings');
    for (const mailbox of [GP, HOSPITAL, CARE_HOME]) {
      const card = page
        .getByRole('listitem')
        .filter({ has: page.getByRole('heading', { level: 3, name: new RegExp(`^${mailbox.name.slice(0, 20)}`) }) });
      await expect(card.getByText('Training', { exact: true })).toBeVisible();
      await expect(card.getByRole('definition').filter({ hasText: 'Training sandbox' })).toBeVisible();
    }
    await expect(banner).toBeVisible();
  });

  test("the GP's inbox holds the samples: a discharge summary, a chunked file and a non-delivery report", async ({ page }) => {
    await startTrainingSandbox(page);
    const grid = inboxGrid(page, GP);
    const rows = grid.getByRole('row').filter({ hasNot: page.getByRole('columnheader') });
    await expect(rows).toHaveCount(3);
    // The count agrees with the sidebar's: the report is there to be read, not collected.
    await expect(page.getByText('3 messages: 2 waiting, 1 non-delivery report', { exact: true })).toBeVisible();
    // Two files wait to be collected; the report is there to be read, not collected.
    await expect(mailboxButton(page, GP)).toContainText('2 messages waiting');

    const discharge = rows.filter({ hasText: 'Discharge summary (training sample)' });
    await expect(discharge).toContainText(HOSPITAL.name);

    const chunked = rows.filter({ hasText: 'Monthly pathology results' });
    await expect(chunked).toContainText('3 parts');
    await chunked.click();
    const detail = selectedMessage(page);
    await expect(detail.getByRole('heading', { level: 2, name: 'Monthly pathology results (training sample, chunked)' })).toBeVisible();
    await expect(detail.getByLabel('About this message').getByText('3 parts, joined up for you when saved')).toBeVisible();

    const report = rows.filter({ hasText: 'Not delivered' });
    await expect(report).toHaveCount(1);
    await expect(report).toContainText('MESH (about a message you sent)');
    await report.click();
    await expect(detail.getByRole('heading', { level: 2, name: 'Non-delivery report' })).toBeVisible();
    await expect(detail).toContainText(/did not arrive/);
    await expect(detail).toContainText('What to do:');
    await expect(detail).toContainText('Message not collected by recipient after 5 days');
    await expect(
      detail
        .getByLabel('About this message')
        .getByRole('definition')
        .filter({ hasText: /^Non-delivery report$/ }),
    ).toBeVisible();
    // A report has no file to download.
    await expect(detail.getByRole('button', { name: 'Download' })).toHaveCount(0);

    // The type filter finds it on its own.
    await page.getByRole('button', { name: 'Filters' }).click();
    await page.getByRole('combobox', { name: 'Type' }).selectOption({ label: 'Non-delivery reports only' });
    await expect(rows).toHaveCount(1);
    await expect(page.getByText(/^1 of 3 messages/)).toBeVisible();
    await expect(page.getByRole('list', { name: 'Filters in force' })).toContainText('Non-delivery reports only');
  });

  test('the chunked sample is saved whole, then acknowledged after saving; the discharge summary is acknowledged by hand', async ({
    page,
    app,
  }) => {
    await startTrainingSandbox(page);
    const grid = inboxGrid(page, GP);
    const rows = grid.getByRole('row').filter({ hasNot: page.getByRole('columnheader') });
    const detail = selectedMessage(page);

    // Saving: the three parts are joined into one file, then (the training mailboxes acknowledge after saving) it leaves the inbox.
    await rows.filter({ hasText: 'Monthly pathology results' }).click();
    await detail.getByRole('button', { name: 'Download' }).click();
    await expect(detail.getByText('Saved and collected')).toBeVisible({ timeout: 30_000 });
    const folder = join(app.dataFolder, 'Training downloads', GP.id);
    // The file under its own name (not numbered: nothing was there before), with MESH's details beside it.
    expect((await readdir(folder)).filter((name) => name.startsWith('pathology-results')).sort()).toEqual([
      'pathology-results.csv',
      'pathology-results.csv.mesh.json',
    ]);
    const text = await readFile(join(folder, 'pathology-results.csv'), 'utf8');
    expect(text.startsWith('test,result,units\nSAMPLE-0,0,mmol/L\n')).toBe(true);
    expect(text.length).toBeGreaterThanOrEqual(2_600_000);
    // Every row is whole and in order: the parts were joined at the right places.
    const lines = text.split('\n').slice(1);
    expect(lines.every((line, index) => line.startsWith(`SAMPLE-${index},`) && line.endsWith(',mmol/L'))).toBe(true);

    // Acknowledging by hand warns that the file was never saved, and asks first.
    await rows.filter({ hasText: 'Discharge summary (training sample)' }).click();
    // Moving on lets the collected message go.
    await expect(rows.filter({ hasText: 'Monthly pathology results' })).toHaveCount(0);
    await detail.getByRole('button', { name: /^Acknowledge/ }).click();
    const confirm = page.getByRole('alertdialog', { name: /Acknowledge this message\?/ });
    await expect(confirm.getByRole('heading', { name: /Acknowledge this message\?/ })).toBeFocused();
    await expect(confirm).toContainText('for everyone who uses that mailbox');
    await expect(confirm).toContainText('This message has not been saved on this computer.');
    await confirm.getByRole('button', { name: 'Yes, acknowledge it' }).click();
    await expect(page.getByText('1 message acknowledged')).toBeVisible();
    await expect(rows.filter({ hasText: 'Discharge summary' })).toHaveCount(0);
    await expect(rows).toHaveCount(1);
    await expect(mailboxButton(page, GP)).not.toContainText('waiting');
  });
});
