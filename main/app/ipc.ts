import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron';
import { allRequestNames, eventChannel, requestChannel } from '../contract/channels';
import type { AppServices } from '../services/app-services';
import type { Logger } from '../log/logger';
import { isAppUrl } from './security';

/**
 * Connects the typed contract to Electron IPC: one channel per request in the
 * contract's table, page and bridge-only alike, each answered only for the
 * app's own page and only after the dispatcher has validated its arguments.
 *
 * Everything on these channels was sent by the preload: context isolation
 * keeps `ipcRenderer` out of the page, which reaches main only through the
 * verbs the preload puts on `window.mesh`. So the sender is the bridge, and a
 * bridge-only request such as `registerFilePath` is answered here.
 */
export function connectIpc(services: AppServices, getWindow: () => BrowserWindow | undefined, log: Logger): () => void {
  for (const name of allRequestNames) {
    ipcMain.handle(requestChannel(name), (event: IpcMainInvokeEvent, args: unknown) => {
      if (!isTrustedSender(event)) {
        log.warn('Refused a request from a frame that is not the app', { name, url: frameUrl(event) });
        return { ok: false, error: { code: 'invalid-argument', message: 'Refused: this request did not come from MESH Desktop.' } };
      }
      return services.dispatch(name, args, 'bridge');
    });
  }
  const unsubscribe = services.events.subscribe((name, payload) => {
    const window = getWindow();
    if (window && !window.isDestroyed()) window.webContents.send(eventChannel(name), payload);
  });
  return () => {
    unsubscribe();
    for (const name of allRequestNames) ipcMain.removeHandler(requestChannel(name));
  };
}

function isTrustedSender(event: IpcMainInvokeEvent): boolean {
  const frame = event.senderFrame;
  return frame !== null && frame !== undefined && frame.parent === null && isAppUrl(frame.url);
}

function frameUrl(event: IpcMainInvokeEvent): string | null {
  const url = event.senderFrame?.url;
  return typeof url === 'string' ? url.slice(0, 200) : null;
}
