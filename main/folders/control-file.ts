/**
 * The NHS Java MESH Client's control files (`.ctl`): the DTSControl XML that
 * travels beside each `.dat` in a mailbox's OUT, SENT, FAILED and IN folders.
 * Pure parse and serialise, so folder mode can read what a person (or their
 * system) wrote and write back exactly what the Java client would.
 *
 * A control file is kept as an ordered list of elements, so a file we
 * complete keeps the person's elements in the person's order (including ones
 * we do not know, such as From_ESMTP); what we add goes after them.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { AppErrorShape } from '../shared/errors';

/** One StatusRecord block: what happened, when (yyyyMMddHHmmss), and whether it worked. */
export interface StatusRecord {
  dateTime: string;
  event: string;
  status: 'SUCCESS' | 'ERROR';
  statusCode: string;
  description: string;
}

/** A simple element (`<Name>text</Name>`) or the StatusRecord block. */
export type ControlElement = { name: string; text: string } | { name: 'StatusRecord'; record: StatusRecord };

/** A control file as its ordered elements. */
export interface ControlFile {
  elements: ControlElement[];
}

/** What an outbound control file asks for, checked. */
export interface OutboundControl {
  to: string;
  from: string;
  workflowId: string;
  subject?: string;
  localId?: string;
  compress: boolean;
  allowChunking: boolean;
  encrypted: boolean;
}

/** Why a control file cannot be used, with the Java client's event and code for its StatusRecord. */
export interface ControlProblem {
  reason: string;
  event: string;
  code: string;
}

/** Control files are a few hundred bytes; anything this big is not one. */
export const MAX_CONTROL_FILE_BYTES = 64 * 1024;

/** The order the Java client writes a completed control file in (elements it knows). */
export const CANONICAL_ORDER = [
  'Version',
  'AddressType',
  'MessageType',
  'From_DTS',
  'To_DTS',
  'Subject',
  'LocalId',
  'DTSId',
  'PartnerId',
  'Compress',
  'Encrypted',
  'WorkflowId',
  'ProcessId',
  'DataChecksum',
  'IsCompressed',
] as const;

const STATUS_FIELDS: ReadonlyArray<[keyof StatusRecord, string]> = [
  ['dateTime', 'DateTime'],
  ['event', 'Event'],
  ['status', 'Status'],
  ['statusCode', 'StatusCode'],
  ['description', 'Description'],
];

/** yyyyMMddHHmmss in UTC, as MESH writes times. */
export function controlDateTime(at: Date): string {
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  return (
    pad(at.getUTCFullYear(), 4) +
    pad(at.getUTCMonth() + 1) +
    pad(at.getUTCDate()) +
    pad(at.getUTCHours()) +
    pad(at.getUTCMinutes()) +
    pad(at.getUTCSeconds())
  );
}

/**
 * Text of a control file's bytes: UTF-8 (with or without a byte-order mark)
 * unless the XML declaration names a Latin-1 family encoding, which older
 * Windows tools write.
 */
export function decodeControlBytes(bytes: Uint8Array): string {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buffer[0] === 0xef && buffer[1] === 0xbb && buffer[2] === 0xbf) return buffer.subarray(3).toString('utf8');
  if (buffer[0] === 0xff && buffer[1] === 0xfe) return buffer.subarray(2).toString('utf16le');
  const head = buffer.subarray(0, 200).toString('latin1');
  const declared = /^\s*<\?xml[^>]*encoding\s*=\s*["']([^"']+)["']/i.exec(head)?.[1]?.toLowerCase();
  if (declared && /^(iso-8859-1|iso8859-1|latin-?1|windows-1252|cp1252)$/.test(declared)) return buffer.toString('latin1');
  return buffer.toString('utf8');
}

type OrderedNode = Record<string, unknown>;

function textOf(children: unknown): string | { nested: true } {
  if (!Array.isArray(children)) return '';
  let text = '';
  for (const child of children as OrderedNode[]) {
    if ('#text' in child) text += String(child['#text']);
    else if (Object.keys(child).some((key) => key !== ':@')) return { nested: true };
  }
  return text;
}

function tagOf(node: OrderedNode): string | undefined {
  return Object.keys(node).find((key) => key !== ':@' && key !== '#text' && key !== '#comment');
}

const parser = new XMLParser({
  preserveOrder: true,
  parseTagValue: false,
  trimValues: true,
  ignoreAttributes: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  processEntities: true,
  commentPropName: '#comment',
});

