// The Electron preload: runs sandboxed and context-isolated, and hands the
// window exactly the typed contract, never ipcRenderer itself.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { eventChannel, requestChannel } from '../main/contract/channels';
import type { Reply } from '../main/contract/types';
import { createMeshApi } from './create-api';

const api = createMeshApi({
  invoke: (name, args) => ipcRenderer.invoke(requestChannel(name), args) as Promise<Reply<unknown>>,
  subscribe: (name, listener) => {
    // The IPC event object is dropped: it carries a sender the window must not see.
    const wrapped = (_event: IpcRendererEvent, payload: unknown) => listener(payload);
    ipcRenderer.on(eventChannel(name), wrapped);
    return () => {
      ipcRenderer.removeListener(eventChannel(name), wrapped);
    };
  },
});

contextBridge.exposeInMainWorld('mesh', api);
