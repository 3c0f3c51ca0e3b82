import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type MeshFixture, startNhsSandboxFixture } from '../../support/mesh-fixture';
import { listInbox, meshRequest, sendMessage } from './mesh-http';

let target: MeshFixture;

beforeAll(async () => {
  target = await startNhsSandboxFixture();
});
afterAll(async () => {
  await target.close();
});
beforeEach(async () => {
  await target.sandbox.reset();
});

const parts = [Buffer.from('first part;'), Buffer.from('second part;'), Buffer.from('third part')];

async function startChunked(total: number, body: Buffer, headers: Record<string, string> = {}): Promise<string> {
  const response = await meshRequest(target, {
    method: 'POST',
    path: '/messageexchange/X26ABC1/outbox',
    as: 'X26ABC1',
    headers: { 'mex-To': 'X26ABC2', 'mex-WorkflowID': 'TEST_WORKFLOW', 'mex-Chunk-Range': `1:${total}`, ...headers },
    body,
  });
  expect(response.status).toBe(202);
  return response.json().message_id as string;
}

function postChunk(
  id: string,
  chunk: number,
  range: string | undefined,
  body: Buffer,
  headers: Record<string, string> = {},
  as = 'X26ABC1',
) {
  return meshRequest(target, {
    method: 'POST',
    path: `/messageexchange/${as}/outbox/${id}/${chunk}`,
    as,
    headers: { ...(range === undefined ? {} : { 'mex-Chunk-Range': range }), ...headers },
    body,
  });
}

function download(id: string, chunk?: number, headers: Record<string, string> = {}, accept?: string) {
  return meshRequest(target, {
    path: `/messageexchange/X26ABC2/inbox/${id}${chunk === undefined ? '' : `/${chunk}`}`,
    as: 'X26ABC2',
    headers,
    ...(accept ? { accept } : {}),
  });
}

