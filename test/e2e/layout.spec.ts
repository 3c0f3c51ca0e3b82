// The window fits the screens staff have (issue 21): at 1280×800 and 1366×768,
// the commonest NHS desktop and laptop sizes, and at 1920×1080, every view is
// walked as a receptionist would and checked for what must be on screen — the
// inbox's Received and Size without scrolling sideways, every sidebar item, the
// acknowledge dialog's buttons, labels that never break inside a word, nothing
// cut off — with a picture of each view at each size under test-results/layout/.
import { fileURLToPath } from 'node:url';
import type { Locator, Page } from '@playwright/test';
import { test, expect } from './fixtures';
import { GP, HOSPITAL, inboxGrid, makeFile, openFolder, selectedMessage, sidebar, startTrainingSandbox } from './training';

const SIZES = [
  { width: 1280, height: 800 },
  { width: 1366, height: 768 },
  { width: 1920, height: 1080 },
] as const;

const folder = fileURLToPath(new URL('../../test-results/layout/', import.meta.url));

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

async function box(locator: Locator): Promise<Box> {
  const found = await locator.boundingBox();
  expect(found, 'the element is laid out').not.toBeNull();
  return found!;
}

/** Asserts the element is wholly inside the window (and, when given, inside a scrolling container's visible part). */
async function expectOnScreen(page: Page, locator: Locator, what: string, within?: Locator): Promise<void> {
  const viewport = page.viewportSize()!;
  const element = await box(locator);
  expect(element.x, `${what}: left edge on screen`).toBeGreaterThanOrEqual(0);
  expect(element.y, `${what}: top edge on screen`).toBeGreaterThanOrEqual(0);
  expect(element.x + element.width, `${what}: right edge on screen`).toBeLessThanOrEqual(viewport.width + 0.5);
  expect(element.y + element.height, `${what}: bottom edge on screen`).toBeLessThanOrEqual(viewport.height + 0.5);
  if (within) {
    const container = await box(within);
    expect(element.x + element.width, `${what}: right edge inside its pane`).toBeLessThanOrEqual(container.x + container.width + 0.5);
    expect(element.y + element.height, `${what}: bottom edge inside its pane`).toBeLessThanOrEqual(container.y + container.height + 0.5);
  }
}

/**
 * What is cut off or broken on the page as it is now: the page scrolling sideways, any
 * label, heading, button or field whose text overflows its box (truncation with an ellipsis
 * is meant, and is left out), and any word in a label split over two lines.
 */
async function layoutProblems(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const problems: string[] = [];
    const root = document.documentElement;
    if (root.scrollWidth > root.clientWidth + 1) problems.push(`the page scrolls sideways (${root.scrollWidth} > ${root.clientWidth})`);
    const name = (element: Element) => `${element.tagName.toLowerCase()} “${(element.textContent ?? '').trim().slice(0, 40)}”`;
    const visible = (element: Element) => {
      const rect = element.getBoundingClientRect();
      return rect.width > 0 && rect.height > 0 && getComputedStyle(element).visibility !== 'hidden';
    };
    const selectors = 'h1, h2, h3, dt, dd, th, legend, label, button, .nhsuk-tag, .app-outcome__title, .app-toast__title, p';
    for (const element of document.querySelectorAll<HTMLElement>(selectors)) {
      if (!visible(element) || element.closest('.nhsuk-u-visually-hidden, .visually-hidden')) continue;
      const style = getComputedStyle(element);
      if (style.textOverflow === 'ellipsis') continue;
      if (element.closest('td')) continue; // table cells truncate with an ellipsis by design, the full text on hover
      if (element.scrollWidth > element.clientWidth + 1 && style.overflowX !== 'visible')
        problems.push(`${name(element)} is cut off (${element.scrollWidth} > ${element.clientWidth})`);
    }
    // A label's words each stay on one line: a word split over lines has more than one box.
    for (const label of document.querySelectorAll<HTMLElement>('dt, th, legend, label, h1, h2, h3, button')) {
      if (!visible(label)) continue;
      const walker = document.createTreeWalker(label, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const text = node.textContent ?? '';
        for (const match of text.matchAll(/[^\s—–-]{2,}/g)) {
          const range = document.createRange();
          range.setStart(node, match.index);
          range.setEnd(node, match.index + match[0].length);
          const lines = new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top)));
          if (lines.size > 1) problems.push(`the word “${match[0]}” in ${name(label)} is broken over ${lines.size} lines`);
        }
      }
    }
    return problems;
  });
}

