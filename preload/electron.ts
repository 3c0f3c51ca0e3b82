// The Electron preload: runs sandboxed and context-isolated, and hands the
// window exactly the typed contract, never ipcRenderer itself.
import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import { eventChannel, requestChannel } from '../main/contract/channels';
import type { FileChoice, Reply } from '../main/contract/types';
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
  registerFile: async (file) => {
    // Only a File the person picked or dropped has a path; the page cannot
    // forge one, so main can trust that this path is the person's choice.
    const path = webUtils.getPathForFile(file);
    if (!path)
      return { ok: false, error: { code: 'invalid-argument', message: 'That file cannot be sent: choose a file saved on this computer.' } };
    return ipcRenderer.invoke(requestChannel('registerFilePath'), [path]) as Promise<Reply<FileChoice>>;
  },
});

contextBridge.exposeInMainWorld('mesh', api);