describe('chunked upload', () => {
  it('keeps the message invisible while uploading and delivers it when the last chunk arrives', async () => {
    const id = await startChunked(3, parts[0]!);
    expect(await listInbox(target, 'X26ABC2')).toEqual([]);
    expect((await download(id)).status).toBe(410);

    const second = await postChunk(id, 2, '2:3', parts[1]!);
    expect(second.status).toBe(202);
    expect(second.text).toBe('null');
    expect(await listInbox(target, 'X26ABC2')).toEqual([]);

    expect((await postChunk(id, 3, '3:3', parts[2]!)).status).toBe(202);
    expect(await listInbox(target, 'X26ABC2')).toEqual([id]);
    expect(target.sandbox.message(id)!.file_size).toBe(Buffer.concat(parts).length);
  });

  it('tracks an uploading message as uploading', async () => {
    const id = await startChunked(2, parts[0]!);
    const response = await meshRequest(target, {
      path: `/messageexchange/X26ABC1/outbox/tracking?messageID=${id}`,
      as: 'X26ABC1',
    });
    expect(response.json().status).toBe('uploading');
  });

  it('answers v1 clients with messageID and blockID', async () => {
    const id = await startChunked(2, parts[0]!);
    const response = await meshRequest(target, {
      method: 'POST',
      path: `/messageexchange/X26ABC1/outbox/${id}/2`,
      as: 'X26ABC1',
      headers: { 'mex-Chunk-Range': '2:2' },
      body: parts[1]!,
      accept: 'application/json',
    });
    expect(response.json()).toEqual({ messageID: id, blockID: 2 });
  });

  it('lets a chunk be sent again while uploading (the later copy wins)', async () => {
    const id = await startChunked(3, parts[0]!);
    await postChunk(id, 2, '2:3', Buffer.from('wrong'));
    await postChunk(id, 2, '2:3', parts[1]!);
    await postChunk(id, 3, '3:3', parts[2]!);
    expect((await download(id, 2)).body).toEqual(parts[1]);
  });

  it('delivers chunks sent out of order once all have arrived', async () => {
    const id = await startChunked(3, parts[0]!);
    await postChunk(id, 3, '3:3', parts[2]!);
    expect(await listInbox(target, 'X26ABC2')).toEqual([]);
    await postChunk(id, 2, '2:3', parts[1]!);
    expect(await listInbox(target, 'X26ABC2')).toEqual([id]);
  });

  it('answers 423 once the message is finalised', async () => {
    const id = await startChunked(2, parts[0]!);
    await postChunk(id, 2, '2:2', parts[1]!);
    const again = await postChunk(id, 2, '2:2', parts[1]!);
    expect(again.status).toBe(423);
    expect(again.json()).toEqual({ message: 'An internal error occurred.\n\nPlease contact support.' });
  });

  it('answers 404 for an unknown message and 403 for another sender', async () => {
    expect((await postChunk('UNKNOWNID', 2, '2:2', parts[1]!)).status).toBe(404);
    const id = await startChunked(2, parts[0]!);
    expect((await postChunk(id, 2, '2:2', parts[1]!, {}, 'X26ABC3')).status).toBe(403);
  });

  it.each([
    ['missing', undefined],
    ['not matching the URL', '3:3'],
    ['malformed', 'two:three'],
    ['beyond the total', '4:3'],
    ['with a different total', '2:5'],
  ])('answers 417 with the message id for a chunk range %s', async (_name, range) => {
    const id = await startChunked(3, parts[0]!);
    const response = await postChunk(id, 2, range, parts[1]!);
    expect(response.status).toBe(417);
    expect(response.json()).toEqual({
      message_id: id,
      detail: [{ event: 'SEND', code: 'InvalidHeaderChunks', msg: 'Invalid chunk values sent in mex-Chunk-Range header' }],
    });
  });

  it('answers 406 for a chunk number beyond the total when header and path agree', async () => {
    const id = await startChunked(2, parts[0]!);
    expect((await postChunk(id, 3, '3:3', parts[1]!)).status).toBe(406);
  });

  it('refuses a chunk whose content encoding differs from chunk 1', async () => {
    const id = await startChunked(2, gzipSync(parts[0]!), { 'Content-Encoding': 'gzip' });
    const plain = await postChunk(id, 2, '2:2', parts[1]!);
    expect(plain.status).toBe(417);
    expect(plain.json().detail[0].msg).toBe('cannot change content encoding');
    const gzipped = await postChunk(id, 2, '2:2', gzipSync(parts[1]!), { 'Content-Encoding': 'gzip' });
    expect(gzipped.status).toBe(202);
  });

  it('validates the chunk number in the path', async () => {
    const id = await startChunked(2, parts[0]!);
    expect((await postChunk(id, 0, '0:2', parts[1]!)).status).toBe(400);
  });
});

describe('chunked download', () => {
  async function deliveredThreeChunks(): Promise<string> {
    const id = await startChunked(3, parts[0]!);
    await postChunk(id, 2, '2:3', parts[1]!);
    await postChunk(id, 3, '3:3', parts[2]!);
    return id;
  }

  it('serves chunk 1 with 206, the middle with 206 and the last with 200', async () => {
    const id = await deliveredThreeChunks();
    const first = await download(id);
    expect(first.status).toBe(206);
    expect(first.headers['mex-chunk-range']).toBe('1:3');
    expect(first.headers['mex-total-chunks']).toBe('3');
    expect(first.body).toEqual(parts[0]);
    const middle = await download(id, 2);
    expect(middle.status).toBe(206);
    expect(middle.headers['mex-chunk-range']).toBe('2:3');
    const last = await download(id, 3);
    expect(last.status).toBe(200);
    expect(last.headers['mex-chunk-range']).toBe('3:3');
    expect(Buffer.concat([first.body, middle.body, last.body])).toEqual(Buffer.concat(parts));
  });

  it('sends the status headers on every chunk, as the sandbox does', async () => {
    const id = await deliveredThreeChunks();
    expect((await download(id, 2)).headers['mex-statuscode']).toBe('00');
  });

  it('gives chunked messages the octet-stream type', async () => {
    const id = await startChunked(2, parts[0]!, { 'mex-Content-Type': 'text/csv' });
    await postChunk(id, 2, '2:2', parts[1]!);
    const first = await download(id);
    expect(first.headers['content-type']).toBe('application/octet-stream');
    expect(first.headers['mex-content-type']).toBe('text/csv');
  });

  it('answers 404 RECEIVE 20 for a chunk beyond the last', async () => {
    const id = await deliveredThreeChunks();
    const response = await download(id, 4);
    expect(response.status).toBe(404);
    expect(response.json().detail[0]).toEqual({ event: 'RECEIVE', code: '20', msg: 'Message does not exist' });
  });
});

