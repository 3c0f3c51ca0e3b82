/**
 * How a fault rule is carried out on one request: wrapping the request body,
 * limiting or muting the response, and dropping the connection.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type Readable, Transform, type TransformCallback } from 'node:stream';

/**
 * A pass-through for the request body that lets `limit` bytes through, then
 * fails the stream and calls onLimit (which drops the connection). A body not
 * longer than the limit passes untouched.
 */
export function cutRequestBody(req: IncomingMessage, limit: number, onLimit: () => void): Readable {
  let seen = 0;
  const cutter = new Transform({
    highWaterMark: 1024 * 1024,
    transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
      if (seen + chunk.length <= limit) {
        seen += chunk.length;
        callback(null, chunk);
        return;
      }
      const part = chunk.subarray(0, limit - seen);
      seen = limit;
      if (part.length > 0) this.push(part);
      onLimit();
      callback(new Error('connection dropped by a reset-mid-body fault'));
    },
  });
  req.on('error', (error) => cutter.destroy(error));
  req.on('aborted', () => cutter.destroy(new Error('request aborted')));
  req.pipe(cutter);
  return cutter;
}

type WriteCallback = (error?: Error | null) => void;

function toBuffer(chunk: unknown, encoding?: BufferEncoding): Buffer {
  if (Buffer.isBuffer(chunk)) return chunk;
  if (typeof chunk === 'string') return Buffer.from(chunk, encoding ?? 'utf8');
  if (chunk instanceof Uint8Array) return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  return Buffer.alloc(0);
}

function splitArgs(
  encodingOrCallback?: BufferEncoding | WriteCallback,
  callback?: WriteCallback,
): { encoding?: BufferEncoding; callback?: WriteCallback } {
  if (typeof encodingOrCallback === 'function') return { callback: encodingOrCallback };
  const result: { encoding?: BufferEncoding; callback?: WriteCallback } = {};
  if (encodingOrCallback !== undefined) result.encoding = encodingOrCallback;
  if (callback !== undefined) result.callback = callback;
  return result;
}

/**
 * Lets the first `limit` body bytes of a response go out, then calls onLimit
 * once they are flushed and swallows the rest. A Content-Length for the whole
 * body is still announced, so the client sees a short body. A body not longer
 * than the limit is sent normally.
 */
export function limitResponseBody(res: ServerResponse, limit: number, onLimit: () => void): void {
  let sent = 0;
  let tripped = false;
  const write = res.write.bind(res) as (chunk: Buffer, callback?: WriteCallback) => boolean;
  const end = res.end.bind(res) as (callback?: () => void) => ServerResponse;

  const pass = (buffer: Buffer, callback?: WriteCallback): boolean => {
    if (tripped) {
      callback?.();
      return true;
    }
    if (sent + buffer.length <= limit) {
      sent += buffer.length;
      return write(buffer, callback);
    }
    tripped = true;
    const part = buffer.subarray(0, limit - sent);
    sent = limit;
    write(part, () => onLimit());
    callback?.();
    return true;
  };

  res.write = ((chunk: unknown, encodingOrCallback?: BufferEncoding | WriteCallback, maybeCallback?: WriteCallback) => {
    const { encoding, callback } = splitArgs(encodingOrCallback, maybeCallback);
    return pass(toBuffer(chunk, encoding), callback);
  }) as ServerResponse['write'];

  res.end = ((chunk?: unknown, encodingOrCallback?: BufferEncoding | WriteCallback, maybeCallback?: WriteCallback) => {
    const bodyGiven = typeof chunk !== 'function' && chunk !== undefined && chunk !== null;
    const { encoding, callback } =
      typeof chunk === 'function'
        ? { encoding: undefined, callback: chunk as WriteCallback }
        : splitArgs(encodingOrCallback, maybeCallback);
    if (bodyGiven) {
      const buffer = toBuffer(chunk, encoding);
      if (!res.headersSent && !res.hasHeader('content-length') && !res.hasHeader('transfer-encoding')) {
        res.setHeader('Content-Length', String(sent + buffer.length));
      }
      pass(buffer);
    }
    if (!tripped) return end(callback);
    callback?.();
    return res;
  }) as ServerResponse['end'];
}

/**
 * Lets the handler run to the end but sends nothing; when it finishes its
 * response, waits for the whole request body and then drops the connection.
 * Models "the request arrived, the answer never did".
 */
export function muteResponseThenDrop(req: IncomingMessage, res: ServerResponse): void {
  let dropped = false;
  const drop = () => {
    if (dropped) return;
    dropped = true;
    const finish = () => res.socket?.destroy();
    if (req.complete) finish();
    else {
      req.once('end', finish);
      req.once('error', finish);
      req.resume();
    }
  };
  res.writeHead = (() => res) as unknown as ServerResponse['writeHead'];
  res.flushHeaders = () => {};
  res.write = ((_chunk: unknown, encodingOrCallback?: BufferEncoding | WriteCallback, maybeCallback?: WriteCallback) => {
    splitArgs(encodingOrCallback, maybeCallback).callback?.();
    return true;
  }) as ServerResponse['write'];
  res.end = ((chunk?: unknown, encodingOrCallback?: BufferEncoding | WriteCallback, maybeCallback?: WriteCallback) => {
    const callback = typeof chunk === 'function' ? (chunk as WriteCallback) : splitArgs(encodingOrCallback, maybeCallback).callback;
    drop();
    callback?.();
    return res;
  }) as ServerResponse['end'];
}
