/**
 * Raw sockets for testing that a listening server survives what a hostile or
 * broken client sends: bytes that are not HTTP (or not TLS), malformed HTTP,
 * bad Host headers with and without WebSocket upgrade headers, and many
 * connections that never finish. Generic: nothing here knows which server it
 * talks to, so the MESH sandbox's tests and the preview server's tests share it.
 */
import { connect as connectTcp, type Socket } from 'node:net';
import { connect as connectTls, type ConnectionOptions } from 'node:tls';

/** Where to connect; with `tls` the bytes go inside a TLS session made with these options (ca, cert, key…). */
export interface SocketTarget {
  host: string;
  port: number;
  tls?: Pick<ConnectionOptions, 'ca' | 'cert' | 'key' | 'servername' | 'rejectUnauthorized'>;
}

/** What came back on one raw connection. */
export interface RawResult {
  /** Status of the first response, when one arrived. */
  status: number | undefined;
  /** Everything received, as latin1 (HTTP's own byte-for-byte reading). */
  text: string;
  /** The server ended or dropped the connection (rather than our timeout). */
  closed: boolean;
  /** Nothing more came within the timeout and the server kept the connection open. */
  timedOut: boolean;
  /** The socket error, if the connection failed (e.g. ECONNRESET, a TLS alert). */
  error?: string;
}

export interface SendRawOptions {
  /** How long to wait for the server to answer or close; default 5 s. */
  timeoutMs?: number;
  /** Half-close our side once the bytes are written, as a client that gives up mid-request does. */
  end?: boolean;
}

/** The same place without TLS: for sending bytes where a TLS ClientHello is expected. */
export function withoutTls(target: SocketTarget): SocketTarget {
  return { host: target.host, port: target.port };
}

/** `host:port` as a Host header names the target (IPv6 bracketed). */
export function hostHeaderOf(target: SocketTarget): string {
  return target.host.includes(':') ? `[${target.host}]:${target.port}` : `${target.host}:${target.port}`;
}

function openSocket(target: SocketTarget): Socket {
  if (!target.tls) return connectTcp({ host: target.host, port: target.port });
  return connectTls({ host: target.host, port: target.port, ...target.tls });
}

/** Parses the status out of the first response line, e.g. "HTTP/1.1 421 Misdirected Request". */
export function responseStatus(text: string): number | undefined {
  const match = /^HTTP\/\d(?:\.\d)? (\d{3})/.exec(text);
  return match ? Number(match[1]) : undefined;
}

// True once a whole response with a known length has arrived, so keep-alive answers need not wait for a close.
function responseComplete(data: Buffer): boolean {
  const end = data.indexOf('\r\n\r\n');
  if (end === -1) return false;
  const head = data.subarray(0, end).toString('latin1');
  if (/^HTTP\/\d(?:\.\d)? 1\d\d/.test(head)) return false;
  const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
  if (length) return data.length - (end + 4) >= Number(length[1]);
  if (/\r\ntransfer-encoding:\s*chunked/i.test(head)) return data.subarray(end + 4).includes('0\r\n\r\n');
  return false;
}

/**
 * Connects, writes `bytes` as they are, and collects what comes back until the
 * server answers in full, closes, or the timeout passes (then the connection is
 * dropped). Never rejects: a refused or reset connection is a result too.
 */
export function sendRaw(target: SocketTarget, bytes: Buffer | string, options: SendRawOptions = {}): Promise<RawResult> {
  const timeoutMs = options.timeoutMs ?? 5_000;
  return new Promise((resolve) => {
    const parts: Buffer[] = [];
    let error: string | undefined;
    let settled = false;
    const socket = openSocket(target);
    const finish = (closed: boolean, timedOut: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      const text = Buffer.concat(parts).toString('latin1');
      resolve({ status: responseStatus(text), text, closed, timedOut, ...(error === undefined ? {} : { error }) });
    };
    const timer = setTimeout(() => finish(false, true), timeoutMs);
    socket.once(target.tls ? 'secureConnect' : 'connect', () => {
      socket.write(bytes);
      if (options.end) socket.end();
    });
    socket.on('data', (part: Buffer) => {
      parts.push(part);
      if (responseComplete(Buffer.concat(parts))) finish(false, false);
    });
    socket.on('error', (cause: NodeJS.ErrnoException) => {
      error = cause.code ?? cause.message;
    });
    socket.on('close', () => finish(true, false));
  });
}

