// The preview as a process, attacked by anyone on the same PC: the built
// `npm run preview` (out/main/preview.mjs) is started, sent what a hostile
// local client could send over a real socket, and must answer or close that
// one connection and keep serving everyone else.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';

const root = join(import.meta.dirname, '..', '..', '..');
let child: ChildProcess;
let folder: string;
let port: number;
let token: string;
let stderr = '';

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'preview-hostile-'));
  child = spawn(process.execPath, [join(root, 'out', 'main', 'preview.mjs'), '--data-dir', folder], {
    env: { ...process.env, MESH_DESKTOP_TEST_MODE: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stderr!.on('data', (chunk) => (stderr += String(chunk)));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk) => {
      out += String(chunk);
      const match = /http:\/\/127\.0\.0\.1:\d+\/\?token=\S+/.exec(out);
      if (match) resolve(match[0]);
    });
    child.once('exit', (code) => reject(new Error(`the preview exited with ${code}: ${stderr}`)));
  });
  const parsed = new URL(url);
  port = Number(parsed.port);
  token = parsed.searchParams.get('token')!;
}, 30_000);

afterAll(async () => {
  child?.kill('SIGTERM');
  if (child && child.exitCode === null) await new Promise((resolve) => child.once('exit', resolve));
  rmSync(folder, { recursive: true, force: true });
});

/** Writes bytes on a fresh connection and gives back what came back before the server closed it (or a timeout). */
function exchange(bytes: Buffer | string, waitMs = 3_000): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    const finish = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(answer);
    };
    let timer = setTimeout(finish, waitMs);
    socket.on('data', (chunk) => {
      answer += chunk.toString('latin1');
      // The server may keep the connection open after answering; the status line is what counts.
      clearTimeout(timer);
      timer = setTimeout(finish, 100);
    });
    socket.on('error', finish);
    socket.on('close', finish);
    socket.write(bytes);
  });
}

const upgradeHeaders = (key = randomBytes(16).toString('base64')) =>
  `Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: ${key}\r\n`;

/** The preview still answers a person holding the link: the process is alive and serving. */
async function stillServing() {
  const answer = await exchange(`GET /?token=${token} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`);
  expect(answer).toMatch(/^HTTP\/1\.1 303/);
  expect(child.exitCode).toBeNull();
}

/** Opens the bridge by hand, so the test can write frames no well-behaved client would. */
async function openRawBridge(): Promise<Socket> {
  const key = randomBytes(16).toString('base64');
  const socket = connect(port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.write(`GET /__mesh/bridge HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nCookie: mesh_preview=${token}\r\n${upgradeHeaders(key)}\r\n`);
    socket.once('data', (chunk) => {
      const accept = createHash('sha1').update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
      if (String(chunk).startsWith('HTTP/1.1 101') && String(chunk).includes(accept)) resolve();
      else reject(new Error(`no handshake: ${String(chunk)}`));
    });
  });
  return socket;
}

/** A masked client frame; `declaredLength` lets a test claim more than it sends. */
function frame(opcode: number, payload: Buffer, declaredLength = payload.length): Buffer {
  const mask = randomBytes(4);
  const masked = Buffer.from(payload.map((byte, i) => byte ^ mask[i % 4]!));
  let header: Buffer;
  if (declaredLength < 126) header = Buffer.from([0x80 | opcode, 0x80 | declaredLength]);
  else if (declaredLength < 65536) {
    header = Buffer.alloc(4);
    header.writeUInt8(0x80 | opcode, 0);
    header.writeUInt8(0x80 | 126, 1);
    header.writeUInt16BE(declaredLength, 2);
  } else {
    header = Buffer.alloc(10);
    header.writeUInt8(0x80 | opcode, 0);
    header.writeUInt8(0x80 | 127, 1);
    header.writeBigUInt64BE(BigInt(declaredLength), 2);
  }
  return Buffer.concat([header, mask, masked]);
}

