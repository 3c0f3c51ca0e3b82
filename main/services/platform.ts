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
  /** Opens a file in its usual program; resolves to a reason when the system could not. */
  openFile?(path: string): Promise<string | undefined>;
  /**
   * The system's proxy for a URL, as a proxy URL, or undefined for a direct
   * connection. Electron asks Chromium (which knows PAC and WPAD); plain Node
   * has no such knowledge and falls back to HTTPS_PROXY/NO_PROXY.
   */
  resolveProxy?(url: string): Promise<string | undefined>;
}

/** Reads Chromium's PAC-style answer ("PROXY host:port; DIRECT") into a proxy URL. */
export function proxyFromPacResult(result: string): string | undefined {
  for (const entry of result.split(';').map((part) => part.trim())) {
    if (/^DIRECT$/i.test(entry)) return undefined;
    const match = /^(PROXY|HTTPS)\s+(\S+)$/i.exec(entry);
    if (match) return `${match[1]!.toUpperCase() === 'HTTPS' ? 'https' : 'http'}://${match[2]}`;
  }
  return undefined;
}

/** The preview's platform: no native dialogs, notifications through the browser. */
export const browserPlatform: Platform = {
  capabilities: { chooseFolder: false, showInFolder: false, openFile: false, notifications: true },
};
