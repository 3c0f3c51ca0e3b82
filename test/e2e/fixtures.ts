// One fixture, two targets: by default each test gets the preview server (the
// real renderer and real main-process services over the token-protected
// bridge) in Chromium; with MESH_DESKTOP_E2E=electron it gets the real
// Electron app. Every test has its own fresh data folder, as a new user would.
import { test as base, expect, _electron, type Page } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(import.meta.url);
const root = resolve(here, '..', '..', '..');
export const target: 'electron' | 'preview' = process.env.MESH_DESKTOP_E2E === 'electron' ? 'electron' : 'preview';

export interface AppHandle {
  target: 'electron' | 'preview';
  dataFolder: string;
  /** The preview's origin (preview target only). */
  origin?: string;
  /** Errors thrown inside the window; a test fails if any happen. */
  pageErrors: string[];
}

function electronBinary(): string {
  if (process.env.ELECTRON_PATH) return process.env.ELECTRON_PATH;
  return createRequire(here)('electron') as string;
}

/** Starts `node out/main/preview.mjs` and resolves with the link it prints. */
export async function startPreview(dataFolder: string, extraEnv: NodeJS.ProcessEnv = {}): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [join(root, 'out/main/preview.mjs'), '--data-dir', dataFolder, '--port', '0'], {
    cwd: root,
    env: { ...process.env, ...extraEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = await new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error(`The preview did not start:\n${output}`)), 20_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /(http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolveUrl(match[1]!);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`The preview exited (${code}):\n${output}`)));
  });
  return { url, child };
}

export const test = base.extend<{ app: AppHandle; appEnv: NodeJS.ProcessEnv }>({
  /** Extra environment for the app under test (a spec sets it with test.use). */
  appEnv: [{}, { option: true }],
  app: async ({}, use) => {
    const dataFolder = mkdtempSync(join(tmpdir(), 'mesh-desktop-e2e-'));
    await use({ target, dataFolder, pageErrors: [] });
    rmSync(dataFolder, { recursive: true, force: true });
  },
  page: async ({ app, appEnv, page: browserPage }, use) => {
    let page: Page;
    let stop: () => Promise<void>;
    if (target === 'electron') {
      const electronApp = await _electron.launch({
        executablePath: electronBinary(),
        args: [root, `--user-data-dir=${app.dataFolder}`],
        env: { ...process.env, MESH_DESKTOP_TEST_MODE: '1', ...appEnv },
      });
      page = await electronApp.firstWindow();
      stop = () => electronApp.close();
    } else {
      const preview = await startPreview(app.dataFolder, appEnv);
      app.origin = new URL(preview.url).origin;
      page = browserPage;
      await page.goto(preview.url);
      stop = async () => {
        // The preview saves its state as it shuts down: wait for it, or the data folder is removed under its feet.
        const child = preview.child;
        if (child.exitCode !== null || child.signalCode !== null) return;
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      };
    }
    page.on('pageerror', (error) => app.pageErrors.push(error.message));
    await use(page);
    await stop();
    expect(app.pageErrors, 'errors thrown inside the window').toEqual([]);
  },
});

export { expect };