/** Writes a frame on an open bridge and gives back the close code the server sent, if any. */
function closeCodeAfter(socket: Socket, bytes: Buffer): Promise<number | undefined> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(undefined), 3_000);
    socket.on('data', (chunk) => {
      // A close frame from the server: opcode 8, unmasked, code in the first two payload bytes.
      if ((chunk[0]! & 0x0f) === 8 && chunk.length >= 4) {
        clearTimeout(timer);
        resolve(chunk.readUInt16BE(2));
      }
    });
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(undefined);
    });
    socket.on('error', () => undefined);
    socket.write(bytes);
  });
}

const BAD_HOSTS = [
  '[',
  '',
  ']',
  '[[[',
  'x'.repeat(8000),
  '[::1]',
  '[::1]:PORT',
  '::1',
  '[::ffff:127.0.0.1]:1',
  '[fe80::1%25eth0]',
  '127.0.0.1:99999',
  '%',
  '\u00ff',
];

describe('the preview process under hostile input', () => {
  it.each(BAD_HOSTS.map((host) => [host.length > 40 ? `${host.slice(0, 10)}… (${host.length} characters)` : JSON.stringify(host), host]))(
    'refuses Host %s, with and without the upgrade, and keeps serving',
    async (_label, template) => {
      const host = template.replace('PORT', String(port));
      for (const path of ['/', '/__mesh/bridge']) {
        const plain = await exchange(`GET ${path} HTTP/1.1\r\nHost: ${host}\r\nCookie: mesh_preview=${token}\r\n\r\n`);
        expect(plain, `${path} without the upgrade`).toMatch(/^HTTP\/1\.1 4\d\d/);
        const upgrade = await exchange(`GET ${path} HTTP/1.1\r\nHost: ${host}\r\nCookie: mesh_preview=${token}\r\n${upgradeHeaders()}\r\n`);
        expect(upgrade, `${path} with the upgrade`).toMatch(/^HTTP\/1\.1 4\d\d/);
      }
      await stillServing();
    },
  );

  it('refuses a request with no Host header at all, or two of them', async () => {
    expect(await exchange(`GET /__mesh/bridge HTTP/1.1\r\n${upgradeHeaders()}\r\n`)).toMatch(/^HTTP\/1\.1 4\d\d/);
    expect(await exchange(`GET / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nHost: evil.example\r\n\r\n`)).toMatch(/^HTTP\/1\.1 4\d\d/);
    await stillServing();
  });

  it.each([
    ['an absolute address that is not one', `GET http://[ HTTP/1.1\r\nHost: 127.0.0.1:PORT\r\nCookie: mesh_preview=TOKEN\r\n\r\n`],
    [
      'the bridge at an absolute address that is not one',
      `GET http://[/__mesh/bridge HTTP/1.1\r\nHost: 127.0.0.1:PORT\r\nCookie: mesh_preview=TOKEN\r\nUPGRADE\r\n`,
    ],
    ['a path that does not decode', `GET /%E0%A4%A HTTP/1.1\r\nHost: 127.0.0.1:PORT\r\nCookie: mesh_preview=TOKEN\r\n\r\n`],
    [
      'a file name that does not decode',
      `POST /__mesh/files HTTP/1.1\r\nHost: 127.0.0.1:PORT\r\nCookie: mesh_preview=TOKEN\r\nX-File-Name: %E0%A4%A\r\nContent-Length: 2\r\n\r\nhi`,
    ],
    ['garbage instead of HTTP', '\u0016\u0003\u0001\u0002\u0000\u0001\u0000\u01fc\u0003\u0003 not a request at all\r\n\r\n'],
    ['binary noise', randomBytes(4096).toString('latin1')],
    ['a header far too long', `GET / HTTP/1.1\r\nHost: 127.0.0.1:PORT\r\nX-Long: ${'a'.repeat(100_000)}\r\n\r\n`],
    ['an unknown method', `BREW / HTTP/1.1\r\nHost: 127.0.0.1:PORT\r\n\r\n`],
    [
      'an upgrade to something else',
      `GET /__mesh/bridge HTTP/1.1\r\nHost: 127.0.0.1:PORT\r\nCookie: mesh_preview=TOKEN\r\nUpgrade: h2c\r\nConnection: Upgrade\r\n\r\n`,
    ],
    [
      'a websocket upgrade with no key',
      `GET /__mesh/bridge HTTP/1.1\r\nHost: 127.0.0.1:PORT\r\nCookie: mesh_preview=TOKEN\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n`,
    ],
  ])('answers %s and keeps serving', async (_label, template) => {
    const bytes = template.replaceAll('PORT', String(port)).replaceAll('TOKEN', token).replace('UPGRADE\r\n', upgradeHeaders());
    const answer = await exchange(Buffer.from(bytes, 'latin1'));
    // Either an answer in words or a closed connection; never the process gone.
    if (answer !== '') expect(answer).toMatch(/^HTTP\/1\.1 [2-5]\d\d/);
    await stillServing();
  });

  it('closes a bridge that sends a frame over the limit, bad UTF-8, a bad opcode or garbage, and keeps serving', async () => {
    const cases: [string, Buffer, number | undefined][] = [
      ['a 2 MiB frame', frame(1, Buffer.alloc(2 * 1024 * 1024, 0x61)), 1009],
      ['a frame claiming 8 EiB', frame(1, Buffer.alloc(8), 2 ** 53 - 1), 1009],
      ['text that is not UTF-8', frame(1, Buffer.from([0xc3, 0x28, 0xff, 0xfe])), 1007],
      ['a reserved opcode', frame(3, Buffer.from('hi')), 1002],
      ['an unmasked frame', Buffer.from([0x81, 0x02, 0x68, 0x69]), 1002],
      ['noise', randomBytes(64), undefined],
    ];
    for (const [label, bytes, expected] of cases) {
      const socket = await openRawBridge();
      const code = await closeCodeAfter(socket, bytes);
      if (expected !== undefined) expect(code, label).toBe(expected);
      socket.destroy();
      await stillServing();
    }
  });

  it('drops bridge messages that are not requests, and still answers the next good one', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/__mesh/bridge`, { headers: { Cookie: `mesh_preview=${token}` } });
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    for (const junk of [
      'not json',
      '[]',
      'null',
      '{"type":"request","id":"1","name":"getAppInfo"}',
      '{"type":"request","id":1e400}',
      Buffer.from([1, 2, 3]),
    ])
      ws.send(junk);
    const reply = new Promise<unknown>((resolve) => ws.once('message', (data) => resolve(JSON.parse(String(data)))));
    ws.send(JSON.stringify({ type: 'request', id: 9, name: 'getAppInfo', args: [] }));
    expect(await reply).toMatchObject({ type: 'reply', id: 9, reply: { ok: true } });
    ws.close();
  });

  it('refuses the page a bridge-only request: it cannot name a file on disk', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/__mesh/bridge`, { headers: { Cookie: `mesh_preview=${token}` } });
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    const reply = new Promise<{ reply: { ok: boolean; error?: { code: string } } }>((resolve) =>
      ws.once('message', (data) => resolve(JSON.parse(String(data)))),
    );
    ws.send(JSON.stringify({ type: 'request', id: 1, name: 'registerFilePath', args: ['/etc/passwd'] }));
    expect((await reply).reply).toMatchObject({ ok: false, error: { code: 'invalid-argument' } });
    ws.close();
  });

  it('keeps serving with two thousand half-open connections held against it', async () => {
    const held: Socket[] = [];
    try {
      for (let i = 0; i < 2000; i++) {
        const socket = connect(port, '127.0.0.1');
        socket.on('error', () => undefined);
        socket.write(`GET / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n`);
        held.push(socket);
      }
      await Promise.all(
        held.map((socket) => new Promise((resolve) => (socket.connecting ? socket.once('connect', resolve) : resolve(null)))),
      );
      await stillServing();
    } finally {
      for (const socket of held) socket.destroy();
    }
  }, 60_000);

  it('wrote why it refused each of those into its log, and nothing on its console but the start-up lines', () => {
    const log = readFileSync(join(folder, 'logs', 'mesh-desktop.log'), 'utf8');
    expect(log).toMatch(/Refused a bridge connection addressed to another host/);
    expect(log).toMatch(/Closed a bridge connection that sent a bad frame/);
    expect(log).not.toMatch(/nothing else caught/);
    expect(child.exitCode).toBeNull();
  });
});