/** Reads control-file XML; a reason a person can act on when it is not a usable DTSControl document. */
export function parseControlFile(xml: string): { ok: true; control: ControlFile } | { ok: false; reason: string } {
  const text = xml.replace(/^\uFEFF/, '');
  if (text.trim() === '') return { ok: false, reason: 'The control file is empty.' };
  if (/<!DOCTYPE/i.test(text)) return { ok: false, reason: 'The control file contains a DOCTYPE, which control files never have.' };
  const valid = XMLValidator.validate(text);
  if (valid !== true) {
    return {
      ok: false,
      reason: `The control file is not valid XML (line ${valid.err.line}, column ${valid.err.col}: ${valid.err.msg})`,
    };
  }
  const nodes = parser.parse(text) as OrderedNode[];
  const roots = nodes.filter((node) => tagOf(node) !== undefined);
  const root = roots[0];
  const rootName = root ? tagOf(root) : undefined;
  if (roots.length !== 1 || rootName !== 'DTSControl') {
    return { ok: false, reason: `The control file must have one DTSControl element at the top, not ${rootName ?? 'nothing'}.` };
  }
  const elements: ControlElement[] = [];
  for (const child of (root![rootName] as OrderedNode[]) ?? []) {
    const name = tagOf(child);
    if (!name) continue;
    if (name === 'StatusRecord') {
      const record: StatusRecord = { dateTime: '', event: '', status: 'ERROR', statusCode: '', description: '' };
      for (const field of (child[name] as OrderedNode[]) ?? []) {
        const fieldName = tagOf(field);
        const entry = STATUS_FIELDS.find(([, xmlName]) => xmlName === fieldName);
        const value = textOf(field[fieldName ?? '']);
        if (!entry || typeof value !== 'string') continue;
        if (entry[0] === 'status') record.status = value.toUpperCase() === 'SUCCESS' ? 'SUCCESS' : 'ERROR';
        else record[entry[0]] = value;
      }
      elements.push({ name: 'StatusRecord', record });
      continue;
    }
    const value = textOf(child[name]);
    if (typeof value !== 'string')
      return { ok: false, reason: `The control file's ${name} element contains other elements; it should hold text only.` };
    elements.push({ name, text: value });
  }
  return { ok: true, control: { elements } };
}

function escapeXml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** The control file as XML text, one element a line, in its element order. */
export function serialiseControlFile(control: ControlFile): string {
  const lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<DTSControl>'];
  for (const element of control.elements) {
    if ('record' in element) {
      lines.push('  <StatusRecord>');
      for (const [key, xmlName] of STATUS_FIELDS) lines.push(`    <${xmlName}>${escapeXml(element.record[key])}</${xmlName}>`);
      lines.push('  </StatusRecord>');
    } else {
      lines.push(`  <${element.name}>${escapeXml(element.text)}</${element.name}>`);
    }
  }
  lines.push('</DTSControl>', '');
  return lines.join('\n');
}

/** The text of the first element called `name` (undefined when absent). */
export function controlValue(control: ControlFile, name: string): string | undefined {
  const found = control.elements.find((element) => element.name === name && 'text' in element);
  return found && 'text' in found ? found.text : undefined;
}

/** The control file's StatusRecord, if it has one. */
export function controlStatus(control: ControlFile): StatusRecord | undefined {
  const found = control.elements.find((element) => 'record' in element);
  return found && 'record' in found ? found.record : undefined;
}

/**
 * A copy with `values` set: an element already there keeps its place, a new
 * one goes after the others (before any StatusRecord); undefined values are
 * left alone.
 */
export function withValues(control: ControlFile, values: Record<string, string | undefined>): ControlFile {
  const elements = control.elements.map((element) => ({ ...element }));
  for (const [name, text] of Object.entries(values)) {
    if (text === undefined) continue;
    const existing = elements.find((element) => element.name === name && 'text' in element);
    if (existing && 'text' in existing) {
      existing.text = text;
      continue;
    }
    const statusAt = elements.findIndex((element) => 'record' in element);
    const entry: ControlElement = { name, text };
    if (statusAt === -1) elements.push(entry);
    else elements.splice(statusAt, 0, entry);
  }
  return { elements };
}

/** A copy whose only StatusRecord is `record`, placed last. */
export function withStatus(control: ControlFile, record: StatusRecord): ControlFile {
  return { elements: [...control.elements.filter((element) => !('record' in element)), { name: 'StatusRecord', record }] };
}

function yesNo(value: string | undefined, name: string, fallback: boolean): boolean | string {
  if (value === undefined || value.trim() === '') return fallback;
  const upper = value.trim().toUpperCase();
  if (upper === 'Y' || upper === 'YES' || upper === 'TRUE') return true;
  if (upper === 'N' || upper === 'NO' || upper === 'FALSE') return false;
  return `${name} must be Y or N, not "${value}".`;
}

function countOf(control: ControlFile, name: string): number {
  return control.elements.filter((element) => element.name === name).length;
}

