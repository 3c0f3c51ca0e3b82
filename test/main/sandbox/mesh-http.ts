/**
 * A plain node:https client for driving the sandbox in tests: one connection
 * per request, optional NHSMESH token, raw bytes back. Deliberately not the
 * app's MESH client, so the sandbox is tested on its own.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createAuthHeader } from '../../../main/mesh/auth';
import { ADMIN_TOKEN_HEADER } from '../../../main/sandbox';
import { TEST_PASSWORD, type MeshFixture } from '../../support/mesh-fixture';

export const V2 = 'application/vnd.mesh.v2+json';

export interface MeshRequest {
  method?: string;
  path: string;
  /** Mailbox whose token goes in Authorization; omit for no header. */
  as?: string;
  password?: string;
  /** An explicit Authorization header (wins over `as`). */
  authorization?: string;
  /** Token time; default the sandbox's clock. */
  tokenTime?: Date;
  /** Default v2; null sends no Accept header. */
  accept?: string | null;
  headers?: Record<string, string>;
  body?: Buffer | string | Readable;
  /** X-Sandbox-Admin-Token value; default the sandbox's own (when it has one), null sends none. */
  adminToken?: string | null;
  /** Client TLS; default the test's X26ABC1 certificate. */
  tls?: { cert?: string; key?: string; ca: string };
}

export interface MeshResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  text: string;
  // Tests reach into many different response bodies; a loose type keeps them readable.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json(): any;
}

/** Sends one request to the sandbox and collects the whole response. */
export async function meshRequest(target: MeshFixture, request: MeshRequest): Promise<MeshResponse> {
  const url = new URL(request.path, target.sandbox.url);
  const headers: Record<string, string> = { ...(request.headers ?? {}) };
  if (request.accept !== null) headers.Accept = request.accept ?? V2;
  const authorization =
    request.authorization ??
    (request.as
      ? createAuthHeader({
          mailboxId: request.as,
          password: request.password ?? TEST_PASSWORD,
          sharedKey: target.sharedKey,
          now: request.tokenTime ?? target.sandbox.now(),
        })
      : undefined);
  if (authorization !== undefined) headers.Authorization = authorization;
  const adminToken = request.adminToken === undefined ? target.sandbox.adminToken : request.adminToken;
  if (adminToken !== null && adminToken !== undefined) headers[ADMIN_TOKEN_HEADER] = adminToken;
  if (Buffer.isBuffer(request.body) || typeof request.body === 'string') {
    headers['Content-Length'] = String(Buffer.byteLength(request.body));
  }
  const tls = request.tls ?? target.clientTls;
  const options = {
    method: request.method ?? 'GET',
    headers,
    agent: false as const,
    ...(url.protocol === 'https:' ? { ca: tls.ca, cert: tls.cert, key: tls.key } : {}),
  };
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<MeshResponse>((resolve, reject) => {
    const req = send(url, options, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (part: Buffer) => parts.push(part));
      res.on('error', reject);
      res.on('end', () => {
        const body = Buffer.concat(parts);
        const text = body.toString('utf8');
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, text, json: () => JSON.parse(text) });
      });
    });
    req.on('error', reject);
    if (request.body instanceof Readable) {
      pipeline(request.body, req).catch(reject);
    } else {
      req.end(request.body);
    }
  });
}

/** Sends a single-chunk message and returns its id (fails the test on anything but 202). */
export async function sendMessage(
  target: MeshFixture,
  from: string,
  to: string,
  body: Buffer | string,
  headers: Record<string, string> = {},
): Promise<string> {
  const response = await meshRequest(target, {
    method: 'POST',
    path: `/messageexchange/${from}/outbox`,
    as: from,
    headers: { 'mex-To': to, 'mex-WorkflowID': 'TEST_WORKFLOW', 'Content-Type': 'application/octet-stream', ...headers },
    body,
  });
  if (response.status !== 202) throw new Error(`send failed: ${response.status} ${response.text}`);
  return response.json().message_id as string;
}

/** Lists a mailbox's inbox (v2) and returns the ids. */
export async function listInbox(target: MeshFixture, mailbox: string, query = ''): Promise<string[]> {
  const response = await meshRequest(target, { path: `/messageexchange/${mailbox}/inbox${query}`, as: mailbox });
  if (response.status !== 200) throw new Error(`list failed: ${response.status} ${response.text}`);
  return response.json().messages as string[];
}
