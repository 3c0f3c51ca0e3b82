import { BrowserWindow, nativeTheme } from 'electron';
import type { Logger } from '../log/logger';
import { APP_ORIGIN, hardenWebContents } from './security';

/** Creates the one main window, locked down as the Electron security checklist asks. */
export function createMainWindow(preloadPath: string, iconPath: string, log: Logger): BrowserWindow {
  const window = new BrowserWindow({
    width: 1280,
    height: 820,
    minWidth: 900,
    minHeight: 600,
    show: false,
    title: 'MESH Desktop',
    backgroundColor: nativeTheme.shouldUseDarkColors ? '#212b32' : '#f0f4f5',
    icon: iconPath,
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webviewTag: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      spellcheck: false,
    },
  });
  hardenWebContents(window.webContents, log);
  window.once('ready-to-show', () => window.show());
  void window.loadURL(`${APP_ORIGIN}/index.html`);
  return window;
}
