// The Electron glue is tested with the electron module stood in: the binary
// cannot run here, but what the glue asks of Electron can be checked.
import { EventEmitter } from 'node:events';
import { beforeEach, describe, expect, it, vi } from 'vitest';

const electron = vi.hoisted(() => {
  const handlers = new Map<string, (event: unknown, args: unknown) => unknown>();
  const windows: { options: Record<string, unknown>; url?: string }[] = [];
  return {
    handlers,
    windows,
    opened: [] as string[],
  };
});

vi.mock('electron', async () => {
  // Imported here because vi.mock runs before the file's own imports.
  const { EventEmitter } = await import('node:events');
  class BrowserWindow extends EventEmitter {
    webContents: EventEmitter & { setWindowOpenHandler: (h: unknown) => void; openHandler?: unknown };
    constructor(options: Record<string, unknown>) {
      super();
      const record: { options: Record<string, unknown>; url?: string } = { options };
      electron.windows.push(record);
      const contents = new EventEmitter() as EventEmitter & { setWindowOpenHandler: (h: unknown) => void; openHandler?: unknown };
      contents.setWindowOpenHandler = (h: unknown) => {
        contents.openHandler = h;
      };
      this.webContents = contents;
      this.loadURL = async (url: string) => {
        record.url = url;
      };
    }
    loadURL: (url: string) => Promise<void>;
  }
  return {
    BrowserWindow,
    dialog: { showOpenDialog: async () => ({ canceled: false, filePaths: ['/from/a/real/dialog'] }) },
    session: { defaultSession: { resolveProxy: async () => 'PROXY proxy.trust.nhs.uk:8080; DIRECT' } },
    nativeTheme: { shouldUseDarkColors: false },
    shell: { openExternal: async (url: string) => void electron.opened.push(url) },
    ipcMain: {
      handle: (channel: string, fn: (event: unknown, args: unknown) => unknown) => electron.handlers.set(channel, fn),
      removeHandler: (channel: string) => electron.handlers.delete(channel),
    },
  };
});

const { createMainWindow } = await import('../../../main/app/window');
const { hardenWebContents, isAppUrl, isExternalLinkAllowed } = await import('../../../main/app/security');
const { connectIpc } = await import('../../../main/app/ipc');
const { createAppServices } = await import('../../../main/services/app-services');
const { silentLogger } = await import('../../../main/log/logger');
const { allRequestNames, requestSenders, requestChannel } = await import('../../../main/contract/channels');
const { electronPlatform } = await import('../../../main/app/platform');
const { proxyFromPacResult } = await import('../../../main/services/platform');
const { trayTooltip } = await import('../../../main/app/tray');

beforeEach(() => {
  electron.windows.length = 0;
  electron.handlers.clear();
  electron.opened.length = 0;
});

describe('the main window', () => {
  it('is sandboxed and context-isolated with no Node in the page', () => {
    createMainWindow('/out/preload/electron.cjs', '/resources/icon.png', silentLogger);
    const prefs = electron.windows[0]!.options.webPreferences as Record<string, unknown>;
    expect(prefs).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webviewTag: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      preload: '/out/preload/electron.cjs',
    });
    expect(electron.windows[0]!.url).toBe('app://mesh-desktop/index.html');
  });
});

describe('navigation and new windows', () => {
  function harden() {
    const contents = new EventEmitter() as EventEmitter & {
      setWindowOpenHandler: (h: (d: { url: string }) => unknown) => void;
      open?: (d: { url: string }) => unknown;
    };
    contents.setWindowOpenHandler = (h) => {
      contents.open = h;
    };
    hardenWebContents(contents as never, silentLogger);
    return contents;
  }

  it('blocks navigation away from the app', () => {
    const contents = harden();
    const event = { preventDefault: vi.fn() };
    contents.emit('will-navigate', event, 'https://example.org/phish');
    expect(event.preventDefault).toHaveBeenCalled();
    const inside = { preventDefault: vi.fn() };
    contents.emit('will-navigate', inside, 'app://mesh-desktop/index.html');
    expect(inside.preventDefault).not.toHaveBeenCalled();
  });

  it('denies every new window and sends only https links to the system browser', () => {
    const contents = harden();
    expect(contents.open!({ url: 'https://digital.nhs.uk/' })).toEqual({ action: 'deny' });
    expect(electron.opened).toEqual(['https://digital.nhs.uk/']);
    for (const url of [
      'http://example.org/',
      'file:///etc/passwd',
      'javascript:alert(1)',
      'https://user:pw@example.org/',
      'smb://server/share',
    ]) {
      expect(contents.open!({ url })).toEqual({ action: 'deny' });
    }
    expect(electron.opened).toHaveLength(1);
  });

  it('blocks webviews', () => {
    const contents = harden();
    const event = { preventDefault: vi.fn() };
    contents.emit('will-attach-webview', event);
    expect(event.preventDefault).toHaveBeenCalled();
  });

  it.each([
    ['app://mesh-desktop/index.html', true],
    ['app://mesh-desktop.evil/index.html', false],
    ['app://other/index.html', false],
    ['https://mesh-desktop/', false],
    ['not a url', false],
  ])('treats %s as the app: %s', (url, expected) => {
    expect(isAppUrl(url)).toBe(expected);
  });

  it('allows only plain https links out', () => {
    expect(isExternalLinkAllowed('https://pki.nhs.uk/')).toBe(true);
    expect(isExternalLinkAllowed('http://pki.nhs.uk/')).toBe(false);
  });
});

