import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { connect, createServer as createTcpServer, type Socket } from 'node:net';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FAST_RETRY, RECIPIENT, SENDER, WORKFLOW, startTestbed, type MeshTestbed } from './sandbox-fixture';

/** A minimal HTTP CONNECT proxy on 127.0.0.1 that only tunnels to 127.0.0.1. */
interface TestProxy {
  url: string;
  connects: Array<{ target: string; authorization?: string }>;
  /** Answer CONNECT with this status instead of tunnelling. */
  refuseWith?: number;
  close(): Promise<void>;
}

async function startProxy(credentials?: { username: string; password: string }): Promise<TestProxy> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((_req, res) => {
    res.writeHead(405).end();
  });
  const proxy: TestProxy = {
    url: '',
    connects: [],
    async close() {
      for (const socket of sockets) socket.destroy();
      server.close();
      await once(server, 'close');
    },
  };
  server.on('connect', (req, clientSocket: Socket, head: Buffer) => {
    sockets.add(clientSocket);
    const authorization = req.headers['proxy-authorization'];
    proxy.connects.push({ target: req.url ?? '', ...(authorization ? { authorization } : {}) });
    const expected = credentials ? `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}` : undefined;
    if (proxy.refuseWith) {
      clientSocket.end(`HTTP/1.1 ${proxy.refuseWith} Refused\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    if (expected && authorization !== expected) {
      clientSocket.end('HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="test"\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    const [host, port] = (req.url ?? '').split(':');
    if (host !== '127.0.0.1') {
      clientSocket.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    const upstream = connect(Number(port), '127.0.0.1', () => {
      clientSocket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      upstream.pipe(clientSocket);
      clientSocket.pipe(upstream);
    });
    sockets.add(upstream);
    upstream.on('error', () => clientSocket.destroy());
    clientSocket.on('error', () => upstream.destroy());
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  proxy.url = `http://127.0.0.1:${port}`;
  return proxy;
}

async function freePort(): Promise<number> {
  const server = createTcpServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

let bed: MeshTestbed;
let proxy: TestProxy;
const credentials = { username: 'TRUST\\jo.bloggs', password: 'p@ss:w%rd' };

beforeAll(async () => {
  bed = await startTestbed();
  proxy = await startProxy(credentials);
});
afterAll(async () => {
  await proxy?.close();
  await bed?.close();
});
beforeEach(async () => {
  await bed.sandbox.reset();
  proxy.connects = [];
  delete proxy.refuseWith;
});

describe('through an HTTP CONNECT proxy', () => {
  it('tunnels mutual TLS to MESH, signing in to the proxy', async () => {
    const client = bed.client(SENDER, { proxy: { url: proxy.url, ...credentials } });
    await client.handshake();
    const path = join(bed.dir, 'via-proxy.txt');
    await writeFile(path, 'through the proxy');
    const id = await client.sendFile(path, { to: RECIPIENT, workflowId: WORKFLOW });
    expect(bed.sandbox.inbox(RECIPIENT)).toContain(id);
    expect(proxy.connects.length).toBeGreaterThanOrEqual(1);
    expect(proxy.connects[0]?.target).toBe(`127.0.0.1:${bed.sandbox.port}`);
    expect(proxy.connects[0]?.authorization).toBe(
      `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`,
    );
  });

  it('says when the proxy wants a different user name or password (407)', async () => {
    const client = bed.client(SENDER, { proxy: { url: proxy.url, username: 'someone', password: 'wrong' } });
    const error = await client.handshake().catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'proxy-failed' });
    expect((error as Error).message).toContain('user name and password');
  });

  it('says when the proxy refuses to connect to MESH', async () => {
    proxy.refuseWith = 403;
    await expect(bed.client(SENDER, { proxy: { url: proxy.url, ...credentials } }).listInbox()).rejects.toMatchObject({
      code: 'proxy-failed',
      message: expect.stringContaining('answered 403'),
    });
  });

  it('says when the proxy cannot be reached, and a send through it was certainly not made', async () => {
    const client = bed.client(SENDER, { proxy: { url: `http://127.0.0.1:${await freePort()}` }, retry: { ...FAST_RETRY, retries: 1 } });
    await expect(client.listInbox()).rejects.toMatchObject({ code: 'proxy-failed' });
    const path = join(bed.dir, 'no-proxy.txt');
    await writeFile(path, 'x');
    await expect(client.sendFile(path, { to: RECIPIENT, workflowId: WORKFLOW })).rejects.toMatchObject({ code: 'proxy-failed' });
    expect(bed.sandbox.outbox(SENDER)).toEqual([]);
  });

  it('a first POST refused by the proxy is known not to have been sent', async () => {
    proxy.refuseWith = 502;
    const path = join(bed.dir, 'refused.txt');
    await writeFile(path, 'x');
    await expect(
      bed.client(SENDER, { proxy: { url: proxy.url, ...credentials } }).sendFile(path, { to: RECIPIENT, workflowId: WORKFLOW }),
    ).rejects.toMatchObject({
      code: 'proxy-failed',
    });
  });
});

describe('proxy from the environment', () => {
  it('is used for non-loopback hosts only: this computer is always reached directly', async () => {
    const client = bed.client(SENDER, { proxy: 'environment', env: { https_proxy: proxy.url } });
    await client.handshake();
    expect(proxy.connects).toEqual([]);
  });
});
