// The desktop window's whole path to main, run together: the real preload
// (preload/electron.ts) and the real IPC glue (main/app/ipc.ts) over a stand-in
// of Electron that behaves as Electron does where it matters: an invoke with no
// handler rejects, a second handler for a channel throws, arguments and
// replies are structured-cloned, and only a File the person picked has a path.
// Behind it are the real services, sending over mutual TLS to the emulator.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes, randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { MeshApi } from '../../../main/contract/schemas';
import type { Reply, TransferView } from '../../../main/contract/types';

const electron = vi.hoisted(() => {
  type Handler = (event: unknown, ...args: unknown[]) => unknown;
  const handlers = new Map<string, Handler>();
  const listeners = new Map<string, Set<(event: unknown, payload: unknown) => void>>();
  const picked = new WeakMap<object, string>();
  const exposed: Record<string, unknown> = {};
  const frame = { url: 'app://mesh-desktop/index.html', parent: null as unknown };
  return { handlers, listeners, picked, exposed, frame };
});

vi.mock('electron', () => ({
  ipcMain: {
    handle: (channel: string, handler: (event: unknown, ...args: unknown[]) => unknown) => {
      if (electron.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
      electron.handlers.set(channel, handler);
    },
    removeHandler: (channel: string) => electron.handlers.delete(channel),
  },
  ipcRenderer: {
    invoke: async (channel: string, ...args: unknown[]) => {
      const handler = electron.handlers.get(channel);
      if (!handler) throw new Error(`Error invoking remote method '${channel}': Error: No handler registered for '${channel}'`);
      const reply = await handler({ senderFrame: electron.frame, sender: {} }, ...structuredClone(args));
      return structuredClone(reply);
    },
    on: (channel: string, listener: (event: unknown, payload: unknown) => void) => {
      const set = electron.listeners.get(channel) ?? new Set();
      set.add(listener);
      electron.listeners.set(channel, set);
    },
    removeListener: (channel: string, listener: (event: unknown, payload: unknown) => void) => {
      electron.listeners.get(channel)?.delete(listener);
    },
  },
  contextBridge: {
    exposeInMainWorld: (key: string, api: unknown) => {
      electron.exposed[key] = api;
    },
  },
  // Electron gives a path only for a File that came from a file picker or a drop.
  webUtils: { getPathForFile: (file: File) => electron.picked.get(file) ?? '' },
}));

const { startMeshFixture } = await import('../../support/mesh-fixture');
const { createAppServices } = await import('../../../main/services/app-services');
const { createLogger } = await import('../../../main/log/logger');
const { connectIpc } = await import('../../../main/app/ipc');
const { electronPlatform } = await import('../../../main/app/platform');
const { allRequestNames, bridgeOnlyRequestNames, requestChannel, requestNames } = await import('../../../main/contract/channels');
const { ipcRenderer } = await import('electron');

type Fixture = Awaited<ReturnType<typeof startMeshFixture>>;
let mesh: Fixture;
let folder: string;
let services: Awaited<ReturnType<typeof createAppServices>>;
let log: ReturnType<typeof createLogger>;
let disconnect: () => void;
let api: MeshApi;
const keychainService = `MESH Desktop bridge test ${randomUUID()}`;

const window = {
  isDestroyed: () => false,
  webContents: {
    send: (channel: string, payload: unknown) => {
      for (const listener of electron.listeners.get(channel) ?? []) listener({ sender: {} }, structuredClone(payload));
    },
  },
};

/** What a file picker hands the page: a File, and (inside Electron only) its path. */
function pick(path: string, bytes: Buffer, name: string): File {
  writeFileSync(path, bytes);
  const file = new File([new Uint8Array(bytes)], name);
  electron.picked.set(file, path);
  return file;
}

function value<T>(reply: Reply<T>): T {
  if (!reply.ok) throw new Error(`${reply.error.code}: ${reply.error.message}`);
  return reply.value;
}

beforeAll(async () => {
  mesh = await startMeshFixture();
  folder = mkdtempSync(join(tmpdir(), 'ipc-bridge-'));
  log = createLogger({ folder: join(folder, 'logs') });
  services = await createAppServices({
    shell: 'electron',
    dataFolder: folder,
    log,
    policyPath: join(folder, 'no-policy.json'),
    keychainService,
    // The app's own platform, its folder dialog answered as the app's test mode does (MESH_DESKTOP_TEST_FOLDER).
    platform: electronPlatform(() => window as never, { MESH_DESKTOP_TEST_MODE: '1', MESH_DESKTOP_TEST_FOLDER: join(folder, 'chosen') }),
  });
  disconnect = connectIpc(services, () => window as never, log);
  await import('../../../preload/electron');
  api = electron.exposed.mesh as MeshApi;
  value(await api.updateSettings({ extraCaFiles: [mesh.files.caCert] }));
});

afterAll(async () => {
  disconnect?.();
  await services?.shutdown();
  await log?.close();
  const keytar = (await import('keytar')).default;
  for (const credential of await keytar.findCredentials(keychainService)) await keytar.deletePassword(keychainService, credential.account);
  await mesh?.close();
  rmSync(folder, { recursive: true, force: true });
});

describe('the Electron bridge, preload and main together', () => {
  it('behaves as Electron does: an invoke on a channel nobody handles rejects', async () => {
    await expect(ipcRenderer.invoke('mesh:request:noSuchThing', [])).rejects.toThrow(/No handler registered/);
  });

  it('has a handler for every request the contract names, bridge-only ones included', async () => {
    for (const name of allRequestNames) {
      // Empty arguments: a validation refusal is an answer; a rejection would mean no path to main.
      const reply = (await ipcRenderer.invoke(requestChannel(name), [])) as Reply<unknown>;
      expect(typeof reply.ok, name).toBe('boolean');
    }
  });

  it('offers the page every page request and no bridge-only one', () => {
    for (const name of requestNames) expect(typeof (api as unknown as Record<string, unknown>)[name], name).toBe('function');
    for (const name of bridgeOnlyRequestNames) expect((api as unknown as Record<string, unknown>)[name], name).toBeUndefined();
  });

  it('attaches a file the person picked and sends it to MESH', async () => {
    const mailbox = value(
      await api.addMailbox({
        environment: 'CUSTOM',
        customUrl: mesh.sandbox.url,
        mailboxId: 'X26ABC1',
        displayName: 'Riverside Surgery',
        password: 'password',
        sharedKey: 'TestKey',
        certificate: { kind: 'pem', certificatePath: mesh.files.clientCert, keyPath: mesh.files.clientKey },
        downloadFolder: join(folder, 'received'),
      }),
    );
    const bytes = randomBytes(256 * 1024);
    const choice = value(await api.registerFile(pick(join(folder, 'discharge summary.pdf'), bytes, 'discharge summary.pdf')));
    expect(choice).toMatchObject({ name: 'discharge summary.pdf', size: bytes.length });

    const done = new Promise<TransferView>((resolve, reject) => {
      const off = api.on('transfer-progress', (view) => {
        if (view.state === 'done') resolve(view);
        if (view.state === 'failed') reject(new Error(view.error?.message));
        if (view.state === 'done' || view.state === 'failed') off();
      });
    });
    const [sent] = value(
      await api.sendMessage({
        profileId: mailbox.id,
        recipients: ['X26ABC2'],
        workflowId: 'TEST_WORKFLOW',
        subject: 'Discharge',
        fileRef: choice.fileRef,
      }),
    );
    expect(sent).toBeDefined();
    await done;
    const [history] = value(await api.listSent(mailbox.id));
    expect(history).toMatchObject({ status: 'accepted', to: { mailboxId: 'X26ABC2' } });
    const stored = mesh.sandbox.message(history!.messageId!);
    expect(stored).toBeDefined();
  });

  it('refuses a File the page made up, which has no path on disk', async () => {
    const forged = new File(['made up by a script'], 'passwd');
    const reply = await api.registerFile(forged);
    expect(reply).toMatchObject({ ok: false, error: { code: 'invalid-argument' } });
  });

  it('answers no frame but the app page, bridge-only requests included', async () => {
    const handler = electron.handlers.get(requestChannel('registerFilePath'))!;
    const fromElsewhere = (await handler({ senderFrame: { url: 'https://evil.example/', parent: null } }, [
      '/etc/passwd',
    ])) as Reply<unknown>;
    expect(fromElsewhere.ok).toBe(false);
    const fromSubframe = (await handler({ senderFrame: { url: 'app://mesh-desktop/index.html', parent: {} } }, [
      '/etc/passwd',
    ])) as Reply<unknown>;
    expect(fromSubframe.ok).toBe(false);
    const noFrame = (await handler({ senderFrame: null }, ['/etc/passwd'])) as Reply<unknown>;
    expect(noFrame.ok).toBe(false);
  });

  it('reads the activity record a page at a time and saves an export in the folder the person chose', async () => {
    const first = value(await api.listActivity({}, { offset: 0, limit: 1 }));
    expect(first.entries).toHaveLength(1);
    expect(first.matched).toBeGreaterThanOrEqual(1);
    expect(first.verified.ok).toBe(true);
    const refused = await api.listActivity({}, { offset: 0, limit: 5000 });
    expect(refused).toMatchObject({ ok: false, error: { code: 'invalid-argument' } });
    if (!refused.ok) expect(refused.error.message).toMatch(/at most 1000/);

    mkdirSync(join(folder, 'chosen'), { recursive: true });
    const saved = value(await api.exportActivity({}, 'csv'));
    expect(saved).toMatchObject({ kind: 'saved', entries: first.matched });
    if (saved.kind !== 'saved') return;
    expect(saved.path.startsWith(join(folder, 'chosen'))).toBe(true);
    const text = readFileSync(saved.path, 'utf8');
    expect(text.startsWith('\uFEFFEntry,Time (UTC),')).toBe(true);
    expect(text.split('\r\n').filter(Boolean)).toHaveLength(first.matched + 1);
  });
});
