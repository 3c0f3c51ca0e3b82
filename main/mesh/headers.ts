import { AppError } from '../shared/errors';
import { parseCompactTimestamp } from './timestamps';

/** What the sender says about a message; becomes the mex-* headers of chunk 1. */
export interface SendMetadata {
  /** Recipient mailbox ID. */
  to: string;
  workflowId: string;
  subject?: string;
  /** The sender's own reference. Must not contain patient-identifiable data. */
  localId?: string;
  fileName?: string;
  /** Opaque to MESH, e.g. "sha256:…"; letters, digits, spaces and : - / only. */
  checksum?: string;
  /** Passthrough flag: the payload is encrypted by the sender. */
  encrypted?: boolean;
  /** Passthrough flag: the payload itself is compressed by the sender (not transfer gzip). */
  compressed?: boolean;
  partnerId?: string;
  /** Content type of the whole message, passed through to the recipient. */
  contentType?: string;
}

type TextField = 'to' | 'workflowId' | 'subject' | 'localId' | 'fileName' | 'checksum' | 'partnerId' | 'contentType';

interface FieldRule {
  field: TextField;
  header: string;
  /** Plain words for a person, used in sentences ("The subject is too long"). */
  label: string;
  maxLength: number;
  required?: boolean;
  /** The MESH sandbox rejects these when they start with http:// or https://. */
  refuseUrl?: boolean;
}

/** Limits from mesh-api.md §3.1 (published by the spec, enforced by the sandbox). */
const FIELD_RULES: readonly FieldRule[] = [
  { field: 'to', header: 'mex-to', label: 'recipient mailbox ID', maxLength: 100, required: true, refuseUrl: true },
  { field: 'workflowId', header: 'mex-workflowid', label: 'workflow ID', maxLength: 300, required: true, refuseUrl: true },
  { field: 'subject', header: 'mex-subject', label: 'subject', maxLength: 500 },
  { field: 'localId', header: 'mex-localid', label: 'local reference', maxLength: 300 },
  { field: 'fileName', header: 'mex-filename', label: 'file name', maxLength: 300 },
  { field: 'checksum', header: 'mex-content-checksum', label: 'checksum', maxLength: 100, refuseUrl: true },
  { field: 'partnerId', header: 'mex-partnerid', label: 'partner ID', maxLength: 500 },
  { field: 'contentType', header: 'mex-content-type', label: 'content type', maxLength: 100 },
];

const HEADER_LABELS: Readonly<Record<string, string>> = Object.fromEntries([
  ...FIELD_RULES.map((rule) => [rule.header, rule.label]),
  ['mex-chunk-range', 'chunk number'],
  ['mex-content-encrypted', 'encrypted flag'],
  ['mex-content-compressed', 'compressed flag'],
  ['mex-clientversion', 'client version'],
  ['mex-osname', 'operating system name'],
  ['mex-osversion', 'operating system version'],
]);

