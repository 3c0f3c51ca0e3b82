import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { silentLogger } from '../../../main/log/logger';
import { createAppServices } from '../../../main/services/app-services';
import { startPreviewServer, type RunningPreview } from '../../../main/preview/server';

let preview: RunningPreview;
let folder: string;

function get(path: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: preview.port, path, headers }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

function openSocket(options: { cookie?: string; origin?: string; query?: string; host?: string }) {
  const headers: Record<string, string> = {};
  if (options.cookie) headers.Cookie = options.cookie;
  if (options.host) headers.Host = options.host;
  const ws = new WebSocket(`ws://127.0.0.1:${preview.port}/__mesh/bridge${options.query ?? ''}`, {
    headers,
    origin: options.origin ?? preview.origin,
  });
  return new Promise<WebSocket>((resolve, reject) => {
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`refused with ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

function call(ws: WebSocket, name: string, args: unknown) {
  return new Promise<unknown>((resolve) => {
    ws.once('message', (data) => resolve(JSON.parse(String(data))));
    ws.send(JSON.stringify({ type: 'request', id: 7, name, args }));
  });
}

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'preview-test-'));
  mkdirSync(join(folder, 'renderer', 'assets'), { recursive: true });
  writeFileSync(join(folder, 'renderer', 'index.html'), '<html><head><title>t</title></head><body></body></html>');
  writeFileSync(join(folder, 'renderer', 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(join(folder, 'secret.txt'), 'outside the renderer');
  writeFileSync(join(folder, 'bridge.js'), 'window.bridge = 1');
  const services = await createAppServices({ shell: 'preview', dataFolder: folder, log: silentLogger });
  preview = await startPreviewServer({
    services,
    rendererFolder: join(folder, 'renderer'),
    bridgeScript: join(folder, 'bridge.js'),
    log: silentLogger,
  });
});

afterAll(async () => {
  await preview.close();
  rmSync(folder, { recursive: true, force: true });
});

describe('the preview server', () => {
  it('listens on loopback only and prints a link carrying a long random token', () => {
    expect(preview.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{43}$/);
  });

  it('gives a page without the token nothing', async () => {
    for (const path of ['/', '/index.html', '/assets/app.js', '/__mesh/preview-bridge.js']) {
      const res = await get(path);
      expect(res.status, path).toBe(403);
      expect(res.body).not.toContain('<html');
    }
  });

  it('refuses a wrong token', async () => {
    expect((await get('/?token=wrong')).status).toBe(403);
    expect((await get('/', { Cookie: 'mesh_preview=wrong' })).status).toBe(403);
  });

  it('swaps the token for an HttpOnly, SameSite=Strict cookie and then serves the app with a strict CSP', async () => {
    const first = await get(`/?token=${preview.token}`);
    expect(first.status).toBe(303);
    expect(String(first.headers['set-cookie'])).toMatch(/HttpOnly; SameSite=Strict/);
    const page = await get('/', { Cookie: `mesh_preview=${preview.token}` });
    expect(page.status).toBe(200);
    expect(page.body).toContain('<script src="/__mesh/preview-bridge.js"></script>');
    expect(page.headers['content-security-policy']).toMatch(/script-src 'self'/);
    expect(page.headers['content-security-policy']).not.toMatch(/unsafe/);
    const asset = await get('/assets/app.js', { Cookie: `mesh_preview=${preview.token}` });
    expect(asset.body).toBe('console.log(1)');
  });

  it('answers only when addressed by its own loopback name (no DNS rebinding)', async () => {
    const res = await get('/', { Cookie: `mesh_preview=${preview.token}`, Host: `evil.example:${preview.port}` });
    expect(res.status).toBe(421);
  });

  it('never serves a file outside the renderer folder', async () => {
    const res = await get('/..%2fsecret.txt', { Cookie: `mesh_preview=${preview.token}` });
    expect(res.body).not.toContain('outside the renderer');
  });

  it('refuses a socket without the token, with a wrong token, or from another origin', async () => {
    await expect(openSocket({})).rejects.toThrow(/403/);
    await expect(openSocket({ cookie: 'mesh_preview=nope' })).rejects.toThrow(/403/);
    await expect(openSocket({ cookie: `mesh_preview=${preview.token}`, origin: 'https://evil.example' })).rejects.toThrow(/403/);
  });

  it('carries a request to a main-process service and back', async () => {
    const ws = await openSocket({ cookie: `mesh_preview=${preview.token}` });
    const reply = await call(ws, 'getAppInfo', []);
    expect(reply).toMatchObject({ type: 'reply', id: 7, reply: { ok: true, value: { shell: 'preview', dataFolder: folder } } });
    ws.close();
  });

  it('rejects a request with a bad argument in main with a clear error', async () => {
    const ws = await openSocket({ query: `?token=${preview.token}` });
    const reply = (await call(ws, 'describeMailbox', [{ not: 'an id' }])) as {
      reply: { ok: boolean; error: { code: string; message: string } };
    };
    expect(reply.reply.ok).toBe(false);
    expect(reply.reply.error.code).toBe('invalid-argument');
    expect(reply.reply.error.message).toMatch(/argument 1 of "describeMailbox"/);
    ws.close();
  });
});
