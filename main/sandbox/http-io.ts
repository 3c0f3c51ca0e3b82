/**
 * Small helpers for answering and for reading JSON request bodies.
 */
import type { ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import { type ErrorBody, SandboxHttpError, errorResponseBody, validationError } from './mesh-errors';

/** Sends a JSON body (compact, as starlette serialises it). */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  contentType = 'application/json',
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    'Content-Type': contentType,
    'Content-Length': String(Buffer.byteLength(text)),
  });
  res.end(text);
}

/** Sends a status with an empty body. */
export function sendEmpty(res: ServerResponse, status: number, headers: Record<string, string> = {}): void {
  res.writeHead(status, { ...headers, 'Content-Length': '0' });
  res.end();
}

/** Sends an error in the shape for the caller's API version. */
export function sendError(
  res: ServerResponse,
  status: number,
  body: ErrorBody,
  apiVersion: number,
  headers: Record<string, string> = {},
): void {
  const { contentType, json } = errorResponseBody(body, apiVersion);
  sendJson(res, status, json, contentType, headers);
}

const MAX_JSON_BODY_BYTES = 1024 * 1024;

/** Reads a small JSON request body (admin endpoints); 400 when it is not JSON or too large. */
export async function readJsonBody(body: Readable): Promise<unknown> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const part of body) {
    const buffer = part as Buffer;
    size += buffer.length;
    if (size > MAX_JSON_BODY_BYTES) {
      throw new SandboxHttpError(413, { kind: 'json', body: { detail: 'Request body too large' } });
    }
    parts.push(buffer);
  }
  const text = Buffer.concat(parts).toString('utf8');
  try {
    return JSON.parse(text === '' ? 'null' : text);
  } catch {
    throw validationError([{ loc: ['body', 0], msg: 'Expecting value', type: 'value_error.jsondecode' }]);
  }
}
