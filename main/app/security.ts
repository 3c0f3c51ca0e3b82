import { shell, type Session, type WebContents } from 'electron';
import { CONTENT_SECURITY_POLICY } from '../shared/csp';
import type { Logger } from '../log/logger';

export const APP_SCHEME = 'app';
const APP_HOST = 'mesh-desktop';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;

/** True for the app's own pages, and nothing else. */
export function isAppUrl(url: string): boolean {
  try {
    // Compared by parts: WHATWG URL gives custom schemes an opaque "null" origin.
    const parsed = new URL(url);
    return parsed.protocol === `${APP_SCHEME}:` && parsed.host === APP_HOST && parsed.username === '' && parsed.password === '';
  } catch {
    return false;
  }
}

/** Only plain https links leave the app, and only to the system browser. */
export function isExternalLinkAllowed(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' && parsed.username === '' && parsed.password === '';
  } catch {
    return false;
  }
}

/**
 * Locks down every web contents: no navigation away from the app, no new
 * windows (https links go to the system browser instead), no webviews, no
 * permission prompts the app does not need.
 */
export function hardenWebContents(contents: WebContents, log: Logger): void {
  contents.on('will-navigate', (event, url) => {
    if (!isAppUrl(url)) {
      event.preventDefault();
      log.warn('Blocked navigation away from the app', { url });
    }
  });
  contents.on('will-redirect', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    if (isExternalLinkAllowed(url)) void shell.openExternal(url);
    else log.warn('Blocked a new window', { url });
    return { action: 'deny' };
  });
}

/** Session-wide rules: CSP on every response, no permissions, no remote requests from the page. */
export function hardenSession(session: Session, log: Logger): void {
  session.setPermissionRequestHandler((_contents, permission, callback) => {
    callback(permission === 'notifications' || permission === 'clipboard-sanitized-write');
  });
  session.webRequest.onBeforeRequest((details, callback) => {
    // The renderer has no network of its own: all MESH traffic goes through main.
    const allowed = isAppUrl(details.url) || details.url.startsWith('devtools://');
    if (!allowed) log.warn('Blocked a request from the window', { url: details.url });
    callback({ cancel: !allowed });
  });
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({
      responseHeaders: {
        ...details.responseHeaders,
        'Content-Security-Policy': [CONTENT_SECURITY_POLICY],
        'X-Content-Type-Options': ['nosniff'],
      },
    });
  });
}