describe('IPC', () => {
  async function connect() {
    const services = await createAppServices({ shell: 'electron', dataFolder: '/data', log: silentLogger });
    connectIpc(services, () => undefined, silentLogger);
    return (name: string, args: unknown, url = 'app://mesh-desktop/index.html', parent: unknown = null) =>
      electron.handlers.get(requestChannel(name as never))!({ senderFrame: { url, parent } }, args);
  }

  it('registers exactly one handler per request in the contract, bridge-only ones included', async () => {
    await connect();
    expect(allRequestNames).toContain('registerFilePath');
    expect([...electron.handlers.keys()].sort()).toEqual(
      Object.keys(requestSenders)
        .map((n) => requestChannel(n as never))
        .sort(),
    );
  });

  it('answers the app page through the validating dispatcher', async () => {
    const invoke = await connect();
    expect(await invoke('getAppInfo', [])).toMatchObject({ ok: true, value: { shell: 'electron' } });
    expect(await invoke('describeMailbox', [123])).toMatchObject({ ok: false, error: { code: 'invalid-argument' } });
  });

  it('refuses requests from frames that are not the app', async () => {
    const invoke = await connect();
    expect(await invoke('getAppInfo', [], 'https://evil.example/')).toMatchObject({ ok: false });
    expect(await invoke('getAppInfo', [], 'app://mesh-desktop/index.html', { url: 'x' })).toMatchObject({ ok: false });
  });
});

describe('the native side for services', () => {
  it('answers the folder dialog from the test stand-in in test mode, and from Electron otherwise', async () => {
    expect(
      await electronPlatform(() => undefined, { MESH_DESKTOP_TEST_MODE: '1', MESH_DESKTOP_TEST_FOLDER: '/tmp/chosen' }).chooseFolder!(
        'Pick',
      ),
    ).toBe('/tmp/chosen');
    expect(await electronPlatform(() => undefined, { MESH_DESKTOP_TEST_MODE: '1' }).chooseFolder!('Pick')).toBeNull();
    expect(await electronPlatform(() => undefined, {}).chooseFolder!('Pick')).toBe('/from/a/real/dialog');
  });

  it('asks Chromium for the system proxy (PAC and WPAD included) and reads its answer', async () => {
    expect(await electronPlatform(() => undefined, {}).resolveProxy!('https://mesh-sync.spineservices.nhs.uk')).toBe(
      'http://proxy.trust.nhs.uk:8080',
    );
  });

  it.each([
    ['DIRECT', undefined],
    ['PROXY proxy:8080', 'http://proxy:8080'],
    ['HTTPS secure-proxy:443; DIRECT', 'https://secure-proxy:443'],
    ['SOCKS5 socks:1080; PROXY p:3128', 'http://p:3128'],
    ['', undefined],
  ])('reads the PAC answer %j', (pac, expected) => {
    expect(proxyFromPacResult(pac)).toBe(expected);
  });

  it('sums unread messages for the tray', () => {
    const box = (unread: number) => ({
      id: String(unread),
      mailboxId: 'X',
      displayName: 'X',
      environment: 'INT' as const,
      managed: false,
      training: false,
      unread,
      status: { connection: 'unknown' as const },
    });
    expect(trayTooltip([])).toBe('MESH Desktop: no mailbox set up');
    expect(trayTooltip([box(0)])).toBe('MESH Desktop: no new messages');
    expect(trayTooltip([box(2), box(1)])).toBe('MESH Desktop: 3 new messages');
  });
});
