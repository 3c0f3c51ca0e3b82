import { dialog, session, shell, type BrowserWindow } from 'electron';
import { proxyFromPacResult, type Platform } from '../services/platform';

/** Native folder picker and Explorer/Finder, for the services. */
export function electronPlatform(getWindow: () => BrowserWindow | undefined): Platform {
  return {
    capabilities: { chooseFolder: true, showInFolder: true, notifications: true },
    chooseFolder: async (title) => {
      const window = getWindow();
      const options = { title, properties: ['openDirectory', 'createDirectory'] as Array<'openDirectory' | 'createDirectory'> };
      const result = window ? await dialog.showOpenDialog(window, options) : await dialog.showOpenDialog(options);
      return result.canceled ? null : (result.filePaths[0] ?? null);
    },
    showInFolder: async (path) => {
      shell.showItemInFolder(path);
    },
    resolveProxy: async (url) => proxyFromPacResult(await session.defaultSession.resolveProxy(url)),
  };
}
