// Journey 7: axe-core looks at every view in the state a person meets it —
// the welcome, the inbox with a message open, Sent, New message showing its
// errors, Transfers and Settings — at the two commonest NHS screen sizes, and
// finds nothing moderate, serious or critical.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { Page } from '@playwright/test';
import { test, expect } from './fixtures';
import { inboxGrid, GP, makeFile, openFolder, selectedMessage, sidebar, startTrainingSandbox, HOSPITAL } from './training';

interface AxeResult {
  violations: { id: string; impact?: string | null; help: string; nodes: { target: unknown[]; failureSummary?: string }[] }[];
}

const axeSource = readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** Moderate, serious and critical axe findings on the page as it is now, in words a failing test can show. */
async function seriousProblems(page: Page): Promise<string[]> {
  // The app's CSP allows only its own scripts, so page.addScriptTag (an inline script) is refused.
  // page.evaluate runs through the browser's debugging protocol, which the CSP does not govern.
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(await axeSource);
  const result = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(context: Document, options: object): Promise<AxeResult> } }).axe;
    return axe.run(document, { resultTypes: ['violations'] });
  });
  return result.violations
    .filter((violation) => violation.impact === 'moderate' || violation.impact === 'serious' || violation.impact === 'critical')
    .map(
      (violation) =>
        `${violation.impact} ${violation.id}: ${violation.help}\n` +
        violation.nodes.map((node) => `  at ${JSON.stringify(node.target)}: ${node.failureSummary ?? ''}`).join('\n'),
    );
}

for (const viewport of [
  { width: 1280, height: 800 },
  { width: 1366, height: 768 },
]) {
  test.describe(`at ${viewport.width}×${viewport.height}`, () => {
    test.use({ viewport });
    test('no moderate, serious or critical accessibility problems on any view', async ({ page }, testInfo) => {
      await everyViewPasses(page, testInfo.outputPath.bind(testInfo));
    });
  });
}

async function everyViewPasses(page: Page, outputPath: (name: string) => string): Promise<void> {
  const check = async (view: string) => expect(await seriousProblems(page), `axe on ${view}`).toEqual([]);

  await expect(page.getByRole('heading', { level: 1, name: 'Welcome to MESH Desktop' })).toBeVisible();
  await check('welcome');

  await startTrainingSandbox(page);
  const rows = inboxGrid(page, GP).getByRole('row');
  await rows.filter({ hasText: 'Discharge summary (training sample)' }).click();
  await expect(selectedMessage(page).getByRole('heading', { level: 2, name: 'Discharge summary (training sample)' })).toBeVisible();
  await check('inbox with a message selected');

  await rows.filter({ hasText: 'Not delivered' }).click();
  await expect(selectedMessage(page).getByRole('heading', { level: 2, name: 'Non-delivery report' })).toBeVisible();
  await selectedMessage(page).getByRole('button', { name: 'Acknowledge…' }).click();
  await expect(page.getByRole('alertdialog', { name: /Acknowledge this report\?/ })).toBeVisible();
  await check('inbox with a non-delivery report and its confirmation');
  await page.keyboard.press('Escape');
  await expect(page.getByRole('alertdialog')).toHaveCount(0);

  await sidebar(page).getByRole('button', { name: 'New message' }).click();
  await page.getByRole('button', { name: 'Send message' }).click();
  await expect(page.getByRole('heading', { name: 'There is a problem' })).toBeVisible();
  await check('new message with errors shown');

  // Something sent, so Sent and Transfers have content.
  await page.getByRole('textbox', { name: 'Recipient mailbox ID' }).fill(HOSPITAL.id);
  await page.getByRole('textbox', { name: 'Workflow ID' }).fill('TOC_FHIR_IP_DISCH_ACK');
  await page.getByLabel('Choose a file, or drag it here').setInputFiles(await makeFile(outputPath('ack.txt'), 1));
  await expect(page.getByRole('heading', { name: 'There is a problem' })).toHaveCount(0);
  await page.getByRole('button', { name: 'Send message' }).click();
  const sentRow = page
    .getByRole('grid', { name: `Messages sent from ${GP.name}` })
    .getByRole('row')
    .filter({ hasText: 'ack.txt' });
  await expect(sentRow).toContainText('Delivered', { timeout: 30_000 });
  await check('sent, just after sending, with the message selected');

  await openFolder(page, 'Transfers');
  await expect(page.getByRole('list', { name: 'Finished transfers' })).toContainText('Sending ack.txt');
  await check('transfers');

  await openFolder(page, 'Activity');
  await expect(
    page.getByRole('grid', { name: 'Activity on this computer' }).getByRole('row').filter({ hasText: 'ack.txt' }).first(),
  ).toBeVisible();
  await check('activity');

  await openFolder(page, 'Settings');
  await check('settings');
}
