// A stand-in for window.mesh in component tests. It is built with the real
// createMeshApi, so it has exactly the contract's shape; only the transport
// is local. End-to-end tests use the real bridge.
import type { EventName, RequestName } from '../../main/contract/channels';
import type { Reply } from '../../main/contract/types';
import { createMeshApi } from '../../preload/create-api';

export type Answers = Partial<Record<RequestName, (...args: unknown[]) => Reply<unknown> | Promise<Reply<unknown>>>>;

export function installFakeMesh(answers: Answers) {
  const listeners = new Map<EventName, Set<(payload: unknown) => void>>();
  const calls: { name: RequestName; args: unknown[] }[] = [];
  const api = createMeshApi({
    invoke: async (name, args) => {
      calls.push({ name, args });
      const answer = answers[name];
      if (!answer) return { ok: false, error: { code: 'internal', message: `No answer for ${name} in this test.` } };
      return answer(...args);
    },
    registerFile: async (file) => ({ ok: true, value: { fileRef: `ref-${file.name}`, name: file.name, size: file.size } }),
    subscribe: (name, listener) => {
      const set = listeners.get(name) ?? new Set();
      set.add(listener);
      listeners.set(name, set);
      return () => set.delete(listener);
    },
  });
  Object.defineProperty(window, 'mesh', { value: api, configurable: true });
  return {
    calls,
    emit: (name: EventName, payload: unknown) => listeners.get(name)?.forEach((l) => l(payload)),
  };
}