/**
 * Checks an outbound control file for `mailboxId`: To_DTS and WorkflowId are
 * required; From_DTS, when given, must be this mailbox; MessageType, when
 * given, must be Data; Y/N flags must be Y or N.
 */
export function readOutboundControl(
  control: ControlFile,
  mailboxId: string,
): { ok: true; request: OutboundControl } | { ok: false; problem: ControlProblem } {
  const problem = (reason: string, event = 'COLLECT', code = '01') => ({ ok: false as const, problem: { reason, event, code } });
  for (const name of ['To_DTS', 'From_DTS', 'WorkflowId']) {
    if (countOf(control, name) > 1) return problem(`The control file has more than one ${name}; give exactly one.`);
  }
  const to = controlValue(control, 'To_DTS')?.trim().toUpperCase();
  if (!to) return problem('The control file has no To_DTS (the recipient mailbox ID).', 'SEND', '08');
  if (!/^[^<>\s]{1,100}$/.test(to)) {
    return problem(`To_DTS "${to}" is not a mailbox ID.`, 'SEND', '08');
  }
  const workflowId = controlValue(control, 'WorkflowId')?.trim();
  if (!workflowId) return problem('The control file has no WorkflowId.');
  const from = controlValue(control, 'From_DTS')?.trim().toUpperCase();
  if (from && from !== mailboxId.toUpperCase()) {
    return problem(`From_DTS is ${from}, but this is the OUT folder of mailbox ${mailboxId.toUpperCase()}.`, 'SEND', '07');
  }
  const messageType = controlValue(control, 'MessageType')?.trim();
  if (messageType && messageType.toUpperCase() !== 'DATA') {
    return problem(`MessageType must be Data for a file to send, not "${messageType}".`);
  }
  const compress = yesNo(controlValue(control, 'Compress'), 'Compress', false);
  const allowChunking = yesNo(controlValue(control, 'AllowChunking'), 'AllowChunking', true);
  const encrypted = yesNo(controlValue(control, 'Encrypted'), 'Encrypted', false);
  for (const flag of [compress, allowChunking, encrypted]) if (typeof flag === 'string') return problem(flag);
  const subject = controlValue(control, 'Subject')?.trim();
  const localId = controlValue(control, 'LocalId')?.trim();
  return {
    ok: true,
    request: {
      to,
      from: mailboxId.toUpperCase(),
      workflowId,
      ...(subject ? { subject } : {}),
      ...(localId ? { localId } : {}),
      compress: compress as boolean,
      allowChunking: allowChunking as boolean,
      encrypted: encrypted as boolean,
    },
  };
}

/** The control file the Java client writes for a file sent without one (per-folder defaults). */
export function outboundControlFor(request: OutboundControl): ControlFile {
  const yn = (flag: boolean) => (flag ? 'Y' : 'N');
  const elements: ControlElement[] = [
    { name: 'Version', text: '1.0' },
    { name: 'AddressType', text: 'DTS' },
    { name: 'MessageType', text: 'Data' },
    { name: 'WorkflowId', text: request.workflowId },
    { name: 'To_DTS', text: request.to },
    { name: 'From_DTS', text: request.from },
    { name: 'Subject', text: request.subject ?? '' },
    { name: 'LocalId', text: request.localId ?? '' },
    { name: 'Compress', text: yn(request.compress) },
    { name: 'AllowChunking', text: yn(request.allowChunking) },
    { name: 'Encrypted', text: yn(request.encrypted) },
  ];
  return { elements };
}

/** What MESH said about a completed send. */
export interface SentFacts {
  messageId: string;
  partnerId?: string;
  processId?: string;
  /** The checksum sent as mex-Content-Checksum, if any. */
  checksum?: string;
  compressed: boolean;
  sentAt: Date;
  /** Default "Transferred to MESH". */
  description?: string;
}

/** The control file as the Java client leaves it in SENT: DTSId and friends added, a SUCCESS StatusRecord. */
export function completeSentControl(control: ControlFile, facts: SentFacts): ControlFile {
  const completed = withValues(control, {
    DTSId: facts.messageId,
    PartnerId: facts.partnerId ?? controlValue(control, 'PartnerId') ?? '',
    ProcessId: facts.processId ?? controlValue(control, 'ProcessId') ?? '',
    DataChecksum: facts.checksum ?? controlValue(control, 'DataChecksum') ?? '',
    IsCompressed: facts.compressed ? 'Y' : 'N',
  });
  return withStatus(completed, {
    dateTime: controlDateTime(facts.sentAt),
    event: 'TRANSFER',
    status: 'SUCCESS',
    statusCode: '00',
    description: facts.description ?? 'Transferred to MESH',
  });
}

