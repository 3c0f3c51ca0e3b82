/**
 * The window's services against the emulator, as the tests that drive them
 * through the contract need them: a fresh data folder trusting the emulator's
 * CA, no machine policy, and a keychain service of its own that is emptied
 * afterwards. One set-up for every such test, so they cannot drift apart.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Reply } from '../../main/contract/types';
import { createLogger, type Logger } from '../../main/log/logger';
import { createAppServices, type AppServices } from '../../main/services/app-services';
import { startMeshFixture, type MeshFixture } from './mesh-fixture';

export interface ServicesFixture {
  mesh: MeshFixture;
  /** The data folder. */
  folder: string;
  services: AppServices;
  /** Dispatches one window request and returns its value, or throws with its sentence. */
  call<T>(name: string, ...args: unknown[]): Promise<T>;
  close(): Promise<void>;
}

export async function startServicesFixture(options: { prefix: string; log?: Logger }): Promise<ServicesFixture> {
  const mesh = await startMeshFixture();
  const folder = mkdtempSync(join(tmpdir(), options.prefix));
  const keychainService = `MESH Desktop test ${randomUUID()}`;
  writeFileSync(join(folder, 'settings.json'), JSON.stringify({ version: 1, mailboxes: [], extraCaFiles: [mesh.files.caCert] }));
  const services = await createAppServices({
    shell: 'preview',
    dataFolder: folder,
    log: options.log ?? createLogger({ folder: join(folder, 'logs') }),
    policyPath: join(folder, 'none.json'),
    keychainService,
  });
  return {
    mesh,
    folder,
    services,
    call: async <T>(name: string, ...args: unknown[]) => {
      const reply = (await services.dispatch(name, args)) as Reply<T>;
      if (!reply.ok) throw new Error(`${name}: ${reply.error.message}`);
      return reply.value;
    },
    close: async () => {
      await services.shutdown();
      const keytar = (await import('keytar')).default;
      for (const credential of await keytar.findCredentials(keychainService))
        await keytar.deletePassword(keychainService, credential.account);
      await mesh.close();
      rmSync(folder, { recursive: true, force: true });
    },
  };
}

/** Polls `check` every 200 ms until it gives a value, for up to `timeoutMs`. */
export async function waitFor<T>(check: () => Promise<T | undefined> | T | undefined, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