/** Plain words for a mex-* header name ("mex-subject" → "subject"); the name itself when unknown. */
export function headerLabel(headerName: string): string {
  return HEADER_LABELS[headerName.toLowerCase().replace(/_/g, '-')] ?? headerName;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function headerError(field: TextField, message: string, detail: string): AppError {
  return new AppError({ code: 'invalid-header', message, detail: `${field}: ${detail}` });
}

function describeCharacter(char: string): string {
  const codePoint = char.codePointAt(0) ?? 0;
  if (codePoint === 0x09) return 'a tab';
  if (codePoint === 0x0a || codePoint === 0x0d) return 'a line break';
  if (codePoint < 0x20 || codePoint === 0x7f) return 'an invisible control character';
  return `the character “${char}”`;
}

/** The first character MESH cannot carry in a header (anything outside printable ASCII). */
function firstUnsafeCharacter(value: string): string | undefined {
  for (const char of value) {
    const codePoint = char.codePointAt(0) ?? 0;
    if (codePoint < 0x20 || codePoint > 0x7e) return char;
  }
  return undefined;
}

const CHECKSUM_CHARACTERS = /^[A-Za-z0-9 :/-]*$/;
const URL_START = /^https?:\/\//i;

/** Problems with one field's value, in the order a person should fix them. */
function validateField(rule: FieldRule, raw: string | undefined): AppError | undefined {
  const value = raw ?? '';
  const label = capitalise(rule.label);
  if (rule.required && value.trim() === '') {
    return headerError(rule.field, `${label} is missing. Enter the ${rule.label} to send this file.`, 'required');
  }
  if (value.length > rule.maxLength) {
    return headerError(
      rule.field,
      `The ${rule.label} is too long (at most ${rule.maxLength} characters).`,
      `length ${value.length} > ${rule.maxLength}`,
    );
  }
  const unsafe = firstUnsafeCharacter(value);
  if (unsafe !== undefined) {
    const code = unsafe.codePointAt(0) ?? 0;
    const isControl = code < 0x20 || code === 0x7f;
    return headerError(
      rule.field,
      isControl
        ? `The ${rule.label} contains ${describeCharacter(unsafe)}, which MESH does not allow. Remove it and try again.`
        : `The ${rule.label} contains ${describeCharacter(unsafe)}, which MESH cannot carry. Use plain letters, numbers and punctuation.`,
      `character U+${code.toString(16).toUpperCase().padStart(4, '0')}`,
    );
  }
  if (rule.refuseUrl && URL_START.test(value.trim())) {
    return headerError(rule.field, `The ${rule.label} must not be a web address.`, 'starts with http(s)://');
  }
  if (rule.field === 'checksum' && !CHECKSUM_CHARACTERS.test(value.trim())) {
    return headerError(rule.field, 'The checksum may only contain letters, numbers, spaces and the characters : - /.', 'checksum charset');
  }
  return undefined;
}

/** Every problem with these send details, one AppError (code 'invalid-header') per field; empty when fine. */
export function validateSendHeaders(meta: SendMetadata): AppError[] {
  const problems: AppError[] = [];
  for (const rule of FIELD_RULES) {
    const problem = validateField(rule, meta[rule.field]);
    if (problem) problems.push(problem);
  }
  return problems;
}

/** A chunk's position: k of n, both 1-based. */
export interface ChunkPosition {
  k: number;
  n: number;
}

/** The recipient as MESH wants it: trimmed, and upper case when it is a plain mailbox ID. */
export function normaliseRecipient(to: string): string {
  const trimmed = to.trim();
  return /^[A-Za-z0-9]+$/.test(trimmed) ? trimmed.toUpperCase() : trimmed;
}

/**
 * Request headers for chunk k of n. Chunk 1 carries the message's metadata;
 * later chunks only their range. Content-Encoding is repeated on every chunk
 * because the sandbox refuses a change of encoding between chunks.
 */
export function buildSendHeaders(meta: SendMetadata, chunk: ChunkPosition, gzip: boolean): Record<string, string> {
  const headers: Record<string, string> = { 'content-type': 'application/octet-stream' };
  if (gzip) headers['content-encoding'] = 'gzip';
  if (chunk.k > 1 || chunk.n > 1) headers['mex-chunk-range'] = `${chunk.k}:${chunk.n}`;
  if (chunk.k > 1) return headers;

  headers['mex-to'] = normaliseRecipient(meta.to);
  headers['mex-workflowid'] = meta.workflowId.trim();
  const optional: Array<[string, string | undefined]> = [
    ['mex-subject', meta.subject],
    ['mex-localid', meta.localId],
    ['mex-filename', meta.fileName],
    ['mex-content-checksum', meta.checksum?.trim()],
    ['mex-partnerid', meta.partnerId],
    ['mex-content-type', meta.contentType],
  ];
  for (const [name, value] of optional) {
    if (value !== undefined && value !== '') headers[name] = value;
  }
  if (meta.encrypted !== undefined) headers['mex-content-encrypted'] = meta.encrypted ? 'Y' : 'N';
  if (meta.compressed !== undefined) headers['mex-content-compressed'] = meta.compressed ? 'Y' : 'N';
  return headers;
}

/**
 * Parses "k:n". Returns undefined unless both are integers with 0 < k <= n;
 * the sandbox's "1:0" on reports is read as 1:1.
 */
export function parseChunkRange(value: string | undefined): ChunkPosition | undefined {
  const match = /^\s*(\d{1,9})\s*:\s*(\d{1,9})\s*$/.exec(value ?? '');
  if (!match) return undefined;
  const k = Number(match[1]);
  const n = Number(match[2]);
  if (k === 1 && n === 0) return { k: 1, n: 1 };
  if (k < 1 || k > n) return undefined;
  return { k, n };
}

/** Delivery status MESH attaches to a message (on reports: why it failed). */
export interface MessageStatus {
  code?: string;
  event?: string;
  description?: string;
  /** From mex-statussuccess: SUCCESS → true, ERROR → false. */
  success?: boolean;
  timestamp?: Date;
}

/** What the mex-* and standard headers of a download or HEAD say about a message. */
export interface MessageMetadata {
  messageId: string;
  messageType: 'DATA' | 'REPORT';
  from?: string;
  to?: string;
  workflowId?: string;
  subject?: string;
  localId?: string;
  fileName?: string;
  partnerId?: string;
  contentType?: string;
  checksum?: string;
  encrypted: boolean;
  /**
   * The sender says the payload is itself compressed. Note the NHS sandbox also
   * sets this whenever it applies transfer gzip, so it is only a hint.
   */
  compressed: boolean;
  chunk: ChunkPosition;
  status: MessageStatus;
  /** On reports: the message that could not be delivered. */
  linkedMessageId?: string;
  contentLength?: number;
  contentEncoding?: string;
  /** Every mex-* header, names in lower case. */
  raw: Record<string, string>;
}

/** Header bags as Node, got and fetch present them. */
export type HeaderSource =
  Record<string, string | string[] | number | undefined> | { forEach(callback: (value: string, name: string) => void): void };

function lowerCaseHeaders(source: HeaderSource): Record<string, string> {
  const result: Record<string, string> = {};
  const add = (name: string, value: unknown): void => {
    if (value === undefined || value === null) return;
    const text = Array.isArray(value) ? value.join(', ') : String(value);
    result[name.toLowerCase()] = text;
  };
  if (typeof (source as { forEach?: unknown }).forEach === 'function' && !Array.isArray(source)) {
    (source as { forEach(callback: (value: string, name: string) => void): void }).forEach((value, name) => add(name, value));
  } else {
    for (const [name, value] of Object.entries(source)) add(name, value);
  }
  return result;
}

const TRUTHY_FLAGS = new Set(['y', 'yes', 't', 'true', 'on', '1']);

/** Reads a Y/N flag the way the sandbox does: y/yes/t/true/on/1 (any case) are true, anything else false. */
export function parseFlag(value: string | undefined): boolean {
  return value !== undefined && TRUTHY_FLAGS.has(value.trim().toLowerCase());
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

function parseStatusSuccess(value: string | undefined): boolean | undefined {
  const normalised = value?.trim().toUpperCase();
  if (normalised === 'SUCCESS') return true;
  if (normalised === 'ERROR') return false;
  return undefined;
}

function parseContentLength(value: string | undefined): number | undefined {
  if (value === undefined || !/^\s*\d+\s*$/.test(value)) return undefined;
  const length = Number(value);
  return Number.isSafeInteger(length) ? length : undefined;
}

function chunkFromHeaders(headers: Record<string, string>): ChunkPosition {
  const range = parseChunkRange(headers['mex-chunk-range']);
  if (range) return range;
  const total = Number(headers['mex-total-chunks']);
  if (Number.isSafeInteger(total) && total >= 1) return { k: 1, n: total };
  return { k: 1, n: 1 };
}

/**
 * Reads a download or HEAD response's headers into MessageMetadata, case-
 * insensitively. fallbackMessageId is used when mex-messageid is absent.
 */
export function parseMessageHeaders(source: HeaderSource, fallbackMessageId = ''): MessageMetadata {
  const headers = lowerCaseHeaders(source);
  const raw: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (name.startsWith('mex-')) raw[name] = value;
  }
  const statusTimestamp = nonEmpty(headers['mex-statustimestamp']);
  const mexContentType = nonEmpty(headers['mex-content-type']);
  const status: MessageStatus = {};
  const statusCode = nonEmpty(headers['mex-statuscode']);
  const statusEvent = nonEmpty(headers['mex-statusevent']);
  const statusDescription = nonEmpty(headers['mex-statusdescription']);
  const statusSuccess = parseStatusSuccess(headers['mex-statussuccess']);
  const parsedTimestamp = statusTimestamp ? parseCompactTimestamp(statusTimestamp) : undefined;
  if (statusCode !== undefined) status.code = statusCode;
  if (statusEvent !== undefined) status.event = statusEvent;
  if (statusDescription !== undefined) status.description = statusDescription;
  if (statusSuccess !== undefined) status.success = statusSuccess;
  if (parsedTimestamp !== undefined) status.timestamp = parsedTimestamp;

  const metadata: MessageMetadata = {
    messageId: nonEmpty(headers['mex-messageid']) ?? fallbackMessageId,
    messageType: headers['mex-messagetype']?.trim().toUpperCase() === 'REPORT' ? 'REPORT' : 'DATA',
    encrypted: parseFlag(headers['mex-content-encrypted']),
    compressed: parseFlag(headers['mex-content-compressed']),
    chunk: chunkFromHeaders(headers),
    status,
    raw,
  };
  const optional: Array<[keyof MessageMetadata, string | undefined]> = [
    ['from', nonEmpty(headers['mex-from'])],
    ['to', nonEmpty(headers['mex-to'])],
    ['workflowId', nonEmpty(headers['mex-workflowid'])],
    ['subject', headers['mex-subject'] || undefined],
    ['localId', nonEmpty(headers['mex-localid'])],
    ['fileName', nonEmpty(headers['mex-filename'])],
    ['partnerId', nonEmpty(headers['mex-partnerid'])],
    ['contentType', mexContentType ?? nonEmpty(headers['content-type'])],
    ['checksum', nonEmpty(headers['mex-content-checksum'])],
    ['linkedMessageId', nonEmpty(headers['mex-linkedmsgid'])],
    ['contentEncoding', nonEmpty(headers['content-encoding'])?.toLowerCase()],
  ];
  for (const [key, value] of optional) {
    if (value !== undefined) (metadata as unknown as Record<string, unknown>)[key] = value;
  }
  const contentLength = parseContentLength(headers['content-length']);
  if (contentLength !== undefined) metadata.contentLength = contentLength;
  return metadata;
}

/** The operating system facts a handshake reports (node:os values). */
export interface OsFacts {
  type: string;
  release: string;
  version: string;
  machine: string;
}

/** Makes free text safe for a header: printable ASCII only, single spaces, at most maxLength. */
export function toHeaderText(value: string, maxLength = 100): string {
  return value
    .replace(/[^\x20-\x7e]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, maxLength);
}

/** Handshake headers: mex-clientversion MESH-Desktop==<version> and the OS name, version and architecture. */
export function buildHandshakeHeaders(clientVersion: string, facts: OsFacts): Record<string, string> {
  const osName = facts.type === 'Windows_NT' ? 'Windows' : facts.type;
  return {
    'mex-clientversion': toHeaderText(`MESH-Desktop==${clientVersion}`),
    'mex-osname': toHeaderText(osName) || 'unknown',
    'mex-osversion': toHeaderText(`${facts.release} ${facts.version}`) || 'unknown',
    'mex-osarchitecture': toHeaderText(facts.machine) || 'unknown',
    'mex-javaversion': 'N/A',
  };
}