/** The headers a browser sends to open a WebSocket. */
export const UPGRADE_HEADERS: Readonly<Record<string, string>> = {
  Connection: 'Upgrade',
  Upgrade: 'websocket',
  'Sec-WebSocket-Version': '13',
  'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==',
};

export interface RawRequest {
  method?: string;
  path?: string;
  /** The Host header's value, byte for byte; null sends no Host header. */
  host: string | null;
  headers?: Record<string, string>;
  /** Adds UPGRADE_HEADERS (and keeps the connection open, as an upgrade does). */
  upgrade?: boolean;
  body?: string;
  /** Default HTTP/1.1. */
  version?: '1.0' | '1.1';
}

/** One HTTP/1.x request as UTF-8 bytes, written exactly as given (no checks, so it can be wrong on purpose). */
export function httpRequestBytes(request: RawRequest): Buffer {
  const lines = [`${request.method ?? 'GET'} ${request.path ?? '/'} HTTP/${request.version ?? '1.1'}`];
  if (request.host !== null) lines.push(`Host: ${request.host}`);
  const headers: Record<string, string> = { ...(request.upgrade ? UPGRADE_HEADERS : { Connection: 'close' }), ...(request.headers ?? {}) };
  if (request.body !== undefined) headers['Content-Length'] = String(Buffer.byteLength(request.body, 'utf8'));
  for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
  return Buffer.from(`${lines.join('\r\n')}\r\n\r\n${request.body ?? ''}`, 'utf8');
}

/** A Host header value no server on 127.0.0.1:`port` should act on, with why it is bad. */
export interface BadHost {
  name: string;
  /** null: no Host header at all. */
  value: string | null;
}

/**
 * Host values a loopback server on `port` must refuse (421 or 400) or close on:
 * missing, empty, malformed, very long, IPv6 forms, the names a DNS-rebinding
 * page would send, the wrong port, and bytes HTTP does not allow.
 */
export function badHostValues(port: number): BadHost[] {
  const otherPort = port === 65535 ? 1 : port + 1;
  return [
    { name: 'no Host header', value: null },
    { name: 'empty', value: '' },
    { name: 'a lone [', value: '[' },
    { name: 'unclosed IPv6 bracket', value: `[::1:${port}` },
    { name: 'IPv6 without brackets', value: `::1:${port}` },
    { name: 'IPv6 loopback without a port', value: '[::1]' },
    { name: 'IPv6 loopback with junk after the port', value: `[::1]:${port}x` },
    { name: 'IPv6 loopback written out in full', value: `[0:0:0:0:0:0:0:1]:${port}` },
    { name: 'IPv4-mapped IPv6', value: `[::ffff:127.0.0.1]:${port}` },
    { name: 'IPv6 link-local with a zone', value: `[fe80::1%25eth0]:${port}` },
    { name: 'IPv6 elsewhere', value: `[2001:db8::1]:${port}` },
    { name: 'DNS rebinding name', value: `evil.example:${port}` },
    { name: 'DNS rebinding name without a port', value: 'evil.example' },
    { name: 'loopback address as a subdomain', value: `127.0.0.1.evil.example:${port}` },
    { name: 'localhost as a subdomain', value: `localhost.evil.example:${port}` },
    { name: 'userinfo trick', value: `127.0.0.1:${port}@evil.example` },
    { name: 'two hosts', value: `127.0.0.1:${port} evil.example` },
    { name: 'list of hosts', value: `127.0.0.1:${port}, evil.example` },
    { name: 'the wrong port', value: `127.0.0.1:${otherPort}` },
    { name: 'the port twice', value: `127.0.0.1:${port}:${port}` },
    { name: 'a port with a leading zero', value: `127.0.0.1:0${port}` },
    { name: 'short-form IPv4', value: `127.1:${port}` },
    { name: 'decimal IPv4', value: `2130706433:${port}` },
    { name: 'percent-escaped', value: `%31%32%37.0.0.1:${port}` },
    { name: 'full-width letters', value: `\uff4c\uff4f\uff43\uff41\uff4c\uff48\uff4f\uff53\uff54:${port}` },
    { name: 'a NUL byte', value: `127.0.0.1:${port}\u0000` },
    { name: 'very long (under the header limit)', value: `${'a'.repeat(8_000)}:${port}` },
    { name: 'very long (over the header limit)', value: `${'a'.repeat(20_000)}:${port}` },
  ];
}

