import { dialog, session, shell, type BrowserWindow } from 'electron';
import { proxyFromPacResult, type Platform } from '../services/platform';

/** Native folder picker and Explorer/Finder, for the services. */
export function electronPlatform(getWindow: () => BrowserWindow | undefined, env: NodeJS.ProcessEnv = process.env): Platform {
  // End-to-end tests cannot click a native dialog: in test mode its answer
  // comes from MESH_DESKTOP_TEST_FOLDER instead, as Mattermost's e2e does.
  const testFolder = env.MESH_DESKTOP_TEST_MODE === '1' ? env.MESH_DESKTOP_TEST_FOLDER : undefined;
  return {
    capabilities: { chooseFolder: true, showInFolder: true, openFile: true, notifications: true },
    chooseFolder: async (title) => {
      if (env.MESH_DESKTOP_TEST_MODE === '1') return testFolder ?? null;
      const window = getWindow();
      const options = { title, properties: ['openDirectory', 'createDirectory'] as Array<'openDirectory' | 'createDirectory'> };
      const result = window ? await dialog.showOpenDialog(window, options) : await dialog.showOpenDialog(options);
      return result.canceled ? null : (result.filePaths[0] ?? null);
    },
    showInFolder: async (path) => {
      if (env.MESH_DESKTOP_TEST_MODE === '1') return;
      shell.showItemInFolder(path);
    },
    openFile: async (path) => {
      if (env.MESH_DESKTOP_TEST_MODE === '1') return undefined;
      // openPath answers with an empty string when it worked, else the system's reason.
      return (await shell.openPath(path)) || undefined;
    },
    resolveProxy: async (url) => proxyFromPacResult(await session.defaultSession.resolveProxy(url)),
  };
}
