import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join } from 'node:path';
import { resolveInside } from '../shared/paths';
import { WebSocketServer, type WebSocket } from 'ws';
import type { AppServices } from '../services/app-services';
import type { Logger } from '../log/logger';
import { CONTENT_SECURITY_POLICY } from '../shared/csp';
import { toAppError } from '../shared/errors';

export interface PreviewServerOptions {
  services: AppServices;
  /** The built renderer (index.html and assets). */
  rendererFolder: string;
  /** The built browser bridge script that defines `window.mesh`. */
  bridgeScript: string;
  port?: number;
  log: Logger;
  /** A fixed token for tests; a random one otherwise. */
  token?: string;
}

export interface RunningPreview {
  /** The address to open, token included. */
  url: string;
  origin: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

const COOKIE = 'mesh_preview';
const BRIDGE_PATH = '/__mesh/bridge';
const BRIDGE_SCRIPT_PATH = '/__mesh/preview-bridge.js';
const FILES_PATH = '/__mesh/files';
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

/**
 * Serves the real renderer to a browser on 127.0.0.1 and carries the typed
 * contract over a WebSocket to the same services Electron's main uses.
 *
 * Only someone holding the per-run token gets anything: the link printed at
 * start sets an HttpOnly, SameSite=Strict cookie, and every file and the socket
 * require it. The Host and Origin headers are checked too, so a web page in
 * another tab cannot reach the bridge through DNS rebinding.
 */
export async function startPreviewServer(options: PreviewServerOptions): Promise<RunningPreview> {
  const token = options.token ?? randomBytes(32).toString('base64url');
  const log = options.log.child('preview');
  const indexHtml = await readFile(join(options.rendererFolder, 'index.html'), 'utf8');
  const pageHtml = indexHtml.replace('<head>', `<head>\n    <script src="${BRIDGE_SCRIPT_PATH}"></script>`);
  let port = 0;
  const allowedHosts = () => [`127.0.0.1:${port}`, `localhost:${port}`];

  const hasToken = (req: IncomingMessage) => constantTimeEquals(readCookie(req, COOKIE), token);
  const hostIsLocal = (req: IncomingMessage) => allowedHosts().includes(req.headers.host ?? '');

  const server = createServer((req, res) => {
    void handleHttp(req, res).catch((error: unknown) => {
      log.error('Preview request failed', { error });
      if (!res.headersSent) res.writeHead(500).end();
    });
  });

  async function handleHttp(req: IncomingMessage, res: ServerResponse) {
    if (!hostIsLocal(req)) return refuse(res, 421, 'This preview only answers on its own loopback address.');
    const url = new URL(req.url ?? '/', `http://${req.headers.host}`);
    if (req.method === 'POST' && url.pathname === FILES_PATH) return receiveFile(req, res);
    if (req.method !== 'GET' && req.method !== 'HEAD') return refuse(res, 405, 'Not allowed.');

    const given = url.searchParams.get('token');
    if (given !== null) {
      if (!constantTimeEquals(given, token))
        return refuse(res, 403, 'That preview link is not valid. Use the link printed when the preview started.');
      // Swap the token in the address bar for a cookie, so it is not left in history.
      res.writeHead(303, {
        'Set-Cookie': `${COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`,
        Location: url.pathname,
        'Cache-Control': 'no-store',
      });
      return res.end();
    }
    if (!hasToken(req)) return refuse(res, 403, 'This MESH Desktop preview needs the link printed when it started.');

    const headers = {
      'Content-Security-Policy': CONTENT_SECURITY_POLICY,
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Cache-Control': 'no-store',
    };
    if (url.pathname === BRIDGE_SCRIPT_PATH) {
      const body = await readFile(options.bridgeScript);
      res.writeHead(200, { ...headers, 'Content-Type': TYPES['.js']! });
      return res.end(body);
    }
    const file = resolveInside(options.rendererFolder, decodeURIComponent(url.pathname));
    const info = file ? await stat(file).catch(() => undefined) : undefined;
    if (!file || !info?.isFile() || url.pathname === '/' || url.pathname === '/index.html') {
      // Every other path is the single-page app itself.
      res.writeHead(200, { ...headers, 'Content-Type': TYPES['.html']! });
      return res.end(pageHtml);
    }
    res.writeHead(200, { ...headers, 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream', 'Content-Length': info.size });
    if (req.method === 'HEAD') return res.end();
    createReadStream(file).pipe(res);
  }

  /** The preview's stand-in for a file path: the browser streams the chosen file to main. */
  async function receiveFile(req: IncomingMessage, res: ServerResponse) {
    const origin = req.headers.origin;
    const originOk = origin === undefined || allowedHosts().some((host) => origin === `http://${host}`);
    if (!hasToken(req) || !originOk) return refuse(res, 403, 'This MESH Desktop preview needs the link printed when it started.');
    const name = decodeURIComponent(String(req.headers['x-file-name'] ?? 'file.dat'));
    const reply = await options.services.files
      .registerUpload(req, name)
      .then((value) => ({ ok: true as const, value }))
      .catch((error: unknown) => ({ ok: false as const, error: toAppError(error).toShape() }));
    res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
    res.end(JSON.stringify(reply));
  }

  const sockets = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', `http://${req.headers.host}`);
    const origin = req.headers.origin;
    const originOk = origin === undefined || allowedHosts().some((host) => origin === `http://${host}`);
    const tokenOk = hasToken(req) || constantTimeEquals(url.searchParams.get('token') ?? undefined, token);
    if (url.pathname !== BRIDGE_PATH || !hostIsLocal(req) || !originOk || !tokenOk) {
      log.warn('Refused a bridge connection', { path: url.pathname, origin: origin ?? null, hasToken: tokenOk });
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    sockets.handleUpgrade(req, socket, head, (ws) => attachBridge(ws));
  });

  function attachBridge(ws: WebSocket) {
    const unsubscribe = options.services.events.subscribe((name, payload) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ type: 'event', name, payload }));
    });
    ws.on('message', (data) => {
      let message: unknown;
      try {
        message = JSON.parse(String(data));
      } catch {
        return log.warn('Dropped a bridge message that was not JSON');
      }
      if (!isRequestMessage(message)) return log.warn('Dropped a malformed bridge message');
      void options.services.dispatch(message.name, message.args).then((reply) => {
        if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ type: 'reply', id: message.id, reply }));
      });
    });
    ws.on('close', unsubscribe);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  const origin = `http://127.0.0.1:${port}`;
  return {
    url: `${origin}/?token=${token}`,
    origin,
    port,
    token,
    close: async () => {
      for (const client of sockets.clients) client.terminate();
      await new Promise<void>((resolve) => sockets.close(() => resolve()));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

interface RequestMessage {
  type: 'request';
  id: number;
  name: string;
  args: unknown;
}

function isRequestMessage(value: unknown): value is RequestMessage {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return v.type === 'request' && typeof v.id === 'number' && typeof v.name === 'string';
}

function refuse(res: ServerResponse, status: number, message: string) {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(message);
}

function readCookie(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return rest.join('=');
  }
  return undefined;
}

function constantTimeEquals(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
