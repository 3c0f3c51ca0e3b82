import { Menu, Tray, app, nativeImage, type BrowserWindow } from 'electron';
import type { MailboxSummary } from '../contract/types';

/** The words beside the tray icon: how many messages are waiting, across every mailbox. */
export function trayTooltip(mailboxes: readonly MailboxSummary[]): string {
  const unread = mailboxes.reduce((sum, m) => sum + m.unread, 0);
  if (mailboxes.length === 0) return 'MESH Desktop: no mailbox set up';
  return unread === 0 ? 'MESH Desktop: no new messages' : `MESH Desktop: ${unread} new message${unread === 1 ? '' : 's'}`;
}

/**
 * A tray icon (Windows notification area, Linux status area) with the unread
 * count in its tooltip and on the dock or taskbar badge where the platform has
 * one; clicking it brings the window back.
 */
export function createTray(
  iconPath: string,
  getWindow: () => BrowserWindow | undefined,
): { update(mailboxes: readonly MailboxSummary[]): void; destroy(): void } {
  const tray = new Tray(nativeImage.createFromPath(iconPath).resize({ width: 16, height: 16 }));
  const show = () => {
    const window = getWindow();
    if (!window) return;
    if (window.isMinimized()) window.restore();
    window.show();
    window.focus();
  };
  tray.setContextMenu(
    Menu.buildFromTemplate([
      { label: 'Open MESH Desktop', click: show },
      { type: 'separator' },
      { label: 'Quit', click: () => app.quit() },
    ]),
  );
  tray.on('click', show);
  tray.setToolTip(trayTooltip([]));
  return {
    update: (mailboxes) => {
      tray.setToolTip(trayTooltip(mailboxes));
      // macOS dock and Unity launchers show the number; elsewhere this is a no-op.
      app.setBadgeCount(mailboxes.reduce((sum, m) => sum + m.unread, 0));
    },
    destroy: () => tray.destroy(),
  };
}