async function expectTidy(page: Page, view: string): Promise<void> {
  expect(await layoutProblems(page), `layout of ${view}`).toEqual([]);
}

/** Every item in the sidebar can be seen inside it without scrolling: New message, each mailbox, each folder. */
async function expectSidebarFits(page: Page): Promise<void> {
  const nav = sidebar(page);
  const buttons = nav.getByRole('button');
  const count = await buttons.count();
  expect(count).toBeGreaterThanOrEqual(8);
  for (let i = 0; i < count; i++) await expectOnScreen(page, buttons.nth(i), `sidebar item ${i + 1}`, nav);
  // Room for one more folder (an Activity view may join them): the space under Settings is at least one item high.
  const settings = await box(nav.getByRole('button', { name: 'Settings', exact: true }));
  const navBox = await box(nav);
  expect(navBox.y + navBox.height - (settings.y + settings.height), 'room under Settings for one more folder').toBeGreaterThanOrEqual(
    settings.height,
  );
}

async function picture(page: Page, size: { width: number; height: number }, name: string): Promise<void> {
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await page.screenshot({ path: `${folder}${size.width}x${size.height}/${name}.png`, animations: 'disabled', caret: 'hide' });
}

async function dismissNotes(page: Page): Promise<void> {
  const dismiss = page.getByRole('status', { name: 'Messages from MESH Desktop' }).getByRole('button', { name: /^Dismiss/ });
  while ((await dismiss.count()) > 0) await dismiss.first().click();
}

