/**
 * Error responses in the shapes NHS's sandbox sends (mesh-api.md §6.5):
 * MESH errors as v1 `{errorEvent, errorCode, errorDescription}` or v2
 * `{detail: [{event, code, msg}]}`, FastAPI-style validation errors, and the
 * bare "internal error" body used when there is no detail.
 */

/** A MESH error: phase, code and description as MESH and the sandbox name them. */
export interface MeshErrorDefinition {
  event: string;
  code: string;
  description: string;
}

/** The MESH errors the sandbox can raise (sandbox common/constants.py ErrorCodeMap, spec §6.4). */
export const MESH_ERRORS = {
  // The sandbox reports header problems with the raw constant as the description.
  malformedControlFile: { event: 'TRANSFER', code: '06', description: 'MalformedControlFile' },
  invalidFromAddress: { event: 'SEND', code: '07', description: 'Invalid From Address in the control file' },
  missingToAddress: { event: 'SEND', code: '08', description: 'TO_DTS missing' },
  unregisteredRecipient: { event: 'SEND', code: '12', description: 'Unregistered to address' },
  senderNotAllowed: {
    event: 'SEND',
    code: '16',
    description: 'Sender is not allowed to send messages of this type',
  },
  workflowNotRegistered: { event: 'SEND', code: '17', description: 'Workflow ID not registered for mailbox' },
  missingDataFile: { event: 'COLLECT', code: '02', description: 'Data file is missing or inaccessible.' },
  messageDoesNotExist: { event: 'RECEIVE', code: '20', description: 'Message does not exist' },
  messageGone: {
    event: 'SEND',
    code: 'Message already accepted',
    description: 'Message no longer available for download',
  },
  noMailboxMatched: { event: 'SEND', code: 'EPL-151', description: 'No mailbox matched' },
  invalidHeaderChunks: {
    event: 'SEND',
    code: 'InvalidHeaderChunks',
    description: 'Invalid chunk values sent in mex-Chunk-Range header',
  },
  unsupportedContentEncoding: {
    event: 'SEND',
    code: 'UnsupportedContentEncoding',
    description: 'Unsupported content encoding',
  },
  invalidChecksum: { event: 'SEND', code: 'Invalid checksum', description: 'Invalid checksum' },
} as const satisfies Record<string, MeshErrorDefinition>;

export type MeshErrorName = keyof typeof MESH_ERRORS;

/** Description of an undelivered-message report (code 14) for an expiry period in days. */
export function undeliveredDescription(days: number): string {
  return `Message not collected by recipient after ${days} days`;
}

/** One entry of a FastAPI validation error body. */
export interface ValidationIssue {
  loc: Array<string | number>;
  msg: string;
  type: string;
  ctx?: Record<string, unknown>;
}

/** How an error response is shaped; rendered for the request's API version by errorResponseBody. */
export type ErrorBody =
  /** A MESH error from MESH_ERRORS. */
  | { kind: 'mesh'; error: MeshErrorDefinition; messageId?: string; fields?: string[] }
  /** Free text the sandbox raises without a MESH code: event and code are empty strings. */
  | { kind: 'text'; text: string; messageId?: string }
  /** FastAPI's 400 for request validation. */
  | { kind: 'validation'; issues: ValidationIssue[] }
  /** HTTPException without detail: the sandbox's generic body. */
  | { kind: 'internal' }
  /** A body given verbatim (e.g. FastAPI's {"detail":"Not Found"}). */
  | { kind: 'json'; body: unknown };

/** An error a handler throws; the server turns it into a response for the caller's API version. */
export class SandboxHttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: ErrorBody,
    readonly headers: Record<string, string> = {},
  ) {
    super(`HTTP ${status}`);
    this.name = 'SandboxHttpError';
  }
}

/** Shorthand for a MESH error response. */
export function meshError(status: number, name: MeshErrorName, messageId?: string): SandboxHttpError {
  const body: ErrorBody = { kind: 'mesh', error: MESH_ERRORS[name] };
  if (messageId !== undefined) body.messageId = messageId;
  return new SandboxHttpError(status, body);
}

/** Shorthand for a free-text error response. */
export function textError(status: number, text: string, messageId?: string): SandboxHttpError {
  const body: ErrorBody = { kind: 'text', text };
  if (messageId !== undefined) body.messageId = messageId;
  return new SandboxHttpError(status, body);
}

/** Shorthand for a bodiless HTTPException (sandbox's generic internal-error body). */
export function bareError(status: number): SandboxHttpError {
  return new SandboxHttpError(status, { kind: 'internal' });
}

/** Shorthand for a 400 validation error. */
export function validationError(issues: ValidationIssue[]): SandboxHttpError {
  return new SandboxHttpError(400, { kind: 'validation', issues });
}

/** FastAPI's "field required" issue for a header, query or body field. */
export function missingField(where: 'header' | 'query' | 'body', name: string): ValidationIssue {
  return { loc: [where, name], msg: 'field required', type: 'value_error.missing' };
}

/** FastAPI's issue for a string longer than its limit. */
export function tooLong(where: 'header' | 'query', name: string, limit: number): ValidationIssue {
  return {
    loc: [where, name],
    msg: `ensure this value has at most ${limit} characters`,
    type: 'value_error.any_str.max_length',
    ctx: { limit_value: limit },
  };
}

/** FastAPI's issue for a string shorter than its limit. */
export function tooShort(where: 'header' | 'query', name: string, limit: number): ValidationIssue {
  return {
    loc: [where, name],
    msg: `ensure this value has at least ${limit} characters`,
    type: 'value_error.any_str.min_length',
    ctx: { limit_value: limit },
  };
}

export const V1_MEDIA_TYPE = 'application/vnd.mesh.v1+json';
export const V2_MEDIA_TYPE = 'application/vnd.mesh.v2+json';

const INTERNAL_ERROR_MESSAGE = 'An internal error occurred.\n\nPlease contact support.';

/** Content type and JSON body of an error for the caller's API version. */
export function errorResponseBody(body: ErrorBody, apiVersion: number): { contentType: string; json: unknown } {
  switch (body.kind) {
    case 'internal':
      return { contentType: 'application/json', json: { message: INTERNAL_ERROR_MESSAGE } };
    case 'json':
      return { contentType: 'application/json', json: body.body };
    case 'validation':
      return { contentType: 'application/json', json: { detail: body.issues } };
    case 'mesh':
    case 'text': {
      const event = body.kind === 'mesh' ? body.error.event : '';
      const code = body.kind === 'mesh' ? body.error.code : '';
      const description = body.kind === 'mesh' ? body.error.description : body.text;
      if (apiVersion < 2) {
        const v1: Record<string, unknown> = {};
        if (body.messageId !== undefined) v1.messageID = body.messageId;
        Object.assign(v1, { errorEvent: event, errorCode: code, errorDescription: description });
        if (body.kind === 'mesh' && body.fields) v1.fields = body.fields;
        return { contentType: 'application/json', json: v1 };
      }
      const v2: Record<string, unknown> = {};
      if (body.messageId !== undefined) v2.message_id = body.messageId;
      v2.detail = [{ event, code, msg: description }];
      return { contentType: V2_MEDIA_TYPE, json: v2 };
    }
  }
}
