// The browser preview's bridge: the same `window.mesh` as Electron's preload,
// carried over a WebSocket to the preview server. The token travels in an
// HttpOnly cookie, so nothing on the page ever sees it.
import type { EventName, RequestName } from '../main/contract/channels';
import type { FileChoice, Reply } from '../main/contract/types';
import { createMeshApi } from './create-api';

const LOST: Reply<never> = {
  ok: false,
  error: {
    code: 'network-unreachable',
    message: 'The connection to MESH Desktop was lost. Check that the preview is still running, then reload this page.',
    transient: true,
  },
};

type Pending = (reply: Reply<unknown>) => void;

function connect() {
  const pending = new Map<number, Pending>();
  const listeners = new Map<EventName, Set<(payload: unknown) => void>>();
  let nextId = 1;
  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/__mesh/bridge`;
  const socket = new WebSocket(url);
  const opened = new Promise<boolean>((resolve) => {
    socket.addEventListener('open', () => resolve(true));
    socket.addEventListener('close', () => resolve(false));
  });
  socket.addEventListener('message', (event) => {
    const message = JSON.parse(String(event.data)) as
      { type: 'reply'; id: number; reply: Reply<unknown> } | { type: 'event'; name: EventName; payload: unknown };
    if (message.type === 'reply') {
      pending.get(message.id)?.(message.reply);
      pending.delete(message.id);
    } else if (message.type === 'event') {
      for (const listener of listeners.get(message.name) ?? []) listener(message.payload);
    }
  });
  socket.addEventListener('close', () => {
    for (const resolve of pending.values()) resolve(LOST);
    pending.clear();
  });

  return createMeshApi({
    invoke: async (name: RequestName, args: unknown[]) => {
      if (!(await opened) || socket.readyState !== WebSocket.OPEN) return LOST;
      const id = nextId++;
      return new Promise<Reply<unknown>>((resolve) => {
        pending.set(id, resolve);
        socket.send(JSON.stringify({ type: 'request', id, name, args }));
      });
    },
    registerFile: async (file: File): Promise<Reply<FileChoice>> => {
      // The browser has no file paths: the file is streamed to main, which keeps
      // it in a staging folder until it has been sent.
      try {
        const response = await fetch('/__mesh/files', {
          method: 'POST',
          body: file,
          headers: { 'X-File-Name': encodeURIComponent(file.name), 'Content-Type': 'application/octet-stream' },
          credentials: 'same-origin',
        });
        return (await response.json()) as Reply<FileChoice>;
      } catch {
        return LOST;
      }
    },
    subscribe: (name, listener) => {
      const set = listeners.get(name) ?? new Set();
      set.add(listener);
      listeners.set(name, set);
      return () => set.delete(listener);
    },
  });
}

Object.defineProperty(window, 'mesh', { value: connect(), writable: false, configurable: false });
