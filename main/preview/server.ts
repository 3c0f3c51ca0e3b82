import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { extname, join } from 'node:path';
import { hostAllowed, newSecretToken, originAllowed, secretMatches } from '../shared/loopback-guard';
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
  const token = options.token ?? newSecretToken();
  const log = options.log.child('preview');
  const indexHtml = await readFile(join(options.rendererFolder, 'index.html'), 'utf8');
  const pageHtml = indexHtml.replace('<head>', `<head>\n    <script src="${BRIDGE_SCRIPT_PATH}"></script>`);
  let port = 0;
  const allowedHosts = () => [`127.0.0.1:${port}`, `localhost:${port}`];

  const hasToken = (req: IncomingMessage) => secretMatches(readCookie(req, COOKIE), token);
  const hostIsLocal = (req: IncomingMessage) => hostAllowed(req.headers.host, allowedHosts());
  const originIsLocal = (req: IncomingMessage) => originAllowed(req.headers.origin, allowedHosts(), ['http']);

  const server = createServer((req, res) => {
    // Every parse of what a client sent happens inside handleHttp, so any
    // failure ends here, answered and logged, never in the process.
    handleHttp(req, res).catch((error: unknown) => {
      log.error('Preview request failed', { error, path: describePath(req.url) });
      if (!res.headersSent)
        refuse(res, 500, 'MESH Desktop could not answer that request. Reload the page; if it happens again, restart the preview.');
      else res.destroy();
    });
  });
  // A connection that never finishes its headers is closed rather than held;
  // uploads may take hours, so the whole-request limit stays off.
  server.headersTimeout = 15_000;
  server.requestTimeout = 0;
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    log.warn('Closed a connection that did not speak HTTP', { code: error.code ?? null });
    if (socket.writable && !socket.writableEnded) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    else socket.destroy();
  });

  async function handleHttp(req: IncomingMessage, res: ServerResponse) {
    if (!hostIsLocal(req)) return refuse(res, 421, 'This preview only answers on its own loopback address.');
    const url = parseRequestUrl(req.url);
    if (!url) return refuse(res, 400, 'That address is not valid.');
    if (req.method === 'POST' && url.pathname === FILES_PATH) return receiveFile(req, res);
    if (req.method !== 'GET' && req.method !== 'HEAD') return refuse(res, 405, 'Not allowed.');

    const given = url.searchParams.get('token');
    if (given !== null) {
      if (!secretMatches(given, token))
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
    const decoded = decodeOrUndefined(url.pathname);
    const file = decoded === undefined ? undefined : resolveInside(options.rendererFolder, decoded);
    const info = file ? await stat(file).catch(() => undefined) : undefined;
    if (!file || !info?.isFile() || url.pathname === '/' || url.pathname === '/index.html') {
      // Every other path is the single-page app itself.
      res.writeHead(200, { ...headers, 'Content-Type': TYPES['.html']! });
      return res.end(pageHtml);
    }
    res.writeHead(200, { ...headers, 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream', 'Content-Length': info.size });
    if (req.method === 'HEAD') return res.end();
    createReadStream(file)
      .on('error', (error) => {
        log.warn('A renderer file could not be read', { error });
        res.destroy();
      })
      .pipe(res);
  }

  /**
   * The preview bridge's own way to hand main a file: the browser has no file
   * paths, so it streams the chosen file's bytes, which main keeps in a staging
   * folder until they have been sent. The page can only send bytes it holds,
   * never name a file on disk.
   */
  async function receiveFile(req: IncomingMessage, res: ServerResponse) {
    if (!hasToken(req) || !originIsLocal(req)) return refuse(res, 403, 'This MESH Desktop preview needs the link printed when it started.');
    const name = decodeOrUndefined(String(req.headers['x-file-name'] ?? 'file.dat'));
    const reply =
      name === undefined
        ? {
            ok: false as const,
            error: { code: 'invalid-argument', message: 'That file name could not be read. Rename the file and choose it again.' },
          }
        : await options.services.files
            .registerUpload(req, name)
            .then((value) => ({ ok: true as const, value }))
            .catch((error: unknown) => ({ ok: false as const, error: toAppError(error).toShape() }));
    res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
    res.end(JSON.stringify(reply));
  }

  // Large enough for any request the contract allows (its longest argument is
  // a few kilobytes); a bigger frame closes that one connection with 1009.
  const sockets = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 });
  sockets.on('error', (error) => log.warn('The bridge could not accept a connection', { error }));
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    // Until the handshake is done nothing else listens on this socket.
    socket.on('error', (error: NodeJS.ErrnoException) => log.debug('A bridge connection failed', { code: error.code ?? null }));
    try {
      upgrade(req, socket, head);
    } catch (error) {
      log.error('A bridge connection could not be set up', { error });
      closeUpgrade(socket, 400, 'Bad Request');
    }
  });

  function upgrade(req: IncomingMessage, socket: Duplex, head: Buffer) {
    if (!hostIsLocal(req)) {
      log.warn('Refused a bridge connection addressed to another host', { host: describeHost(req.headers.host) });
      return closeUpgrade(socket, 421, 'Misdirected Request');
    }
    const url = parseRequestUrl(req.url);
    const tokenOk = hasToken(req) || secretMatches(url?.searchParams.get('token'), token);
    if (!url || url.pathname !== BRIDGE_PATH || !originIsLocal(req) || !tokenOk) {
      log.warn('Refused a bridge connection', {
        path: describePath(url?.pathname),
        origin: describeHost(req.headers.origin),
        hasToken: tokenOk,
      });
      return closeUpgrade(socket, 403, 'Forbidden');
    }
    sockets.handleUpgrade(req, socket, head, (ws) => attachBridge(ws));
  }

  function attachBridge(ws: WebSocket) {
    // ws reports a frame it will not take (too big, bad UTF-8, bad opcode) as
    // an error on this socket and closes it; with no listener it would throw.
    ws.on('error', (error: Error & { code?: string }) =>
      log.warn('Closed a bridge connection that sent a bad frame', { code: error.code ?? null }),
    );
    const send = (message: unknown) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
    };
    const unsubscribe = options.services.events.subscribe((name, payload) => send({ type: 'event', name, payload }));
    ws.on('message', (data, isBinary) => {
      const message = isBinary ? undefined : parseJson(String(data));
      if (!isRequestMessage(message)) return log.warn('Dropped a bridge message that was not a request');
      // The page sends these: a bridge-only request is refused by the dispatcher.
      options.services
        .dispatch(message.name, message.args, 'page')
        .then((reply) => send({ type: 'reply', id: message.id, reply }))
        .catch((error: unknown) => log.error('A bridge reply could not be sent', { error }));
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
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const v = value as Record<string, unknown>;
  return v.type === 'request' && Number.isSafeInteger(v.id) && typeof v.name === 'string' && v.name.length <= 100;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The request's address, read against a fixed base: the Host header is checked separately and never parsed. */
export function parseRequestUrl(raw: string | undefined): URL | undefined {
  try {
    return new URL(raw ?? '/', 'http://127.0.0.1');
  } catch {
    return undefined;
  }
}

function decodeOrUndefined(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}

/** For the log: what a client sent, shortened, so a hostile header cannot flood it. */
function describeHost(value: string | undefined): string | null {
  return value === undefined ? null : value.slice(0, 100);
}

function describePath(value: string | undefined): string | null {
  return value === undefined ? null : value.slice(0, 200);
}

function closeUpgrade(socket: Duplex, status: number, reason: string) {
  if (socket.writable) socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  else socket.destroy();
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