/** The control file as it goes to FAILED: whatever the person wrote, plus an ERROR StatusRecord saying why. */
export function failedControl(control: ControlFile | undefined, problem: ControlProblem, at: Date): ControlFile {
  return withStatus(control ?? { elements: [] }, {
    dateTime: controlDateTime(at),
    event: problem.event,
    status: 'ERROR',
    statusCode: problem.code,
    description: problem.reason,
  });
}

/** What MESH told us about a received message, for its control file in IN. */
export interface ReceivedFacts {
  messageId: string;
  from?: string;
  to?: string;
  workflowId?: string;
  subject?: string;
  localId?: string;
  partnerId?: string;
  checksum?: string;
  compressed: boolean;
  encrypted: boolean;
  /** When MESH delivered it (mex-statustimestamp), else when it was received. */
  deliveredAt: Date;
}

/** The control file for a message received into IN, in the Java client's element order. */
export function inboundControl(facts: ReceivedFacts): ControlFile {
  const elements: ControlElement[] = [
    { name: 'Version', text: '1.0' },
    { name: 'AddressType', text: 'DTS' },
    { name: 'MessageType', text: 'Data' },
    { name: 'From_DTS', text: facts.from ?? '' },
    { name: 'To_DTS', text: facts.to ?? '' },
    { name: 'Subject', text: facts.subject ?? '' },
    { name: 'LocalId', text: facts.localId ?? '' },
    { name: 'DTSId', text: facts.messageId },
    { name: 'PartnerId', text: facts.partnerId ?? '' },
    { name: 'Compress', text: 'N' },
    { name: 'Encrypted', text: facts.encrypted ? 'Y' : 'N' },
    { name: 'WorkflowId', text: facts.workflowId ?? '' },
    { name: 'ProcessId', text: '' },
    { name: 'DataChecksum', text: facts.checksum ?? '' },
    { name: 'IsCompressed', text: facts.compressed ? 'Y' : 'N' },
    {
      name: 'StatusRecord',
      record: {
        dateTime: controlDateTime(facts.deliveredAt),
        event: 'TRANSFER',
        status: 'SUCCESS',
        statusCode: '00',
        description: 'Transferred to recipient mailbox',
      },
    },
  ];
  return { elements };
}

/** What a non-delivery report says, for the control file that stands alone in IN. */
export interface ReportFacts {
  /** The report's own message id. */
  reportId: string;
  /** The message it is about (the DTSId of what we sent), when known. */
  linkedMessageId?: string;
  from?: string;
  to?: string;
  workflowId?: string;
  subject?: string;
  localId?: string;
  event?: string;
  code?: string;
  description?: string;
  at: Date;
}

/** The control file for a non-delivery report: MessageType Report, the original's DTSId, an ERROR StatusRecord. */
export function reportControl(facts: ReportFacts): ControlFile {
  const elements: ControlElement[] = [
    { name: 'Version', text: '1.0' },
    { name: 'AddressType', text: 'DTS' },
    { name: 'MessageType', text: 'Report' },
    { name: 'From_DTS', text: facts.from ?? '' },
    { name: 'To_DTS', text: facts.to ?? '' },
    { name: 'Subject', text: facts.subject ?? '' },
    { name: 'LocalId', text: facts.localId ?? '' },
    { name: 'DTSId', text: facts.linkedMessageId ?? facts.reportId },
    { name: 'WorkflowId', text: facts.workflowId ?? '' },
    {
      name: 'StatusRecord',
      record: {
        dateTime: controlDateTime(facts.at),
        event: facts.event ?? 'SEND',
        status: 'ERROR',
        statusCode: facts.code ?? '14',
        description: facts.description ?? 'MESH could not deliver the message.',
      },
    },
  ];
  return { elements };
}

/** The Java client's event and code for a send that failed with `error` (its CUG error table). */
export function problemForSendFailure(error: AppErrorShape): ControlProblem {
  const reason = error.message;
  if (error.code === 'recipient-not-registered') return { reason, event: 'SEND', code: '12' };
  if (error.code === 'auth-failed') return { reason, event: 'TRANSFER', code: '04' };
  if (error.code === 'server-certificate-untrusted' || error.code === 'tls-failed' || error.code.startsWith('client-certificate')) {
    return { reason, event: 'TRANSFER', code: '03' };
  }
  if (error.code === 'file-not-found' || error.code === 'file-unreadable') return { reason, event: 'COLLECT', code: '02' };
  if (error.meshEvent && error.meshCode) return { reason, event: error.meshEvent, code: error.meshCode };
  if (error.transient) return { reason, event: 'TRANSFER', code: '06' };
  return { reason, event: 'SEND', code: error.meshCode ?? '14' };
}
