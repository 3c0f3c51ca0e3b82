import { describe, expect, it } from 'vitest';
import { bridgeOnlyRequestNames, requestNames } from '../../main/contract/channels';
import { createMeshApi, type Transport } from '../../preload/create-api';

function recordingTransport() {
  const calls: { name: string; args: unknown[] }[] = [];
  const listeners = new Map<string, Set<(p: unknown) => void>>();
  const transport: Transport = {
    invoke: async (name, args) => {
      calls.push({ name, args });
      return { ok: true, value: name };
    },
    registerFile: async (file) => ({ ok: true, value: { fileRef: 'f1', name: file.name, size: file.size } }),
    subscribe: (name, listener) => {
      const set = listeners.get(name) ?? new Set();
      set.add(listener);
      listeners.set(name, set);
      return () => set.delete(listener);
    },
  };
  const emit = (name: string, payload: unknown) => listeners.get(name)?.forEach((l) => l(payload));
  return { transport, calls, emit };
}

describe('window.mesh as the bridges build it', () => {
  it('has exactly one verb per page request plus on and registerFile, and nothing else', () => {
    const api = createMeshApi(recordingTransport().transport);
    expect(Object.keys(api).sort()).toEqual([...requestNames, 'on', 'registerFile'].sort());
    expect(Object.isFrozen(api)).toBe(true);
  });

  it('never lets the page register a file path itself', () => {
    const api = createMeshApi(recordingTransport().transport) as unknown as Record<string, unknown>;
    for (const name of bridgeOnlyRequestNames) expect(api[name]).toBeUndefined();
  });

  it('registers only real File objects', async () => {
    const api = createMeshApi(recordingTransport().transport);
    expect(await api.registerFile(new File(['abc'], 'a.csv'))).toEqual({ ok: true, value: { fileRef: 'f1', name: 'a.csv', size: 3 } });
    expect(await api.registerFile({ name: '/etc/shadow' } as unknown as File)).toMatchObject({
      ok: false,
      error: { code: 'invalid-argument' },
    });
  });

  it('sends the request name and the arguments as a list', async () => {
    const { transport, calls } = recordingTransport();
    const api = createMeshApi(transport);
    await api.describeMailbox('p1');
    expect(calls).toEqual([{ name: 'describeMailbox', args: ['p1'] }]);
  });

  it('delivers events to subscribers until they unsubscribe', () => {
    const { transport, emit } = recordingTransport();
    const api = createMeshApi(transport);
    const heard: unknown[] = [];
    const off = api.on('notice', (n) => heard.push(n));
    emit('notice', { level: 'info', message: 'one' });
    off();
    emit('notice', { level: 'info', message: 'two' });
    expect(heard).toEqual([{ level: 'info', message: 'one' }]);
  });

  it('refuses to subscribe to an event that does not exist', () => {
    const api = createMeshApi(recordingTransport().transport);
    expect(() => (api.on as (e: string, l: () => void) => void)('everything', () => {})).toThrow(/Unknown event/);
  });
});
