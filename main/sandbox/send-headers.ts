/**
 * Validation of the headers of a send (first chunk) and of a handshake, in the
 * order NHS's sandbox applies them (mesh-api.md §2.7, §3.1): FastAPI's length
 * and presence checks (400 validation body), then control characters and URLs
 * (400, code 06), then the checksum character set.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { type ValidationIssue, MESH_ERRORS, SandboxHttpError, meshError, missingField, tooLong, validationError } from './mesh-errors';

/** The send headers after validation, trimmed and upper-cased where the sandbox does. */
export interface SendHeaders {
  to: string;
  workflowId: string;
  chunkRange: string;
  subject?: string;
  localId?: string;
  partnerId?: string;
  fileName?: string;
  checksum?: string;
  mexContentType?: string;
  encrypted: boolean;
  compressed: boolean;
  /** '' or 'gzip' (validated later, with the 422 the sandbox gives). */
  contentEncoding: string;
  /** Lower-cased Content-Type. */
  contentType: string;
}

interface HeaderRule {
  header: string;
  field: string;
  maxLength: number;
  required?: boolean;
}

// Lengths from the sandbox's mex_headers.py (the spec publishes the same for the ones it lists).
const SEND_HEADER_RULES: readonly HeaderRule[] = [
  { header: 'mex-to', field: 'mex_to', maxLength: 100, required: true },
  { header: 'mex-workflowid', field: 'mex_workflow_id', maxLength: 300, required: true },
  { header: 'mex-chunk-range', field: 'mex_chunk_range', maxLength: 20 },
  { header: 'mex-subject', field: 'mex_subject', maxLength: 500 },
  { header: 'mex-localid', field: 'mex_localid', maxLength: 300 },
  { header: 'mex-partnerid', field: 'mex_partnerid', maxLength: 500 },
  { header: 'mex-filename', field: 'mex_filename', maxLength: 300 },
  { header: 'mex-content-encrypted', field: 'mex_content_encrypted', maxLength: 20 },
  { header: 'mex-content-compressed', field: 'mex_content_compressed', maxLength: 20 },
  { header: 'mex-content-checksum', field: 'mex_content_checksum', maxLength: 100 },
  { header: 'mex-content-type', field: 'mex_content_type', maxLength: 100 },
];

// Flags are booleans in the sandbox and so escape the control-character check.
const FLAG_HEADERS = new Set(['mex-content-encrypted', 'mex-content-compressed']);

const URL_VALUE = /^https?:\/\//i;
const CHECKSUM_CHARACTERS = /^[A-Za-z0-9\s:\-/]*$/;
const TRUTHY = new Set(['y', 'yes', 't', 'true', 'on', '1']);

/** True when the text holds a character below 0x20 (tab included), which MESH calls a malformed control file. */
export function hasControlCharacter(text: string): boolean {
  for (let index = 0; index < text.length; index++) {
    if (text.charCodeAt(index) < 0x20) return true;
  }
  return false;
}

/** One header's value as a string (repeated headers joined as node joins them), or undefined. */
export function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  if (value === undefined) return undefined;
  return Array.isArray(value) ? value.join(', ') : value;
}

/** The sandbox's strtobool: y/yes/t/true/on/1 in any case are true, anything else false. */
export function isTruthyFlag(value: string | undefined): boolean {
  return value !== undefined && TRUTHY.has(value.trim().toLowerCase());
}

/** Validates the headers of POST /outbox; throws the sandbox's 400 for the first failing stage. */
export function parseSendHeaders(headers: IncomingHttpHeaders): SendHeaders {
  const issues: ValidationIssue[] = [];
  for (const rule of SEND_HEADER_RULES) {
    const value = headerValue(headers, rule.header);
    if (value === undefined) {
      if (rule.required) issues.push(missingField('header', rule.header));
    } else if (value.length > rule.maxLength) {
      issues.push(tooLong('header', rule.header, rule.maxLength));
    }
  }
  if (issues.length > 0) throw validationError(issues);

  const raw = (name: string) => headerValue(headers, name) ?? '';
  const to = raw('mex-to').toUpperCase().trim();
  const workflowId = raw('mex-workflowid').trim();
  const checksum = raw('mex-content-checksum');

  const badFields: string[] = [];
  for (const rule of SEND_HEADER_RULES) {
    if (FLAG_HEADERS.has(rule.header)) continue;
    if (hasControlCharacter(raw(rule.header))) badFields.push(rule.field);
  }
  if (URL_VALUE.test(to)) badFields.push('mex-To');
  if (URL_VALUE.test(workflowId)) badFields.push('mex-WorkflowID');
  if (URL_VALUE.test(checksum)) badFields.push('mex-Content-Checksum');
  if (badFields.length > 0) {
    throw new SandboxHttpError(400, { kind: 'mesh', error: MESH_ERRORS.malformedControlFile, fields: badFields });
  }
  if (checksum !== '' && !CHECKSUM_CHARACTERS.test(checksum.trim())) throw meshError(400, 'invalidChecksum');

  const optional = (name: string) => {
    const value = raw(name);
    return value === '' ? undefined : value;
  };
  const result: SendHeaders = {
    to,
    workflowId,
    chunkRange: raw('mex-chunk-range').trim(),
    encrypted: isTruthyFlag(optional('mex-content-encrypted')),
    compressed: isTruthyFlag(optional('mex-content-compressed')),
    contentEncoding: raw('content-encoding').trim().toLowerCase(),
    contentType: raw('content-type').trim().toLowerCase(),
  };
  const assign = (key: 'subject' | 'localId' | 'partnerId' | 'fileName' | 'checksum' | 'mexContentType', name: string) => {
    const value = optional(name);
    if (value !== undefined) result[key] = value;
  };
  assign('subject', 'mex-subject');
  assign('localId', 'mex-localid');
  assign('partnerId', 'mex-partnerid');
  assign('fileName', 'mex-filename');
  assign('checksum', 'mex-content-checksum');
  assign('mexContentType', 'mex-content-type');
  return result;
}

/** The connection details a handshake must carry. */
export interface HandshakeHeaders {
  clientVersion: string;
  osName: string;
  osVersion: string;
  osArchitecture?: string;
  javaVersion?: string;
  userAgent?: string;
}

/** Validates handshake headers; throws the 400 validation body listing every missing one. */
export function parseHandshakeHeaders(headers: IncomingHttpHeaders): HandshakeHeaders {
  const required = ['mex-clientversion', 'mex-osname', 'mex-osversion'];
  const missing = required.filter((name) => headerValue(headers, name) === undefined);
  if (missing.length > 0) throw validationError(missing.map((name) => missingField('header', name)));
  const result: HandshakeHeaders = {
    clientVersion: headerValue(headers, 'mex-clientversion')!,
    osName: headerValue(headers, 'mex-osname')!,
    osVersion: headerValue(headers, 'mex-osversion')!,
  };
  const architecture = headerValue(headers, 'mex-osarchitecture');
  if (architecture !== undefined) result.osArchitecture = architecture;
  const javaVersion = headerValue(headers, 'mex-javaversion');
  if (javaVersion !== undefined) result.javaVersion = javaVersion;
  const userAgent = headerValue(headers, 'user-agent');
  if (userAgent !== undefined) result.userAgent = userAgent;
  return result;
}
