import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron';
import { eventChannel, requestChannel, requestNames } from '../contract/channels';
import type { AppServices } from '../services/app-services';
import type { Logger } from '../log/logger';
import { isAppUrl } from './security';

/**
 * Connects the typed contract to Electron IPC: one channel per request, each
 * answered only for the app's own page and only after the dispatcher has
 * validated its arguments.
 */
export function connectIpc(services: AppServices, getWindow: () => BrowserWindow | undefined, log: Logger): () => void {
  for (const name of requestNames) {
    ipcMain.handle(requestChannel(name), (event: IpcMainInvokeEvent, args: unknown) => {
      if (!isTrustedSender(event)) {
        log.warn('Refused a request from a frame that is not the app', { name, url: event.senderFrame?.url ?? null });
        return { ok: false, error: { code: 'invalid-argument', message: 'Refused: this request did not come from MESH Desktop.' } };
      }
      return services.dispatch(name, args);
    });
  }
  const unsubscribe = services.events.subscribe((name, payload) => {
    const window = getWindow();
    if (window && !window.isDestroyed()) window.webContents.send(eventChannel(name), payload);
  });
  return () => {
    unsubscribe();
    for (const name of requestNames) ipcMain.removeHandler(requestChannel(name));
  };
}

function isTrustedSender(event: IpcMainInvokeEvent): boolean {
  const frame = event.senderFrame;
  return frame !== null && frame.parent === null && isAppUrl(frame.url);
}
