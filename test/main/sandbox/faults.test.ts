import { request } from 'node:https';
import type { IncomingHttpHeaders } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createAuthHeader } from '../../../main/mesh/auth';
import { type MeshFixture, startNhsSandboxFixture } from '../../support/mesh-fixture';
import { V2, meshRequest, sendMessage } from './mesh-http';

let target: MeshFixture;

beforeAll(async () => {
  target = await startNhsSandboxFixture();
});
afterAll(async () => {
  await target.close();
});
beforeEach(async () => {
  target.sandbox.faults.clear();
  await target.sandbox.reset();
});

interface PartialResponse {
  status?: number;
  headers?: IncomingHttpHeaders;
  received: Buffer;
  error?: Error;
}

/** Like meshRequest but reports what arrived before a connection failure instead of throwing. */
function partialRequest(
  method: string,
  path: string,
  as: string,
  headers: Record<string, string> = {},
  body?: Buffer,
): Promise<PartialResponse> {
  return new Promise((resolve) => {
    const parts: Buffer[] = [];
    const result: PartialResponse = { received: Buffer.alloc(0) };
    const finish = (error?: Error) => {
      result.received = Buffer.concat(parts);
      if (error) result.error = error;
      resolve(result);
    };
    const req = request(
      new URL(path, target.sandbox.url),
      {
        method,
        agent: false,
        ...target.clientTls,
        headers: {
          Accept: V2,
          Authorization: createAuthHeader({ mailboxId: as, password: 'password', sharedKey: target.sharedKey, now: target.sandbox.now() }),
          ...(body ? { 'Content-Length': String(body.length) } : {}),
          ...headers,
        },
      },
      (res) => {
        result.status = res.statusCode;
        result.headers = res.headers;
        res.on('data', (part: Buffer) => parts.push(part));
        res.on('end', () => finish());
        res.on('error', (error) => finish(error));
      },
    );
    req.on('error', (error) => finish(error));
    req.end(body);
  });
}

const sendHeaders = { 'mex-To': 'X26ABC2', 'mex-WorkflowID': 'TEST_WORKFLOW' };

describe('status faults', () => {
  it('answers once with the given status and non-JSON body, then behaves normally', async () => {
    target.sandbox.faults.add({ kind: 'status', status: 503, body: '<html>Service Unavailable</html>', contentType: 'text/html' });
    const first = await meshRequest(target, { path: '/messageexchange/X26ABC1/inbox', as: 'X26ABC1' });
    expect(first.status).toBe(503);
    expect(first.headers['content-type']).toBe('text/html');
    expect(first.text).toBe('<html>Service Unavailable</html>');
    const second = await meshRequest(target, { path: '/messageexchange/X26ABC1/inbox', as: 'X26ABC1' });
    expect(second.status).toBe(200);
  });

  it('fires only on matching method and path, as many times as counted', async () => {
    target.sandbox.faults.add({
      kind: 'status',
      status: 429,
      headers: { 'Retry-After': '1' },
      count: 2,
      match: { method: 'post', path: '/outbox$' },
    });
    const list = await meshRequest(target, { path: '/messageexchange/X26ABC1/inbox', as: 'X26ABC1' });
    expect(list.status).toBe(200);
    const statuses: number[] = [];
    let retryAfter: string | string[] | undefined;
    for (let attempt = 0; attempt < 3; attempt++) {
      const response = await meshRequest(target, {
        method: 'POST',
        path: '/messageexchange/X26ABC1/outbox',
        as: 'X26ABC1',
        headers: sendHeaders,
        body: 'x',
      });
      statuses.push(response.status);
      retryAfter ??= response.headers['retry-after'];
    }
    expect(statuses).toEqual([429, 429, 202]);
    expect(retryAfter).toBe('1');
    expect(target.sandbox.faults.list()).toEqual([]);
  });

  it('keeps firing with count "always" until cleared', async () => {
    target.sandbox.faults.add({ kind: 'status', status: 500, count: 'always' });
    for (let attempt = 0; attempt < 3; attempt++) {
      expect((await meshRequest(target, { path: '/messageexchange/X26ABC1/count', as: 'X26ABC1' })).status).toBe(500);
    }
    target.sandbox.faults.clear();
    expect((await meshRequest(target, { path: '/messageexchange/X26ABC1/count', as: 'X26ABC1' })).status).toBe(200);
  });
});

