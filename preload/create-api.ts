import { eventNames, isEventName, requestNames, type EventName, type RequestName } from '../main/contract/channels';
import type { EventPayloads, MeshApi } from '../main/contract/schemas';
import type { FileChoice, Reply } from '../main/contract/types';

/** How a bridge moves requests and events; Electron IPC and the preview WebSocket each provide one. */
export interface Transport {
  invoke(name: RequestName, args: unknown[]): Promise<Reply<unknown>>;
  subscribe(name: EventName, listener: (payload: unknown) => void): () => void;
  /** Hands a picked or dropped file to main in the way this shell can. */
  registerFile(file: File): Promise<Reply<FileChoice>>;
}

const NOT_A_FILE: Reply<never> = { ok: false, error: { code: 'invalid-argument', message: 'Choose a file to send.' } };

/**
 * Builds `window.mesh` from a transport: one verb per page request, `on` for
 * events and `registerFile`, nothing else. Both bridges use this, so the
 * window cannot tell which one it has.
 */
export function createMeshApi(transport: Transport): MeshApi {
  const api: Record<string, unknown> = {};
  for (const name of requestNames) {
    api[name] = (...args: unknown[]) => {
      // Trailing undefined arguments are left off: JSON would turn them into
      // null, which the validator in main rightly refuses.
      const trimmed = [...args];
      while (trimmed.length > 0 && trimmed[trimmed.length - 1] === undefined) trimmed.pop();
      return transport.invoke(name, trimmed);
    };
  }
  api.on = (event: EventName, listener: (payload: EventPayloads[EventName]) => void) => {
    if (!isEventName(event)) throw new TypeError(`Unknown event "${String(event)}". Known events: ${eventNames.join(', ')}.`);
    if (typeof listener !== 'function') throw new TypeError('The listener must be a function.');
    return transport.subscribe(event, listener as (payload: unknown) => void);
  };
  api.registerFile = (file: File) => (file instanceof File ? transport.registerFile(file) : Promise.resolve(NOT_A_FILE));
  return Object.freeze(api) as MeshApi;
}
