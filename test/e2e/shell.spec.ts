import { test, expect } from './fixtures';

test.describe('the app shell', () => {
  test('opens on the first-run welcome (no mailbox yet) and reaches every section', async ({ page }) => {
    await expect(page.getByRole('heading', { level: 1, name: 'Welcome to MESH Desktop' })).toBeVisible();
    await expect(page.getByRole('button', { name: 'Try the training sandbox' })).toBeVisible();
    const folders = page.getByRole('navigation', { name: 'Mailboxes and folders' });
    for (const [link, heading] of [
      ['Sent', 'Sent'],
      ['New message', 'New message'],
      ['Transfers', 'Transfers'],
      ['Settings', 'Settings'],
      ['Inbox', 'Inbox'],
    ] as const) {
      await folders.getByRole('button', { name: link, exact: true }).click();
      await expect(page.getByRole('heading', { level: 1, name: heading })).toBeVisible();
      await expect(folders.getByRole('button', { name: link, exact: true })).toHaveAttribute('aria-current', 'page');
    }
  });

  test('shows real data from main: version, data folder and no mailboxes yet', async ({ page, app }) => {
    await page.getByRole('navigation', { name: 'Mailboxes and folders' }).getByRole('button', { name: 'Settings', exact: true }).click();
    await expect(page.getByTestId('about-data-folder')).toHaveText(app.dataFolder);
    await expect(page.getByTestId('about-version')).toContainText(/MESH Desktop \d+\.\d+\.\d+/);
    await expect(page.getByTestId('about-running-as')).toHaveText(app.target === 'electron' ? 'Desktop app' : 'Browser preview');
    await expect(page.getByText('No mailbox is set up on this computer yet.')).toBeVisible();
  });

  test('the window can use its bridge but has no other way out', async ({ page, app }) => {
    test.skip(app.target !== 'preview', 'The bridge token and cookie exist only in the browser preview.');
    // The token lives in an HttpOnly cookie: script on the page cannot read it.
    expect(await page.evaluate(() => document.cookie)).toBe('');
    // A round trip through the bridge to a main-process service.
    const info = await page.evaluate(async () => window.mesh.getAppInfo());
    expect(info).toMatchObject({ ok: true, value: { shell: 'preview', dataFolder: app.dataFolder } });
    // A bad argument is refused in main with a clear error, not a crash.
    const bad = await page.evaluate(async () => (window.mesh.describeMailbox as (x: unknown) => Promise<unknown>)(42));
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid-argument' } });
    // The CSP forbids talking to anything but the app's own origin.
    const external = await page.evaluate(async () => {
      try {
        await fetch('http://127.0.0.2:9/');
        return 'reached';
      } catch {
        return 'blocked';
      }
    });
    expect(external).toBe('blocked');
  });
});