describe('connection faults', () => {
  it('reset-after-body stores the send but never answers', async () => {
    target.sandbox.faults.add({ kind: 'reset-after-body', match: { method: 'POST', path: '/outbox' } });
    const result = await partialRequest('POST', '/messageexchange/X26ABC1/outbox', 'X26ABC1', sendHeaders, Buffer.alloc(200_000, 7));
    expect(result.status).toBeUndefined();
    expect(result.error).toBeDefined();
    const sent = target.sandbox.outbox('X26ABC1');
    expect(sent).toHaveLength(1);
    expect(target.sandbox.inbox('X26ABC2')).toEqual(sent);
    expect(target.sandbox.message(sent[0]!)!.file_size).toBe(200_000);
  });

  it('reset-mid-body on the request drops the upload part-way and stores nothing', async () => {
    target.sandbox.faults.add({ kind: 'reset-mid-body', afterBytes: 64 * 1024, match: { path: '/outbox' } });
    const result = await partialRequest(
      'POST',
      '/messageexchange/X26ABC1/outbox',
      'X26ABC1',
      sendHeaders,
      Buffer.alloc(4 * 1024 * 1024, 1),
    );
    expect(result.status).toBeUndefined();
    expect(result.error).toBeDefined();
    expect(target.sandbox.outbox('X26ABC1')).toEqual([]);
    // The next attempt goes through.
    expect((await partialRequest('POST', '/messageexchange/X26ABC1/outbox', 'X26ABC1', sendHeaders, Buffer.alloc(10, 1))).status).toBe(202);
  });

  it('reset-mid-body on the response drops the download after N body bytes', async () => {
    const id = await sendMessage(target, 'X26ABC1', 'X26ABC2', Buffer.alloc(1024 * 1024, 3));
    target.sandbox.faults.add({ kind: 'reset-mid-body', afterBytes: 1000, direction: 'response', match: { path: '/inbox/' } });
    const result = await partialRequest('GET', `/messageexchange/X26ABC2/inbox/${id}`, 'X26ABC2', { 'Accept-Encoding': 'identity' });
    expect(result.status).toBe(200);
    expect(result.error).toBeDefined();
    expect(result.received.length).toBeLessThanOrEqual(1000);
  });

  it('truncate sends the full Content-Length but closes after N bytes', async () => {
    const id = await sendMessage(target, 'X26ABC1', 'X26ABC2', Buffer.alloc(100_000, 5));
    target.sandbox.faults.add({ kind: 'truncate', afterBytes: 5000, match: { method: 'GET', path: `/inbox/${id}$` } });
    const result = await partialRequest('GET', `/messageexchange/X26ABC2/inbox/${id}`, 'X26ABC2', { 'Accept-Encoding': 'identity' });
    expect(result.status).toBe(200);
    expect(result.headers!['content-length']).toBe('100000');
    expect(result.received.length).toBe(5000);
    expect(result.error).toBeDefined();
  });

  it('truncate also cuts a JSON answer short', async () => {
    await sendMessage(target, 'X26ABC1', 'X26ABC2', 'x');
    target.sandbox.faults.add({ kind: 'truncate', afterBytes: 10, match: { path: '/inbox$' } });
    const result = await partialRequest('GET', '/messageexchange/X26ABC2/inbox', 'X26ABC2');
    expect(result.status).toBe(200);
    expect(result.received.toString()).toBe('{"messages');
    expect(Number(result.headers!['content-length'])).toBeGreaterThan(10);
  });

  it('delay holds the answer back while other requests go through', async () => {
    target.sandbox.faults.add({ kind: 'delay', ms: 60_000, match: { path: '/count' } });
    let delayedSettled = false;
    const delayed = partialRequest('GET', '/messageexchange/X26ABC1/count', 'X26ABC1').then((result) => {
      delayedSettled = true;
      return result;
    });
    const other = await meshRequest(target, { path: '/messageexchange/X26ABC1/inbox', as: 'X26ABC1' });
    expect(other.status).toBe(200);
    expect(delayedSettled).toBe(false);
    // Closing the sandbox ends the held request; it never got its answer.
    const closing = target.close();
    const result = await delayed;
    await closing;
    expect(result.status).toBeUndefined();
    target = await startNhsSandboxFixture();
  });
});

describe('admin fault endpoint', () => {
  const admin = (method: string, body?: unknown) =>
    meshRequest(target, { method, path: '/admin/faults', ...(body === undefined ? {} : { body: JSON.stringify(body) }) });

  it('adds rules from JSON, lists them and clears them', async () => {
    const added = await admin('POST', {
      rules: [
        { kind: 'status', status: 502 },
        { kind: 'delay', ms: 1, count: 'always' },
      ],
    });
    expect(added.status).toBe(200);
    expect(added.json().ids).toHaveLength(2);
    const listed = (await admin('GET')).json().faults;
    expect(listed.map((fault: { rule: { kind: string } }) => fault.rule.kind)).toEqual(['status', 'delay']);
    expect(listed[1].remaining).toBe('always');
    expect((await admin('DELETE')).status).toBe(200);
    expect(target.sandbox.faults.list()).toEqual([]);
  });

  it('accepts a single rule and removes one by id', async () => {
    const id = (await admin('POST', { kind: 'status', status: 500 })).json().ids[0];
    const removed = await meshRequest(target, { method: 'DELETE', path: `/admin/faults/${id}` });
    expect(removed.status).toBe(200);
    expect(target.sandbox.faults.list()).toEqual([]);
  });

  it('refuses malformed rules with 400', async () => {
    expect((await admin('POST', { kind: 'explode' })).status).toBe(400);
    expect((await admin('POST', { kind: 'status', status: 503, match: { path: '(' } })).status).toBe(400);
  });

  it('never faults admin requests, so a test can always clear the rules', async () => {
    target.sandbox.faults.add({ kind: 'status', status: 500, count: 'always' });
    expect((await admin('GET')).status).toBe(200);
    expect((await admin('DELETE')).status).toBe(200);
  });
});