/** A named run of bytes to send where a server expects something else. */
export interface HostileBytes {
  name: string;
  bytes: Buffer;
  /** Half-close after sending (pass to sendRaw as `end`). */
  end?: boolean;
}

// Deterministic noise, so a failure can be replayed byte for byte.
function noise(length: number, seed: number): Buffer {
  const bytes = Buffer.alloc(length);
  let state = seed >>> 0;
  for (let index = 0; index < length; index++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    bytes[index] = state >>> 24;
  }
  return bytes;
}

/**
 * Bytes that are neither HTTP nor a TLS ClientHello, each wrong from its first
 * few bytes, so a server can tell at once: for the start of any connection.
 * (A TLS server rightly waits for the rest of a record whose header looks
 * plausible; that is a half-open connection, see openHalfOpen.)
 */
export function notHttpOrTls(): HostileBytes[] {
  const tlsRecord = (length: number, body: Buffer) => Buffer.concat([Buffer.from([0x16, 0x03, 0x01, length >> 8, length & 0xff]), body]);
  return [
    { name: 'random bytes', bytes: noise(4096, 1) },
    { name: 'NUL bytes', bytes: Buffer.alloc(1024) },
    { name: 'a TLS handshake record of garbage', bytes: tlsRecord(64, noise(64, 2)) },
    { name: 'a TLS record longer than TLS allows', bytes: tlsRecord(0xffff, noise(256, 3)) },
    { name: 'an HTTP/2 preface', bytes: Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1') },
    { name: 'lines of text', bytes: Buffer.from('hello\r\nworld\r\n\r\n'.repeat(50), 'latin1') },
  ];
}

/** Malformed HTTP/1.1 from a client that reached the server (after TLS, when it has TLS); `host` is a Host value it accepts. */
export function malformedHttp(host: string): HostileBytes[] {
  const raw = (text: string) => Buffer.from(text, 'latin1');
  return [
    ...notHttpOrTls(),
    { name: 'one byte', bytes: Buffer.from([0xff]) },
    { name: 'a header line without a colon', bytes: raw(`GET / HTTP/1.1\r\nHost ${host}\r\n\r\n`) },
    { name: 'a NUL in the method', bytes: raw(`G\u0000T / HTTP/1.1\r\nHost: ${host}\r\n\r\n`) },
    { name: 'an unknown HTTP version', bytes: raw(`GET / HTTP/9.9\r\nHost: ${host}\r\n\r\n`) },
    { name: 'spaces in the target', bytes: raw(`GET /a b c HTTP/1.1\r\nHost: ${host}\r\n\r\n`) },
    {
      name: 'raw UTF-8 in the target',
      bytes: Buffer.from(`GET /\u00fc\u20ac HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`, 'utf8'),
    },
    { name: 'bad percent-escapes in the path', bytes: raw(`GET /%ZZ/%/%E0%A4%A HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`) },
    {
      name: 'an absolute-form target that is not a URL',
      bytes: raw(`GET http://[/ HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`),
    },
    { name: 'an asterisk target', bytes: raw(`OPTIONS * HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`) },
    { name: 'CONNECT', bytes: raw(`CONNECT evil.example:443 HTTP/1.1\r\nHost: evil.example:443\r\n\r\n`) },
    { name: 'a negative Content-Length', bytes: raw(`POST / HTTP/1.1\r\nHost: ${host}\r\nContent-Length: -1\r\n\r\n`) },
    {
      name: 'two different Content-Lengths',
      bytes: raw(`POST / HTTP/1.1\r\nHost: ${host}\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab`),
    },
    {
      name: 'Content-Length and chunked together',
      bytes: raw(`POST / HTTP/1.1\r\nHost: ${host}\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`),
    },
    {
      name: 'a chunk size that is not hex',
      bytes: raw(`POST / HTTP/1.1\r\nHost: ${host}\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n`),
    },
    { name: 'an unknown transfer coding', bytes: raw(`POST / HTTP/1.1\r\nHost: ${host}\r\nTransfer-Encoding: zstd\r\n\r\n`) },
    { name: 'a header name with a space', bytes: raw(`GET / HTTP/1.1\r\nHost: ${host}\r\nBad Header: x\r\n\r\n`) },
    { name: 'an obsolete folded header', bytes: raw(`GET / HTTP/1.1\r\nHost: ${host}\r\nX-Folded: a\r\n b\r\n\r\n`) },
    { name: 'a request line of 100,000 characters', bytes: raw(`GET /${'a'.repeat(100_000)} HTTP/1.1\r\nHost: ${host}\r\n\r\n`) },
    { name: '5,000 headers', bytes: raw(`GET / HTTP/1.1\r\nHost: ${host}\r\n${'X-A: b\r\n'.repeat(5_000)}\r\n`) },
    { name: 'a bare-LF request', bytes: raw(`GET / HTTP/1.1\nHost: ${host}\n\n`) },
    { name: 'a request cut off mid-header, then half-closed', bytes: raw(`GET / HTTP/1.1\r\nHost: ${host}\r\nX-Half`), end: true },
    {
      name: 'a body cut short, then half-closed',
      bytes: raw(`POST / HTTP/1.1\r\nHost: ${host}\r\nContent-Length: 100\r\n\r\nabc`),
      end: true,
    },
  ];
}

/** Connections held open without finishing, and how many of them the server has closed so far. */
export interface HalfOpenConnections {
  /** How many connected (some may have been refused under load). */
  readonly opened: number;
  /** How many the server has closed since. */
  closedByServer(): number;
  /** Drops every one of them. */
  close(): Promise<void>;
}

export interface HalfOpenOptions {
  /** Bytes to send after connecting and then stop, e.g. half a request; default nothing (not even a TLS ClientHello). */
  send?: Buffer | string;
  /** Finish the TLS handshake of a TLS target first (costly: keep `count` modest); default false, raw TCP. */
  completeTls?: boolean;
  /** How many to open at once; default 100, well under a listen backlog. */
  batch?: number;
}

/** Opens `count` connections that never finish a request (or a TLS handshake) and keeps them open. */
export async function openHalfOpen(target: SocketTarget, count: number, options: HalfOpenOptions = {}): Promise<HalfOpenConnections> {
  const sockets: Socket[] = [];
  let opened = 0;
  let closedByServer = 0;
  let closing = false;
  const useTls = options.completeTls === true && target.tls !== undefined;
  const openOne = () =>
    new Promise<void>((resolve) => {
      const socket = useTls ? openSocket(target) : openSocket(withoutTls(target));
      sockets.push(socket);
      socket.on('error', () => {});
      socket.once(useTls ? 'secureConnect' : 'connect', () => {
        opened++;
        if (options.send !== undefined) socket.write(options.send);
        resolve();
      });
      socket.once('close', () => {
        if (!closing) closedByServer++;
        resolve();
      });
    });
  const batch = options.batch ?? 100;
  for (let start = 0; start < count; start += batch) {
    await Promise.all(Array.from({ length: Math.min(batch, count - start) }, openOne));
  }
  return {
    get opened() {
      return opened;
    },
    closedByServer: () => closedByServer,
    async close() {
      closing = true;
      await Promise.all(
        sockets.map(
          (socket) =>
            new Promise<void>((resolve) => {
              if (socket.destroyed) return resolve();
              socket.once('close', () => resolve());
              socket.destroy();
            }),
        ),
      );
    },
  };
}
