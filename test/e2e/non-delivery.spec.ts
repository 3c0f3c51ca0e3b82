// Journey 3: the GP sends a care plan to the care home, which never collects
// it. Five days on, MESH removes it and sends the GP a non-delivery report:
// it arrives in the inbox, is shown as such, and leads to the message in Sent.
//
// Five days pass on the training sandbox's own clock (its admin API, on
// 127.0.0.1), followed by its expiry sweep, which is what real MESH does on
// its own. The app is not told anything: it finds the report by checking.
import { test, expect } from './fixtures';
import {
  CARE_HOME,
  GP,
  inboxGrid,
  makeFile,
  openFolder,
  sandboxAdmin,
  selectedMessage,
  sidebar,
  startTrainingSandbox,
  trainingSandbox,
} from './training';

const SUBJECT = 'Care plan review for Mrs B';
const FIVE_DAYS_AND_A_MINUTE_MS = (5 * 24 * 60 + 1) * 60_000;

test('a non-delivery report arrives, is shown as such, and links to the sent message', async ({ page, app }, testInfo) => {
  const file = await makeFile(testInfo.outputPath('care-plan-review.pdf'), 1);
  await startTrainingSandbox(page);

  await sidebar(page).getByRole('button', { name: 'New message' }).click();
  await page.getByRole('textbox', { name: 'Recipient mailbox ID' }).fill(CARE_HOME.id);
  await page.getByRole('textbox', { name: 'Workflow ID' }).fill('CARE_PLAN_UPDATE');
  await page.getByRole('textbox', { name: 'Subject (optional)' }).fill(SUBJECT);
  await page.getByLabel('Choose a file, or drag it here').setInputFiles(file);
  await expect(page.getByRole('button', { name: 'Remove care-plan-review.pdf' })).toBeVisible();
  await page.getByRole('button', { name: 'Send message' }).click();
  const sentGrid = page.getByRole('grid', { name: `Messages sent from ${GP.name}` });
  const sentRow = sentGrid.getByRole('row').filter({ hasText: SUBJECT });
  await expect(sentRow).toContainText('Delivered', { timeout: 30_000 });

  // Nobody at the care home collects it; after five days MESH gives up.
  const sandbox = await trainingSandbox(app.dataFolder);
  await sandboxAdmin(sandbox, '/admin/clock', { advanceMs: FIVE_DAYS_AND_A_MINUTE_MS });
  const swept = (await sandboxAdmin(sandbox, '/admin/expire', {})) as { report_ids: string[] };
  expect(swept.report_ids.length).toBeGreaterThan(0);
  // Back to today, so the app's sign-in tokens are within MESH's two-hour window again.
  await sandboxAdmin(sandbox, '/admin/clock', { now: new Date().toISOString() });

  await openFolder(page, 'Inbox');
  await page.getByRole('button', { name: 'Check now' }).click();
  await expect(page.getByRole('status').filter({ hasText: /new message.*check again/ })).toBeVisible();
  // The report's row says whose message failed, in words; the detail names the workflow.
  const reportRow = inboxGrid(page, GP).getByRole('row').filter({ hasText: SUBJECT });
  await expect(reportRow).toContainText('Not delivered');
  await expect(reportRow).toContainText('MESH (about a message you sent)');
  await expect(reportRow).toContainText(`Your message “${SUBJECT}” did not arrive`);

  await reportRow.click();
  const detail = selectedMessage(page);
  await expect(detail.getByRole('heading', { level: 2, name: 'Non-delivery report' })).toBeVisible();
  await expect(detail).toContainText(`Your message “${SUBJECT}” to ${CARE_HOME.name} (${CARE_HOME.id}) did not arrive`);
  await expect(detail).toContainText('What to do: check the recipient’s mailbox ID and the workflow with them');
  await expect(detail).toContainText('Message not collected by recipient after 5 days');
  await expect(detail).toContainText('MESH code: SEND 14');
  await expect(detail).toContainText('CARE_PLAN_UPDATE');

  // Following the link opens Sent with that very message chosen.
  await detail.getByRole('link', { name: 'Open the message that was not delivered, in Sent' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Sent' })).toBeVisible();
  const sentDetail = page.getByRole('region', { name: 'Selected sent message' });
  await expect(sentDetail.getByRole('heading', { level: 2, name: SUBJECT })).toBeVisible();
  await expect(sentDetail.getByText('Not delivered', { exact: true })).toBeVisible();
  await expect(sentDetail).toContainText('MESH could not deliver it: Message not collected by recipient after 5 days');
  await expect(sentRow).toHaveAttribute('aria-selected', 'true');
  await expect(sentRow).toContainText('Not delivered');

  // Back in the inbox, the report is acknowledged like any message, and leaves; Sent keeps the status.
  await openFolder(page, 'Inbox');
  await reportRow.click();
  await detail.getByRole('button', { name: 'Acknowledge…' }).click();
  const confirm = page.getByRole('alertdialog', { name: /Acknowledge this report\?/ });
  await expect(confirm).toContainText('stays marked “Not delivered” in Sent');
  await confirm.getByRole('button', { name: 'Yes, acknowledge it' }).click();
  await expect(reportRow).toHaveCount(0);
  await openFolder(page, 'Sent');
  await expect(sentRow).toContainText('Not delivered');
});

test("the training sample's report says plainly when its message was not sent from this computer", async ({ page }) => {
  await startTrainingSandbox(page);
  const reportRow = inboxGrid(page, GP).getByRole('row').filter({ hasText: 'Not delivered' });
  await reportRow.click();
  await selectedMessage(page).getByRole('link', { name: 'Open the message that was not delivered, in Sent' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Sent' })).toBeVisible();
  const notice = page.getByRole('alert').filter({ hasText: 'That message is not in Sent' });
  await expect(notice).toContainText('was not sent from this computer, or was sent before MESH Desktop was installed');
});
