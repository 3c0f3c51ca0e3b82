/**
 * Reads a MESH error body, whichever of MESH's shapes it came in, into the
 * few facts the classification needs and the log shows.
 */

/** What an error body said, whichever of MESH's shapes it came in. */
export interface MeshErrorBody {
  event?: string;
  code?: string;
  description?: string;
  messageId?: string;
  /** Header names a validation error pointed at, lower case (e.g. "mex-subject"). */
  fields?: string[];
  /** A short excerpt of a body that was not JSON (XML, HTML, text), for the log. */
  text?: string;
}

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  return undefined;
}

function assign(target: MeshErrorBody, key: 'event' | 'code' | 'description' | 'messageId', value: unknown): void {
  const text = stringOf(value);
  if (text !== undefined && text !== '' && target[key] === undefined) target[key] = text;
}

function readV1(body: JsonObject, result: MeshErrorBody): void {
  assign(result, 'event', body.errorEvent);
  assign(result, 'code', body.errorCode);
  assign(result, 'description', body.errorDescription);
  assign(result, 'messageId', body.messageID ?? body.messageId);
  if (Array.isArray(body.fields)) {
    result.fields = body.fields.filter((field): field is string => typeof field === 'string').map(normaliseHeaderName);
  }
}

function normaliseHeaderName(name: string): string {
  return name.toLowerCase().replace(/_/g, '-');
}

function readDetailArray(detail: unknown[], result: MeshErrorBody): void {
  const descriptions: string[] = [];
  const fields: string[] = [];
  for (const item of detail) {
    if (!isObject(item)) continue;
    if (Array.isArray(item.loc)) {
      // FastAPI validation: loc is like ["header", "mex-subject"].
      const last = item.loc[item.loc.length - 1];
      if (typeof last === 'string') fields.push(normaliseHeaderName(last));
    } else {
      assign(result, 'event', item.event);
      assign(result, 'code', item.code);
    }
    const message = stringOf(item.msg);
    if (message) descriptions.push(message);
  }
  if (descriptions.length > 0 && result.description === undefined) result.description = descriptions.join('; ');
  if (fields.length > 0) result.fields = fields;
}

function excerpt(text: string): string {
  const withoutTags = text
    .replace(/<[^>]*>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return withoutTags.slice(0, 300);
}

/**
 * Reads any MESH error body: v1 {errorEvent,errorCode,errorDescription},
 * v2 {detail:[{event,code,msg}]}, FastAPI validation {detail:[{loc,msg}]},
 * {detail:"…"}, {message:"…"}, or non-JSON (XML/HTML/text) and empty bodies.
 */
export function parseErrorBody(body: string | undefined): MeshErrorBody {
  const result: MeshErrorBody = {};
  const text = (body ?? '').trim();
  if (text === '') return result;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    result.text = excerpt(text);
    return result;
  }
  if (!isObject(parsed)) {
    if (typeof parsed === 'string' && parsed !== '') result.description = parsed;
    return result;
  }
  assign(result, 'messageId', parsed.message_id);
  readV1(parsed, result);
  const detail = parsed.detail;
  if (Array.isArray(detail)) readDetailArray(detail, result);
  else if (isObject(detail)) readV1(detail, result);
  else assign(result, 'description', detail);
  assign(result, 'description', parsed.message);
  return result;
}