for (const size of SIZES) {
  test.describe(`at ${size.width}×${size.height}`, () => {
    test.use({ viewport: size });

    test('every view fits the window', async ({ page, app }, testInfo) => {
      test.skip(app.target !== 'preview', 'The window size is set on the browser page; an Electron window keeps its own.');
      test.setTimeout(120_000);

      await expect(page.getByRole('heading', { level: 1, name: 'Welcome to MESH Desktop' })).toBeVisible();
      await expectTidy(page, 'welcome');
      await picture(page, size, 'welcome');

      await startTrainingSandbox(page);
      const grid = inboxGrid(page, GP);
      const rows = grid.getByRole('row');
      await expect(rows.filter({ hasText: 'did not arrive' })).toBeVisible();

      // The training banner is one line, whatever the width.
      const banner = page.getByRole('note').filter({ hasText: 'TRAINING' });
      // One line of NHS.UK small body text (24 px) and its padding is 34 px; a second line would make it 58 or more.
      expect((await box(banner)).height, 'the training banner is one line').toBeLessThanOrEqual(40);
      // The sidebar: every item reachable, with room for one more.
      await expectSidebarFits(page);

      // The inbox: From, Subject, Received and Size in view, no sideways scrolling.
      const scroller = page.locator('.app-table-scroll').first();
      for (const column of ['From', 'Subject', 'Received', 'Size']) {
        await expectOnScreen(page, grid.getByRole('columnheader', { name: column }), `the ${column} column`, scroller);
      }
      expect(
        await scroller.evaluate((element) => element.scrollWidth - element.clientWidth),
        'the list does not scroll sideways',
      ).toBeLessThanOrEqual(0);
      // The counts agree with the sidebar: "2 messages waiting" there, "2 waiting" here.
      await expect(page.getByText('3 messages: 2 waiting, 1 non-delivery report')).toBeVisible();
      await expect(sidebar(page).getByRole('button', { name: 'Inbox', exact: true })).toHaveAccessibleDescription('2 messages waiting');
      // Sizes are given, or the column says why not: never a bare dash for a file.
      for (const cell of await grid.getByRole('row').filter({ hasText: 'Northgate' }).locator('td:last-child').all()) {
        await expect(cell).not.toHaveText('—');
      }
      await expectTidy(page, 'inbox');
      await picture(page, size, 'inbox');

      // A message chosen: the pane opens beside the list, its labels whole.
      await rows.filter({ hasText: 'Monthly pathology results' }).click();
      const detail = selectedMessage(page);
      await expect(detail.getByRole('heading', { level: 2, name: /Monthly pathology results/ })).toBeVisible();
      await expectOnScreen(page, detail.getByRole('button', { name: 'Download' }), 'Download');
      await expect(detail.getByText(/Download saves the file, then acknowledges it/)).toBeVisible();
      for (const column of ['Received', 'Size']) {
        await expectOnScreen(page, grid.getByRole('columnheader', { name: column }), `the ${column} column beside the pane`, scroller);
      }
      await expectTidy(page, 'inbox with a message open');
      await picture(page, size, 'message');

      // Acknowledging asks in a dialog, both buttons in view.
      await detail.getByRole('button', { name: 'Acknowledge without saving…' }).click();
      const dialog = page.getByRole('alertdialog', { name: 'Acknowledge this message?' });
      await expect(dialog.getByRole('heading', { name: 'Acknowledge this message?' })).toBeFocused();
      await expectOnScreen(page, dialog.getByRole('button', { name: 'Yes, acknowledge it' }), 'the confirm button');
      await expectOnScreen(page, dialog.getByRole('button', { name: 'Cancel' }), 'the cancel button');
      await expectTidy(page, 'the acknowledge dialog');
      await picture(page, size, 'acknowledge');
      await page.keyboard.press('Escape');
      await expect(dialog).toHaveCount(0);

      // Download (this mailbox acknowledges after saving): one status that ends and names the folder;
      // the message stays in view, saved and collected, until the person moves on.
      await rows.filter({ hasText: 'Discharge summary (training sample)' }).click();
      await detail.getByRole('button', { name: 'Download' }).click();
      const status = page.getByRole('status').filter({ hasText: /^Saved/ });
      await expect(status).toContainText('Saved and collected', { timeout: 30_000 });
      await expect(status).toContainText(app.dataFolder === '' ? '' : '/');
      await expect(detail.getByText('Saved and collected')).toBeVisible();
      await expect(page.getByRole('status', { name: 'Messages from MESH Desktop' })).not.toContainText('File saved');
      await expectTidy(page, 'inbox after a download');
      await picture(page, size, 'saved');

      // New message: the Send button reachable without hunting.
      await sidebar(page).getByRole('button', { name: 'New message' }).click();
      await page.getByRole('textbox', { name: 'Recipient mailbox ID' }).fill(HOSPITAL.id);
      await page.getByRole('textbox', { name: 'Workflow ID' }).fill('TOC_FHIR_IP_DISCH_ACK');
      await page.getByRole('textbox', { name: 'Subject (optional)' }).fill('Discharge summary received');
      await page.getByLabel('Choose a file, or drag it here').setInputFiles(await makeFile(testInfo.outputPath('ack.csv'), 1));
      await expect(page.getByText('ack.csv (1 MB)')).toBeVisible();
      const send = page.getByRole('button', { name: 'Send message' });
      await send.scrollIntoViewIfNeeded();
      await expectOnScreen(page, send, 'Send message');
      await page.getByRole('heading', { level: 1, name: 'New message' }).scrollIntoViewIfNeeded();
      await expectTidy(page, 'new message');
      await picture(page, size, 'new-message');

      await send.click();
      const sentGrid = page.getByRole('grid', { name: `Messages sent from ${GP.name}` });
      // Sent shows To, Subject, Status, Sent and Size by default; the file name is in the reading pane.
      await expect(sentGrid.getByRole('row').filter({ hasText: 'Discharge summary received' })).toContainText('Delivered', {
        timeout: 30_000,
      });
      const sentScroller = page.locator('.app-table-scroll').first();
      for (const column of ['To', 'Subject', 'Status', 'Sent']) {
        await expectOnScreen(page, sentGrid.getByRole('columnheader', { name: column }), `Sent's ${column} column`, sentScroller);
      }
      expect(
        await sentScroller.evaluate((element) => element.scrollWidth - element.clientWidth),
        'Sent does not scroll sideways',
      ).toBeLessThanOrEqual(0);
      await dismissNotes(page);
      await expectTidy(page, 'sent');
      await picture(page, size, 'sent');

      await openFolder(page, 'Transfers');
      const finished = page.getByRole('list', { name: 'Finished transfers' });
      await expect(finished).toContainText('Sending ack.csv');
      await expect(finished).toContainText(HOSPITAL.id);
      await expectTidy(page, 'transfers');
      await picture(page, size, 'transfers');

      await openFolder(page, 'Activity');
      const activityGrid = page.getByRole('grid', { name: 'Activity on this computer' });
      await expect(activityGrid.getByRole('row').filter({ hasText: 'Discharge summary received' }).first()).toContainText('Message sent');
      const activityScroller = page.locator('.app-table-scroll').first();
      for (const column of ['When', 'Action', 'About', 'Outcome']) {
        await expectOnScreen(
          page,
          activityGrid.getByRole('columnheader', { name: column }),
          `Activity's ${column} column`,
          activityScroller,
        );
      }
      for (const button of ['Export CSV', 'Print summary']) {
        await expectOnScreen(page, page.getByRole('button', { name: button }), `Activity: ${button}`);
      }
      expect(
        await activityScroller.evaluate((element) => element.scrollWidth - element.clientWidth),
        'Activity does not scroll sideways',
      ).toBeLessThanOrEqual(0);
      await expectTidy(page, 'activity');
      await picture(page, size, 'activity');

      await openFolder(page, 'Settings');
      await expect(page.getByRole('heading', { level: 3, name: /Riverside Medical Practice/ })).toBeVisible();
      await expectSidebarFits(page);
      await expectTidy(page, 'settings');
      await picture(page, size, 'settings');

      await page.getByRole('heading', { level: 3, name: /Riverside Medical Practice/ }).scrollIntoViewIfNeeded();
      const remove = page.getByRole('button', { name: /^Remove/ }).first();
      if ((await remove.count()) > 0) {
        await remove.click();
        const removeDialog = page.getByRole('alertdialog');
        await expectOnScreen(page, removeDialog.getByRole('button', { name: 'Cancel' }), 'remove dialog: Cancel');
        await expectOnScreen(page, removeDialog.getByRole('button', { name: /^Yes/ }), 'remove dialog: confirm');
        await picture(page, size, 'remove-mailbox');
        await page.keyboard.press('Escape');
      }
    });

    test('a long inbox shows at least 12 rows without scrolling sideways', async ({ page, app }) => {
      test.skip(app.target !== 'preview', 'The long inbox is made on the preview’s bridge.');
      // 200 messages: the bridge's answer to listInbox gets copies of the GP's sample messages.
      await page.routeWebSocket(/\/__mesh\/bridge$/, (socket) => {
        const server = socket.connectToServer();
        const inboxRequests = new Set<number>();
        socket.onMessage((message) => {
          const request = JSON.parse(String(message)) as { type: string; id: number; name: string };
          if (request.type === 'request' && request.name === 'listInbox') inboxRequests.add(request.id);
          server.send(message);
        });
        server.onMessage((message) => {
          const reply = JSON.parse(String(message)) as {
            type: string;
            id: number;
            reply?: { ok: boolean; value?: Record<string, unknown>[] };
          };
          if (
            reply.type === 'reply' &&
            inboxRequests.has(reply.id) &&
            reply.reply?.ok &&
            reply.reply.value &&
            reply.reply.value.length > 0
          ) {
            const real = reply.reply.value;
            const copies = Array.from({ length: 200 - real.length }, (_, i) => ({
              ...real[i % real.length],
              messageId: `COPY${String(i).padStart(4, '0')}_LAYOUT`,
              subject: `Sample message ${i + 1}`,
            }));
            reply.reply.value = [...real, ...copies];
            socket.send(JSON.stringify(reply));
            return;
          }
          socket.send(message);
        });
      });
      await page.reload();
      await startTrainingSandbox(page);
      const grid = inboxGrid(page, GP);
      await expect(page.getByText(/^200 messages/)).toBeVisible();
      const scroller = page.locator('.app-table-scroll').first();
      const view = await box(scroller);
      const visibleRows = await grid.locator('tbody tr[aria-rowindex]').evaluateAll(
        (rows, area) =>
          rows.filter((row) => {
            const rect = row.getBoundingClientRect();
            return rect.top >= area.y - 0.5 && rect.bottom <= area.y + area.height + 0.5;
          }).length,
        view,
      );
      await picture(page, size, 'long-inbox-list');
      expect(visibleRows, 'rows fully in view').toBeGreaterThanOrEqual(12);
      expect(await scroller.evaluate((element) => element.scrollWidth - element.clientWidth), 'no sideways scrolling').toBeLessThanOrEqual(
        0,
      );
      for (const column of ['From', 'Subject', 'Received', 'Size']) {
        await expectOnScreen(page, grid.getByRole('columnheader', { name: column }), `the ${column} column`, scroller);
      }
      // With a message open too: the fifth row on screen (the copies share their originals' arrival times, so
      // which copy sorts where changes from run to run, and a named one may be outside the rows drawn).
      const fifth = grid.locator('tbody tr[aria-rowindex]').nth(4);
      await fifth.click();
      await expect(fifth).toHaveAttribute('aria-selected', 'true');
      await expect(selectedMessage(page).getByRole('heading', { level: 2 })).toBeVisible();
      expect(
        await scroller.evaluate((element) => element.scrollWidth - element.clientWidth),
        'no sideways scrolling with the pane open',
      ).toBeLessThanOrEqual(0);
      await picture(page, size, 'long-inbox');
    });
  });
}

