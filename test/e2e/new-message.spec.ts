// Journeys 4–6 in New message: finding a recipient by organisation, the NHS
// error summary when something is missing, and a whole send by keyboard.
import { test, expect } from './fixtures';
import { GP, HOSPITAL, makeFile, sidebar, startTrainingSandbox } from './training';
import type { Locator, Page } from '@playwright/test';

/** Presses Tab (or Shift+Tab) until the target has focus, as a keyboard user moves through a page. */
async function tabTo(page: Page, target: Locator, { backwards = false, most = 60 } = {}): Promise<void> {
  for (let presses = 0; presses < most; presses++) {
    if (await target.evaluate((element) => element === document.activeElement)) return;
    await page.keyboard.press(backwards ? 'Shift+Tab' : 'Tab');
  }
  await expect(target, `reached by ${backwards ? 'Shift+Tab' : 'Tab'} within ${most} presses`).toBeFocused();
}

test.describe('New message', () => {
  test('finds a recipient by ODS code and workflow, and shows whose mailbox it is before sending', async ({ page }, testInfo) => {
    const file = await makeFile(testInfo.outputPath('practice-acknowledgement.txt'), 1);
    await startTrainingSandbox(page);
    await sidebar(page).getByRole('button', { name: 'New message' }).click();

    const finder = page.getByRole('group').filter({ has: page.getByText('Find a mailbox by organisation') });
    await page.getByText('Find a mailbox by organisation').click();
    const ods = page.getByRole('textbox', { name: 'ODS code' });
    await ods.fill('RR8');
    // Organisations have a mailbox per kind of message, so the workflow comes first.
    await page.getByRole('button', { name: 'Find mailboxes' }).click();
    await expect(finder).toContainText('Enter the workflow ID first');

    await page.getByRole('textbox', { name: 'Workflow ID' }).fill('TOC_FHIR_IP_DISCH_ACK');
    await page.getByRole('button', { name: 'Find mailboxes' }).click();
    const found = page.getByRole('group', { name: 'Mailbox found' });
    const choice = found.getByRole('radio', { name: `${HOSPITAL.name} (${HOSPITAL.id})` });
    await expect(choice).toBeChecked();
    await found.getByRole('button', { name: 'Send to this mailbox' }).click();
    await expect(page.getByRole('status').filter({ hasText: `${HOSPITAL.id} added as a recipient.` })).toBeVisible();

    // The recipient box holds the ID and, beside it, the name MESH gave: seen before anything is sent.
    const recipient = page.getByRole('textbox', { name: 'Recipient mailbox ID' });
    await expect(recipient).toHaveValue(HOSPITAL.id);
    await expect(recipient).toHaveAccessibleDescription(`${HOSPITAL.name} (${HOSPITAL.id})`);

    // An organisation with no mailbox for the workflow says so.
    await ods.fill('X99');
    await page.getByRole('button', { name: 'Find mailboxes' }).click();
    await expect(finder).toContainText('No mailbox was found for X99 and TOC_FHIR_IP_DISCH_ACK. Check the ODS code and the workflow ID.');

    await page.getByLabel('Choose a file, or drag it here').setInputFiles(file);
    await expect(page.getByRole('button', { name: 'Remove practice-acknowledgement.txt' })).toBeVisible();
    await page.getByRole('button', { name: 'Send message' }).click();
    await expect(page.getByRole('heading', { name: 'Your message is being sent' })).toBeVisible();
    await expect(page.getByText(`To ${HOSPITAL.name} (${HOSPITAL.id}).`)).toBeVisible();
    const row = page
      .getByRole('grid', { name: `Messages sent from ${GP.name}` })
      .getByRole('row')
      .filter({ hasText: 'practice-acknowledgement.txt' });
    await expect(row).toContainText(`${HOSPITAL.name} (${HOSPITAL.id})`);
    await expect(row).toContainText('Delivered', { timeout: 30_000 });
    // The message just sent is the one chosen, so its details are open beside the list.
    await expect(row).toHaveAttribute('aria-selected', 'true');
    await expect(
      page.getByRole('region', { name: 'Selected sent message' }).getByRole('heading', { name: 'practice-acknowledgement.txt' }),
    ).toBeVisible();
  });

  test('sending with nothing filled in shows the error summary, with links, and fixing clears it', async ({ page }, testInfo) => {
    const file = await makeFile(testInfo.outputPath('referral.txt'), 1);
    await startTrainingSandbox(page);
    await sidebar(page).getByRole('button', { name: 'New message' }).click();
    await page.getByRole('button', { name: 'Send message' }).click();

    const summary = page.locator('[aria-labelledby="error-summary-title"]');
    await expect(summary.getByRole('heading', { level: 2, name: 'There is a problem' })).toBeVisible();
    await expect(summary).toBeFocused();
    const links = summary.getByRole('link');
    await expect(links).toHaveText([
      'Enter the mailbox ID of the person or organisation you are sending to',
      'Enter the workflow ID',
      'Choose the file to send',
    ]);

    // Each field says what is wrong with it too, and is marked invalid.
    const recipient = page.getByRole('textbox', { name: 'Recipient mailbox ID' });
    const workflow = page.getByRole('textbox', { name: 'Workflow ID' });
    await expect(recipient).toHaveAttribute('aria-invalid', 'true');
    await expect(recipient).toHaveAccessibleDescription(/Error:\s+Enter the mailbox ID of the person or organisation you are sending to/);
    await expect(workflow).toHaveAccessibleDescription(/Error:\s+Enter the workflow ID/);

    // Each link takes focus to its field.
    await links.filter({ hasText: 'Enter the workflow ID' }).click();
    await expect(workflow).toBeFocused();
    await links.filter({ hasText: 'Choose the file to send' }).click();
    await expect(page.getByLabel('Choose a file, or drag it here')).toBeFocused();
    await links.filter({ hasText: 'Enter the mailbox ID' }).click();
    await expect(recipient).toBeFocused();

    // Fixing a field removes its error at once; a wrong value gets its own message.
    await recipient.fill('RR8 OT001');
    await expect(links.first()).toHaveText('The mailbox ID must not contain spaces');
    await recipient.fill(HOSPITAL.id);
    await expect(links).toHaveText(['Enter the workflow ID', 'Choose the file to send']);
    await expect(recipient).not.toHaveAttribute('aria-invalid', 'true');
    await workflow.fill('TOC_FHIR_IP_DISCH_ACK');
    await expect(links).toHaveText(['Choose the file to send']);
    await page.getByLabel('Choose a file, or drag it here').setInputFiles(file);
    await expect(summary).toHaveCount(0);

    await page.getByRole('button', { name: 'Send message' }).click();
    await expect(page.getByRole('heading', { name: 'Your message is being sent' })).toBeVisible();
  });

  test('a whole send by keyboard alone: Tab, Shift+Tab, typing, arrows, Space and Enter', async ({ page }, testInfo) => {
    const file = await makeFile(testInfo.outputPath('discharge-letters.csv'), 2);

    await tabTo(page, page.getByRole('button', { name: 'Try the training sandbox' }));
    await page.keyboard.press('Enter');
    await expect(page.getByRole('heading', { level: 1, name: 'Inbox' })).toBeVisible();

    // Ctrl+N starts a new message, as in Outlook; focus lands on its heading.
    await page.keyboard.press('Control+n');
    await expect(page.getByRole('heading', { level: 1, name: 'New message' })).toBeFocused();

    // From: the hospital, chosen with the arrow keys.
    const from = page.getByRole('combobox', { name: 'From' });
    await tabTo(page, from);
    await page.keyboard.press('ArrowDown');
    await expect(from.locator('option:checked')).toHaveText(`${HOSPITAL.name} (${HOSPITAL.id}) – training`);

    await tabTo(page, page.getByRole('textbox', { name: 'Recipient mailbox ID' }));
    await page.keyboard.type(GP.id);
    await tabTo(page, page.getByRole('textbox', { name: 'Workflow ID' }));
    await page.keyboard.type('TOC_FHIR_IP_DISH');
    await tabTo(page, page.getByRole('textbox', { name: 'Subject (optional)' }));
    await page.keyboard.type('Discharge letters, ward 7');

    // A typo noticed late: back with Shift+Tab to put it right.
    const workflow = page.getByRole('textbox', { name: 'Workflow ID' });
    await tabTo(page, workflow, { backwards: true });
    await page.keyboard.press('Control+a');
    await page.keyboard.type('TOC_FHIR_IP_DISCH');
    await expect(workflow).toHaveValue('TOC_FHIR_IP_DISCH');

    // The file: Space on the file control opens the chooser.
    const fileInput = page.getByLabel('Choose a file, or drag it here');
    await tabTo(page, fileInput);
    const chooser = page.waitForEvent('filechooser');
    await page.keyboard.press('Space');
    await (await chooser).setFiles(file);
    await expect(page.getByText('discharge-letters.csv (2 MB)')).toBeVisible();

    await tabTo(page, page.getByRole('button', { name: 'Send message' }));
    await page.keyboard.press('Enter');
    await expect(page.getByRole('heading', { level: 1, name: 'Sent' })).toBeVisible();
    await expect(page.getByRole('heading', { name: 'Your message is being sent' })).toBeVisible();
    await expect(page.getByText(`To ${GP.name} (${GP.id}).`)).toBeVisible();

    // Into the list by Tab; the arrow keys move through it and Enter opens the message.
    const grid = page.getByRole('grid', { name: `Messages sent from ${HOSPITAL.name}` });
    await tabTo(page, grid);
    await page.keyboard.press('Home');
    await expect(grid.getByRole('row', { selected: true })).toContainText('Discharge letters, ward 7');
    await page.keyboard.press('Enter');
    const detail = page.getByRole('region', { name: 'Selected sent message' });
    await expect(detail.getByRole('heading', { level: 2, name: 'Discharge letters, ward 7' })).toBeFocused();
    await expect(detail.getByText('Delivered', { exact: true })).toBeVisible({ timeout: 30_000 });
  });
});
