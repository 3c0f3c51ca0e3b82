import type { AppInfo } from '../contract/types';

/**
 * What the shell around the services can do natively. Electron can open a
 * folder picker and show a file in Explorer; the browser preview cannot, and
 * says so rather than pretending.
 */
export interface Platform {
  capabilities: AppInfo['capabilities'];
  chooseFolder?(title: string): Promise<string | null>;
  showInFolder?(path: string): Promise<void>;
}

/** The preview's platform: no native dialogs, notifications through the browser. */
export const browserPlatform: Platform = {
  capabilities: { chooseFolder: false, showInFolder: false, notifications: true },
};
