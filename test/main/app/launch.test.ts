// One installed program, two ways in: the routing of the packaged app's
// arguments (pure), and the Electron entry itself with electron stood in,
// which must run a command with no window, tray or single-instance lock.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { COMMAND_NAMES, routeLaunch } from '../../../main/cli/launch';
import { COMMAND_MODULES } from '../../../main/cli/main';

const EXE = 'C:\\Program Files\\MESH Desktop\\mesh-desktop.exe';

describe('routeLaunch', () => {
  it('knows every command the command line has', () => {
    expect(COMMAND_NAMES).toEqual(COMMAND_MODULES.flatMap((m) => m.names));
    expect(COMMAND_NAMES).toEqual(expect.arrayContaining(['send', 'download', 'run', 'status', 'import-config', 'mailbox', 'cert']));
  });

  it.each(COMMAND_NAMES.map((name) => [name]))('sends `%s` to the command line with its arguments intact', (name) => {
    const args = [name, 'X26ABC1', '--to', 'X26ABC2', 'C:\\Users\\alex\\My Documents\\50% "final" ^ report.csv', '--json'];
    expect(routeLaunch([EXE, ...args], false)).toEqual({ kind: 'command', args, env: {} });
  });

  it('opens the window with no arguments, or with only switches', () => {
    expect(routeLaunch([EXE], false)).toEqual({ kind: 'window' });
    expect(routeLaunch([EXE, '--enable-logging', '--remote-debugging-port=0'], false)).toEqual({ kind: 'window' });
  });

  it('gives --user-data-dir to the window, or to a command as its data folder', () => {
    expect(routeLaunch([EXE, '--user-data-dir=D:\\test data'], false)).toEqual({ kind: 'window', userDataDir: 'D:\\test data' });
    expect(routeLaunch([EXE, '--user-data-dir=D:\\test data', 'status', '--json'], false)).toEqual({
      kind: 'command',
      args: ['status', '--json'],
      env: { MESH_DESKTOP_DATA_DIR: 'D:\\test data' },
    });
  });

  it('answers help and the version as the command line', () => {
    for (const word of ['--help', '-h', 'help', '--version', 'version']) {
      expect(routeLaunch([EXE, word], false)).toEqual({ kind: 'command', args: [word], env: {} });
    }
  });

  it('lets the command line answer a mistyped command, but opens the window for a path', () => {
    expect(routeLaunch([EXE, 'sned', 'file.csv'], false)).toMatchObject({ kind: 'command', args: ['sned', 'file.csv'] });
    expect(routeLaunch([EXE, 'C:\\Users\\alex\\referral.csv'], false)).toEqual({ kind: 'window' });
  });

  it('skips the app folder when started as `electron <folder>` from a checkout', () => {
    expect(routeLaunch(['/repo/node_modules/electron/dist/electron', 'out/main/electron.mjs'], true)).toEqual({ kind: 'window' });
    expect(routeLaunch(['/repo/node_modules/electron/dist/electron', '.', 'send', 'a.csv'], true)).toMatchObject({
      kind: 'command',
      args: ['send', 'a.csv'],
    });
  });
});

// The Electron entry: main/app/main.ts runs at import, so each case imports it afresh with its own argv.
const electron = vi.hoisted(() => ({
  calls: [] as string[],
  exitCode: undefined as number | undefined,
  exited: undefined as Promise<number> | undefined,
  resolveExit: (_code: number) => {},
}));

vi.mock('electron', () => {
  const record = (name: string) => () => void electron.calls.push(name);
  const app = {
    requestSingleInstanceLock: () => {
      electron.calls.push('requestSingleInstanceLock');
      return true;
    },
    quit: record('quit'),
    exit: (code: number) => {
      electron.calls.push('exit');
      electron.resolveExit(code);
    },
    setPath: (name: string, value: string) => void electron.calls.push(`setPath ${name} ${value}`),
    // The window path waits here for good: these tests only see what happens before the app is ready.
    whenReady: () => new Promise(() => {}),
    on: (event: string) => void electron.calls.push(`on ${event}`),
    disableHardwareAcceleration: record('disableHardwareAcceleration'),
    getPath: () => '/nowhere',
  };
  return {
    app,
    protocol: { registerSchemesAsPrivileged: record('registerSchemesAsPrivileged'), handle: record('protocol.handle') },
    Menu: { setApplicationMenu: record('setApplicationMenu'), buildFromTemplate: () => ({}) },
    session: {},
    net: {},
    BrowserWindow: class {},
    Tray: class {},
    nativeImage: {},
  };
});

describe('the packaged app started from a shell', () => {
  const argv = process.argv;
  let output = '';
  beforeEach(() => {
    vi.resetModules();
    electron.calls.length = 0;
    electron.exited = new Promise((resolve) => (electron.resolveExit = resolve));
    output = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      output += String(chunk);
      return true;
    });
  });
  afterEach(() => {
    process.argv = argv;
    vi.restoreAllMocks();
  });

  it('runs `mesh-desktop --version` with no window, tray or lock, prints it and exits 0', async () => {
    process.argv = [EXE, '--version'];
    await import('../../../main/app/main');
    expect(await electron.exited).toBe(0);
    expect(output).toMatch(/^\d+\.\d+\.\d+(-dev)?\n$/);
    expect(electron.calls).not.toContain('requestSingleInstanceLock');
    expect(electron.calls).not.toContain('registerSchemesAsPrivileged');
    expect(electron.calls.filter((c) => c.startsWith('on '))).toEqual([]);
  });

  it('exits with the usage code for an unknown command, listing the commands', async () => {
    process.argv = [EXE, 'sned'];
    const errors: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      errors.push(String(chunk));
      return true;
    });
    await import('../../../main/app/main');
    expect(await electron.exited).toBe(2);
    expect(errors.join('')).toContain('there is no command "sned"');
    expect(electron.calls).not.toContain('requestSingleInstanceLock');
  });

  it('opens the window path, lock first, when started with no command', async () => {
    process.argv = [EXE, '--user-data-dir=/tmp/mesh-test'];
    await import('../../../main/app/main');
    await vi.waitFor(() => expect(electron.calls).toContain('requestSingleInstanceLock'));
    expect(electron.calls).toContain('setPath userData /tmp/mesh-test');
    expect(electron.calls).not.toContain('exit');
  });
});