describe('gzip negotiation', () => {
  const text = Buffer.from('a line of text that compresses well\n'.repeat(200));

  it('decompresses a stored gzip chunk for a client that does not accept gzip', async () => {
    const id = await sendMessage(target, 'X26ABC1', 'X26ABC2', gzipSync(text), { 'Content-Encoding': 'gzip' });
    const response = await download(id, undefined, { 'Accept-Encoding': 'identity' });
    expect(response.headers['content-encoding']).toBeUndefined();
    expect(response.body).toEqual(text);
  });

  it('passes a stored gzip chunk through to a client that accepts gzip', async () => {
    const stored = gzipSync(text);
    const id = await sendMessage(target, 'X26ABC1', 'X26ABC2', stored, { 'Content-Encoding': 'gzip' });
    const response = await download(id, undefined, { 'Accept-Encoding': 'gzip' });
    expect(response.headers['content-encoding']).toBe('gzip');
    expect(response.headers['mex-content-compressed']).toBe('Y');
    expect(response.headers['content-length']).toBe(String(stored.length));
    expect(response.body).toEqual(stored);
  });

  it('gzips a plain chunk for a v2 client that accepts gzip and marks it compressed', async () => {
    const id = await sendMessage(target, 'X26ABC1', 'X26ABC2', text);
    const response = await download(id, undefined, { 'Accept-Encoding': 'gzip, deflate' });
    expect(response.headers['content-encoding']).toBe('gzip');
    expect(response.headers['mex-content-compressed']).toBe('Y');
    expect(gunzipSync(response.body)).toEqual(text);
  });

  it('leaves a plain chunk alone for a v1 client', async () => {
    const id = await sendMessage(target, 'X26ABC1', 'X26ABC2', text);
    const response = await download(id, undefined, { 'Accept-Encoding': 'gzip' }, 'application/json');
    expect(response.headers['content-encoding']).toBeUndefined();
    expect(response.body).toEqual(text);
  });

  it('decompresses each gzipped chunk of a chunked message on its own', async () => {
    const id = await startChunked(2, gzipSync(parts[0]!), { 'Content-Encoding': 'gzip' });
    await postChunk(id, 2, '2:2', gzipSync(parts[1]!), { 'Content-Encoding': 'gzip' });
    const first = await download(id, 1, { 'Accept-Encoding': 'identity' });
    const second = await download(id, 2, { 'Accept-Encoding': 'identity' });
    expect(Buffer.concat([first.body, second.body])).toEqual(Buffer.concat([parts[0]!, parts[1]!]));
  });

  it('can be told not to compress downloads (for benchmarks)', async () => {
    const plain = await startNhsSandboxFixture({ compressDownloads: false });
    try {
      const id = await sendMessage(plain, 'X26ABC1', 'X26ABC2', text);
      const response = await meshRequest(plain, {
        path: `/messageexchange/X26ABC2/inbox/${id}`,
        as: 'X26ABC2',
        headers: { 'Accept-Encoding': 'gzip' },
      });
      expect(response.headers['content-encoding']).toBeUndefined();
      expect(response.headers['content-length']).toBe(String(text.length));
    } finally {
      await plain.close();
    }
  });
});
