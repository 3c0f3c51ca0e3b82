// The Electron entry point: thin glue between Electron and the main-process
// services, which live in modules that never import electron.
import { app, Menu, session, type BrowserWindow } from 'electron';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLogger } from '../log/logger';
import { createAppServices } from '../services/app-services';
import { logFolder } from '../shared/paths';
import { connectIpc } from './ipc';
import { buildAppMenu } from './menu';
import { registerAppScheme, serveRenderer } from './protocol';
import { hardenSession, hardenWebContents } from './security';
import { createMainWindow } from './window';
import { electronPlatform } from './platform';
import { createTray } from './tray';
import type { MailboxSummary } from '../contract/types';
import { routeLaunch } from '../cli/launch';
import { runCommandInApp } from './command-mode';

const here = dirname(fileURLToPath(import.meta.url));
const outFolder = join(here, '..');

// One program, two ways in: `mesh-desktop <command>` runs that command and exits; anything else opens the window.
const route = routeLaunch(process.argv, Boolean(process.defaultApp));
if (route.kind === 'command') {
  void runCommandInApp(route);
} else {
  // Tests and IT can point the app at a separate data folder.
  if (route.userDataDir) app.setPath('userData', route.userDataDir);
  registerAppScheme();
  if (!app.requestSingleInstanceLock()) {
    // A second window would fight the first over the same transfers journal.
    app.quit();
  } else {
    void start();
  }
}

async function start(): Promise<void> {
  const dataFolder = app.getPath('userData');
  const log = createLogger({ folder: logFolder(dataFolder), level: process.env.MESH_DESKTOP_LOG_LEVEL === 'debug' ? 'debug' : 'info' });
  let window: BrowserWindow | undefined;
  let quitting = false;

  app.on('second-instance', () => {
    if (!window) return;
    if (window.isMinimized()) window.restore();
    window.focus();
  });
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, log));

  await app.whenReady();
  hardenSession(session.defaultSession, log);
  serveRenderer(join(outFolder, 'renderer'));
  const services = await createAppServices({
    shell: 'electron',
    dataFolder,
    log,
    electronVersion: process.versions.electron,
    platform: electronPlatform(() => window),
  });
  app.on('before-quit', (event) => {
    if (quitting) return;
    // Let running transfers reach a checkpoint before the process goes.
    event.preventDefault();
    quitting = true;
    void services
      .shutdown()
      .catch((error: unknown) => log.error('Shutdown did not finish cleanly', { error }))
      .finally(async () => {
        await log.close();
        app.quit();
      });
  });
  Menu.setApplicationMenu(buildAppMenu(process.platform === 'darwin', !app.isPackaged));
  connectIpc(services, () => window, log);
  const iconPath = app.isPackaged ? join(process.resourcesPath, 'app-icon.png') : join(outFolder, '..', 'resources', 'icon.png');
  window = createMainWindow(join(outFolder, 'preload', 'electron.cjs'), iconPath, log);
  window.on('closed', () => {
    window = undefined;
  });
  const tray = createTray(iconPath, () => window);
  services.events.subscribe((name, payload) => {
    if (name === 'mailboxes-changed') tray.update(payload as MailboxSummary[]);
  });
  void services.dispatch('listMailboxes', []).then((reply) => {
    if (reply.ok) tray.update(reply.value as MailboxSummary[]);
  });
  app.on('window-all-closed', () => app.quit());
  log.info('MESH Desktop started', { version: app.getVersion(), electron: process.versions.electron });
}
