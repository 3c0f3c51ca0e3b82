// Journey: after a training-sandbox session (the hospital sends the GP a file,
// the GP downloads it, which acknowledges it), the IG lead opens Activity,
// finds the entries, narrows them, exports the CSV and checks it cell by cell,
// and prints the summary. The subject begins with "=" so the export must make
// it inert for Excel.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test, expect } from './fixtures';
import { GP, HOSPITAL, inboxGrid, openFolder, selectedMessage, sha256, sidebar, startTrainingSandbox, switchTo } from './training';

const FILE_NAME = 'care-plan-review.txt';
const SUBJECT = '=SUM(1,2) care plan review';
const WORKFLOW = 'CARE_PLAN_UPDATE';

/** Reads CSV as Excel does: quoted cells may hold commas, quotes ("") and line breaks. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (char === '"') quoted = false;
      else cell += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      row.push(cell);
      cell = '';
    } else if (char === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += char;
  }
  if (cell !== '' || row.length > 0) throw new Error('The CSV does not end with a line break');
  return rows;
}

test('Activity lists a session, filters it, and exports a CSV that Excel reads safely', async ({ page, app }, testInfo) => {
  test.setTimeout(180_000);
  const file = testInfo.outputPath(FILE_NAME);
  await writeFile(file, 'Review of the care plan for a training patient.\n');
  const fileHash = await sha256(file);

  await startTrainingSandbox(page);
  await switchTo(page, HOSPITAL);
  await sidebar(page).getByRole('button', { name: 'New message' }).click();
  await page.getByRole('textbox', { name: 'Recipient mailbox ID' }).fill(GP.id);
  await page.getByRole('textbox', { name: 'Workflow ID' }).fill(WORKFLOW);
  await page.getByRole('textbox', { name: 'Subject (optional)' }).fill(SUBJECT);
  await page.getByLabel('Choose a file, or drag it here').setInputFiles(file);
  await expect(page.getByRole('button', { name: `Remove ${FILE_NAME}` })).toBeVisible();
  await page.getByRole('button', { name: 'Send message' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Sent' })).toBeVisible();
  const sentRow = page
    .getByRole('grid', { name: `Messages sent from ${HOSPITAL.name}` })
    .getByRole('row')
    .filter({ hasText: SUBJECT });
  await expect(sentRow).toContainText('Delivered', { timeout: 60_000 });

  await switchTo(page, GP);
  await openFolder(page, 'Inbox');
  await page.getByRole('button', { name: 'Check now' }).click();
  const row = inboxGrid(page, GP).getByRole('row').filter({ hasText: SUBJECT });
  await row.click();
  await selectedMessage(page).getByRole('button', { name: 'Download' }).click();
  await expect(selectedMessage(page).getByText('Saved and collected')).toBeVisible({ timeout: 60_000 });
  const savedTo = join(app.dataFolder, 'Training downloads', GP.id, FILE_NAME);

  // Activity: everything above, newest first, with the record checked.
  await openFolder(page, 'Activity');
  await expect(page.getByRole('status').filter({ hasText: 'Record checked' })).toContainText('complete and unaltered');
  const grid = page.getByRole('grid', { name: 'Activity on this computer' });
  const about = grid.getByRole('row').filter({ hasText: SUBJECT });
  await expect(about).toHaveCount(3);
  await expect(about.nth(0)).toContainText('Message acknowledged');
  await expect(about.nth(1)).toContainText('Message received');
  await expect(about.nth(2)).toContainText('Message sent');

  // Narrowed to what the GP received: only the receipt and its acknowledgement.
  const filters = page.getByRole('search', { name: 'Filter the activity record' });
  await filters.getByLabel('Direction', { exact: true }).selectOption('received');
  await filters.getByLabel('Mailbox', { exact: true }).selectOption(GP.id);
  await filters.getByLabel('Search', { exact: true }).fill('care plan');
  await expect(about).toHaveCount(2);
  await expect(grid.getByRole('row').filter({ hasText: 'Message sent' })).toHaveCount(0);
  const total = Number((await page.getByText(/^\d+ of \d+ entries$/).textContent())!.split(' of ')[1]!.split(' ')[0]);
  await expect(page.getByText(`2 of ${total} entries`)).toBeVisible();

  // The detail says where the file went and its checksum.
  await about.nth(1).dblclick();
  const detail = page.getByRole('region', { name: 'Selected activity entry' });
  await expect(detail.getByRole('heading', { level: 2, name: 'Message received' })).toBeVisible();
  await expect(detail).toContainText(fileHash);
  await expect(detail).toContainText(savedTo);

  // Export: in the preview main hands the file to the browser.
  const downloading = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export CSV' }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/^mesh-activity-\d{4}-\d{2}-\d{2}-\d{2}-\d{2}-\d{2}\.csv$/);
  await expect(page.getByText('2 entries exported as CSV')).toBeVisible();
  const bytes = await readFile((await download.path())!);
  expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  const [header, ...cells] = parseCsv(bytes.toString('utf8').slice(1));
  expect(header).toEqual([
    'Entry', 'Time (UTC)', 'Local time', 'Time zone', 'Action', 'Direction', 'Outcome', 'Mailbox', 'Environment', 'Account',
    'Computer', 'Via', 'Message ID', 'Local ID', 'From', 'To', 'Workflow', 'Subject', 'File name', 'Size (bytes)', 'SHA-256',
    'Saved to', 'About message', 'Certificate', 'Certificate expires', 'Reason', 'Code', 'Hash',
  ]); // prettier-ignore
  expect(cells).toHaveLength(2);
  const byName = cells.map((cellsOfRow) => Object.fromEntries(header!.map((name, i) => [name, cellsOfRow[i]])));
  const [received, acknowledged] = byName;
  // Oldest first, in order, with ISO times.
  expect(Number(received!.Entry)).toBeLessThan(Number(acknowledged!.Entry));
  for (const entry of byName) {
    expect(entry['Time (UTC)']).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?Z$/);
    expect(entry.Direction).toBe('received');
    expect(entry.Outcome).toBe('ok');
    expect(entry.Mailbox).toBe(GP.id);
    expect(entry.Via).toBe('window');
    expect(entry.From).toBe(HOSPITAL.id);
    expect(entry.Workflow).toBe(WORKFLOW);
    // Made inert: Excel shows the text, it does not run it.
    expect(entry.Subject).toBe(`'${SUBJECT}`);
    expect(entry.Hash).toMatch(/^[0-9a-f]{64}$/);
  }
  expect(received!.Action).toBe('message-received');
  expect(received!['File name']).toBe(FILE_NAME);
  expect(received!['Size (bytes)']).toBe(String((await readFile(file)).length));
  expect(received!['SHA-256']).toBe(fileHash);
  expect(received!['Saved to']).toBe(savedTo);
  expect(acknowledged!.Action).toBe('message-acknowledged');
  expect(acknowledged!['Message ID']).toBe(received!['Message ID']);
  expect(received!['Message ID']).not.toBe('');

  // The printed page is the summary alone.
  await page.emulateMedia({ media: 'print' });
  const summary = page.getByRole('region', { name: 'Printable summary' });
  await expect(summary).toBeVisible();
  await expect(grid).toBeHidden();
  await expect(sidebar(page)).toBeHidden();
  await expect(summary).toContainText('Entries mailbox ' + `${GP.name} (${GP.id}), received, containing "care plan".`);
  await expect(summary.getByRole('table', { name: 'By direction' })).toContainText('Received2');
  await expect(summary.getByRole('table', { name: 'By outcome' })).toContainText('Done2');
  await page.emulateMedia({ media: 'screen' });
  await expect(summary).toBeHidden();
  if (app.target === 'preview') {
    // Chromium's own "Save as PDF" is what the person picks in the print dialog.
    const pdf = await page.pdf({ format: 'A4' });
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
  }
  await openFolder(page, 'Inbox');
});