// Smaller still: a laptop at 1280×720 keeps every sidebar item reachable, and at 1024 px wide the
// message's labels stay whole (the floors, below the sizes every view is walked at).
for (const size of [
  { width: 1280, height: 720 },
  { width: 1024, height: 768 },
] as const) {
  test.describe(`at ${size.width}×${size.height}`, () => {
    test.use({ viewport: size });

    test('the sidebar is all reachable and a message’s labels stay whole', async ({ page, app }) => {
      test.skip(app.target !== 'preview', 'The window size is set on the browser page; an Electron window keeps its own.');
      await startTrainingSandbox(page);
      const nav = sidebar(page);
      const buttons = nav.getByRole('button');
      const count = await buttons.count();
      expect(count).toBeGreaterThanOrEqual(8);
      // Reachable: in view once scrolled to, inside the sidebar.
      for (let i = 0; i < count; i++) {
        await buttons.nth(i).scrollIntoViewIfNeeded();
        await expectOnScreen(page, buttons.nth(i), `sidebar item ${i + 1}`, nav);
      }
      const rows = inboxGrid(page, GP).getByRole('row');
      await rows.filter({ hasText: 'Monthly pathology results' }).click();
      await expect(selectedMessage(page).getByRole('heading', { level: 2, name: /Monthly pathology results/ })).toBeVisible();
      await dismissNotes(page);
      await expectTidy(page, 'a message open');
      await picture(page, size, 'message');
      await rows.filter({ hasText: 'Not delivered' }).click();
      await expect(selectedMessage(page).getByRole('heading', { level: 2, name: 'Non-delivery report' })).toBeVisible();
      await expectTidy(page, 'a report open');
      await picture(page, size, 'report');
    });
  });
}
