import { AppError, type AppErrorCode } from '../shared/errors';
import { headerLabel } from './headers';

/** Which MESH call failed; chooses the wording of the sentence. */
export type MeshOperation =
  | 'handshake'
  | 'list-inbox'
  | 'count-inbox'
  | 'head'
  | 'download'
  | 'acknowledge'
  | 'send'
  | 'send-chunk'
  | 'track'
  | 'lookup'
  | 'workflow-search';

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

/** Local clock minus server clock in ms, from the response's Date header; undefined without one. */
export function clockSkewMs(serverDate: string | undefined, localNow: Date): number | undefined {
  if (!serverDate) return undefined;
  const server = Date.parse(serverDate);
  if (Number.isNaN(server)) return undefined;
  return localNow.getTime() - server;
}

/**
 * MESH refuses tokens more than 2 hours from its clock. A 403 when the clocks
 * are this far apart is almost certainly the clock, not the password.
 */
export const CLOCK_SKEW_LIMIT_MS = 110 * 60_000;

/** An HTTP response MESH (or something in between) answered with an error status. */
export interface HttpFailure {
  operation: MeshOperation;
  status: number;
  body?: string;
  /** The response's Date header. */
  serverDate?: string;
  localNow?: Date;
}

interface Outcome {
  code: AppErrorCode;
  message: string;
  transient?: boolean;
}

const NOT_FOUND_SENTENCES: Partial<Record<MeshOperation, string>> = {
  download: 'This message is not in your MESH inbox. It may have been downloaded and acknowledged already.',
  head: 'This message is not in your MESH inbox. It may have been downloaded and acknowledged already.',
  acknowledge: 'This message is not in your MESH inbox, so it could not be marked as received.',
  'send-chunk': 'MESH has no record of the message this part belongs to. Send the file again.',
  track: 'MESH has no record of that message in your outbox.',
  handshake: 'The MESH address in Settings does not look right: the server did not recognise it as a MESH mailbox service.',
};

function outcomeForMeshCode(body: MeshErrorBody, operation: MeshOperation): Outcome | undefined {
  const description = body.description ?? '';
  switch (body.code) {
    case '12':
    case 'EPL-150':
    case 'EPL-151':
      if (operation === 'send' || operation === 'send-chunk') {
        return {
          code: 'recipient-not-registered',
          message: 'MESH does not recognise the recipient mailbox. Check the mailbox ID, or look it up by ODS code and workflow.',
        };
      }
      return undefined;
    case '16':
      return {
        code: 'workflow-not-allowed',
        message:
          'Your mailbox is not allowed to send messages with this workflow ID. Check the workflow ID, or ask your MESH administrator to register it.',
      };
    case '17':
      return {
        code: 'workflow-not-allowed',
        message: "This workflow ID is not registered for your mailbox or the recipient's. Check the workflow ID with the recipient.",
      };
    case '02':
      return { code: 'send-rejected', message: 'MESH did not receive any file content. The file may be empty; check it and send again.' };
    case '06':
      return { code: 'invalid-header', message: headerProblemSentence(body) };
    case '07':
      return {
        code: 'send-rejected',
        message: 'MESH says the sending mailbox does not match your login. Check the mailbox ID in Settings.',
      };
    case '08':
      return { code: 'invalid-header', message: 'The recipient mailbox ID is missing. Enter it and send again.' };
    case '14':
      return { code: 'message-gone', message: 'MESH could not deliver this message: the recipient did not collect it in time.' };
    default:
      if (/InvalidHeaderChunks/i.test(body.code ?? '') || /chunk/i.test(description)) {
        return {
          code: 'protocol-error',
          message:
            'MESH did not accept a part of this file (its chunk number was wrong). Send the file again; if it keeps happening, tell your IT service desk.',
        };
      }
      return undefined;
  }
}

function headerProblemSentence(body: MeshErrorBody): string {
  const mexFields = (body.fields ?? []).filter((field) => field.startsWith('mex-'));
  if (mexFields.length > 0) {
    const labels = [...new Set(mexFields.map(headerLabel))].join(', ');
    return `MESH did not accept the ${labels}: it may be too long or contain characters MESH does not allow. Change it and send again.`;
  }
  if (/checksum/i.test(body.description ?? '')) {
    return 'MESH did not accept the checksum: it may only contain letters, numbers, spaces and the characters : - /.';
  }
  return 'MESH did not accept the details sent with this file (subject, reference or file name). Shorten them, remove unusual characters and send again.';
}

function authOutcome(failure: HttpFailure, body: MeshErrorBody): Outcome {
  const skew = failure.localNow ? clockSkewMs(failure.serverDate, failure.localNow) : undefined;
  if (skew !== undefined && Math.abs(skew) >= CLOCK_SKEW_LIMIT_MS) {
    const hours = Math.round(Math.abs(skew) / 3_600_000);
    return {
      code: 'clock-skew',
      message: `This computer's clock is about ${hours} hour${hours === 1 ? '' : 's'} ${skew > 0 ? 'ahead of' : 'behind'} MESH, so MESH refused the login. Correct the date, time and time zone in Windows settings, then try again.`,
    };
  }
  if (body.code === 'EPL-151' || /no mailbox matched/i.test(body.description ?? '')) {
    return { code: 'auth-failed', message: 'MESH does not know this mailbox ID. Check the mailbox ID in Settings.' };
  }
  if (failure.operation === 'download' || failure.operation === 'head' || failure.operation === 'acknowledge') {
    if (/not.*recipient|not allowed|forbidden/i.test(body.description ?? '')) {
      return { code: 'auth-failed', message: 'This message was not sent to your mailbox, so MESH will not let you open it.' };
    }
    if (body.description === undefined && body.code === undefined) {
      // A bare 403 here (and every HEAD) cannot say which: the message or the login.
      return {
        code: 'auth-failed',
        message:
          'MESH refused access to this message. It may not be addressed to your mailbox, or the mailbox ID or password may be wrong.',
      };
    }
  }
  return {
    code: 'auth-failed',
    message:
      "MESH did not accept the mailbox ID or password. Check them in Settings; if they are right, the environment's shared key may be wrong.",
  };
}

function outcomeForStatus(failure: HttpFailure, body: MeshErrorBody): Outcome {
  const { status, operation } = failure;
  if (status === 404) {
    return { code: 'message-not-found', message: NOT_FOUND_SENTENCES[operation] ?? 'MESH could not find what was asked for.' };
  }
  if (status === 410) {
    return {
      code: 'message-gone',
      message: 'This message is no longer available in MESH: it has expired, failed, or the sender has not finished sending it.',
    };
  }
  if (status === 423) {
    return { code: 'message-finalised', message: 'MESH has already received every part of this message, so no more parts can be added.' };
  }
  if (status === 425 || status === 429 || status === 503) {
    return { code: 'server-busy', message: 'MESH is busy at the moment. MESH Desktop will try again shortly.', transient: true };
  }
  if (status === 502 || status === 504) {
    return {
      code: 'server-busy',
      message: 'MESH or a network gateway on the way did not respond in time. MESH Desktop will try again shortly.',
      transient: true,
    };
  }
  if (status >= 500) {
    return { code: 'server-error', message: 'MESH had a problem on its side. Try again later.', transient: true };
  }
  if (status === 400 && (body.fields?.some((field) => field.startsWith('mex-')) || /checksum/i.test(body.description ?? ''))) {
    return { code: 'invalid-header', message: headerProblemSentence(body) };
  }
  if (status === 417) {
    return {
      code: 'send-rejected',
      message: 'MESH did not accept this file. Check the recipient and workflow ID and send again.',
    };
  }
  return {
    code: 'protocol-error',
    message: 'MESH gave an answer MESH Desktop did not expect. Try again; if it keeps happening, tell your IT service desk.',
  };
}

/** Statuses whose meaning depends on the MESH error code in the body. */
const MESH_CODE_STATUSES = new Set([400, 406, 417, 422]);

/** Maps an HTTP error status (with its body and Date header) to an AppError a person can act on. */
export function httpFailureToAppError(failure: HttpFailure): AppError {
  const body = parseErrorBody(failure.body);
  let outcome: Outcome;
  if (failure.status === 401 || failure.status === 403) outcome = authOutcome(failure, body);
  else if (MESH_CODE_STATUSES.has(failure.status)) outcome = outcomeForMeshCode(body, failure.operation) ?? outcomeForStatus(failure, body);
  else outcome = outcomeForStatus(failure, body);
  const detailParts = [`${failure.operation}: HTTP ${failure.status}`];
  if (body.event || body.code) detailParts.push(`MESH ${body.event ?? ''}/${body.code ?? ''}`);
  if (body.description) detailParts.push(body.description);
  if (body.fields?.length) detailParts.push(`fields: ${body.fields.join(',')}`);
  if (body.text) detailParts.push(`body: ${body.text}`);
  if (failure.serverDate) detailParts.push(`server date: ${failure.serverDate}`);
  return new AppError({
    code: outcome.code,
    message: outcome.message,
    status: failure.status,
    ...(body.event ? { meshEvent: body.event } : {}),
    ...(body.code ? { meshCode: body.code } : {}),
    transient: outcome.transient ?? false,
    detail: detailParts.join(' — '),
  });
}

/** A failure below HTTP: socket, DNS, TLS, proxy, timeout, stream. */
export interface TransportFailure {
  operation: MeshOperation;
  /** Node/OpenSSL/got error code, e.g. ECONNREFUSED, ERR_SSL_TLSV1_ALERT_UNKNOWN_CA, ETIMEDOUT. */
  code?: string;
  message?: string;
  /** True when the failure happened while setting up the proxy tunnel. */
  proxyPhase?: boolean;
  /** The proxy's answer to CONNECT when it was not 200. */
  proxyStatus?: number;
  /** True when a proxy is in use (DNS and refusals then concern the proxy). */
  viaProxy?: boolean;
  /** Whether a client certificate was configured. */
  hasClientCertificate?: boolean;
  /** got's timeout phase: lookup, connect, secureConnect, socket, send, response, read, request. */
  timeoutPhase?: string;
  /** Sentence naming the CA files this environment needs (environments.ts). */
  caInstructions?: string;
  /**
   * The connection was new, its TLS handshake completed, and it closed before
   * any answer. Servers that check client certificates after the handshake
   * (Node's own, some load balancers) refuse a certificate this way, without
   * a TLS alert.
   */
  closedOnFreshTlsConnection?: boolean;
  /** Whether the configured client certificate is in date now, when known. */
  clientCertificateState?: 'valid' | 'expired' | 'not-yet-valid';
}

const SERVER_CERT_UNTRUSTED = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_DECRYPT_CERT_SIGNATURE',
  'UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY',
  'CERT_UNTRUSTED',
  'CERT_SIGNATURE_FAILURE',
  'CERT_CHAIN_TOO_LONG',
  'CERT_REJECTED',
  'INVALID_CA',
  'PATH_LENGTH_EXCEEDED',
  'INVALID_PURPOSE',
]);
const SERVER_NAME_MISMATCH = new Set(['ERR_TLS_CERT_ALTNAME_INVALID', 'HOSTNAME_MISMATCH', 'ERR_TLS_CERT_ALTNAME_FORMAT']);
const SERVER_CERT_DATES = new Set([
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERROR_IN_CERT_NOT_BEFORE_FIELD',
  'ERROR_IN_CERT_NOT_AFTER_FIELD',
]);
const CLIENT_CERT_REJECTED_ALERTS = [
  'ALERT_UNKNOWN_CA',
  'ALERT_BAD_CERTIFICATE',
  'ALERT_CERTIFICATE_UNKNOWN',
  'ALERT_UNSUPPORTED_CERTIFICATE',
  'ALERT_ACCESS_DENIED',
  'ALERT_CERTIFICATE_REVOKED',
  'ALERT_DECRYPT_ERROR',
];
const UNREACHABLE = new Set(['EHOSTUNREACH', 'ENETUNREACH', 'ENETDOWN', 'EHOSTDOWN', 'EADDRNOTAVAIL']);
const NAME_LOOKUP = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NONAME', 'EAI_NODATA']);
const INTERRUPTED = new Set([
  'ECONNRESET',
  'EPIPE',
  'ECONNABORTED',
  'ERR_STREAM_PREMATURE_CLOSE',
  'ERR_HTTP_PARSER',
  'HPE_INVALID_CONSTANT',
]);
const PRE_CONNECTION_TIMEOUTS = new Set(['lookup', 'connect', 'secureConnect']);

/** A TLS alert or OpenSSL reason as one upper-case token, from the code or, failing that, the message. */
function tlsReason(failure: TransportFailure): string {
  const code = failure.code ?? '';
  if (code.startsWith('ERR_SSL_')) return code.slice('ERR_SSL_'.length);
  const match = /(?:ssl|tls)v?[\d.]* alert ([a-z ]+)/i.exec(failure.message ?? '');
  return match?.[1] ? `ALERT_${match[1].trim().toUpperCase().replace(/ +/g, '_')}` : '';
}

const CERTIFICATE_REFUSALS: ReadonlySet<AppErrorCode> = new Set([
  'client-certificate-missing',
  'client-certificate-rejected',
  'tls-failed',
]);

/** A refusal of our certificate is best explained by its dates when they are wrong. */
function explainByCertificateDates(outcome: Outcome, failure: TransportFailure): Outcome {
  if (!CERTIFICATE_REFUSALS.has(outcome.code) || failure.hasClientCertificate === false) return outcome;
  if (failure.clientCertificateState === 'expired') {
    return {
      code: 'client-certificate-expired',
      message:
        "Your mailbox's certificate has expired, so MESH refused the connection. Ask your IT service desk to request a new one from NHS England.",
    };
  }
  if (failure.clientCertificateState === 'not-yet-valid') {
    return {
      code: 'client-certificate-not-yet-valid',
      message:
        "Your mailbox's certificate is not valid yet, or this computer's date is wrong. Check the date and time in Windows settings.",
    };
  }
  return outcome;
}

function transportOutcome(failure: TransportFailure): Outcome {
  return explainByCertificateDates(basicTransportOutcome(failure), failure);
}

function basicTransportOutcome(failure: TransportFailure): Outcome {
  const code = failure.code ?? '';
  const reason = tlsReason(failure);

  if (code === 'ERR_ABORTED' || code === 'ABORT_ERR') {
    return { code: 'cancelled', message: 'The transfer was cancelled.' };
  }
  if (failure.proxyPhase || code === 'ERR_PROXY_CONNECT') {
    if (failure.proxyStatus === 407) {
      return {
        code: 'proxy-failed',
        message:
          'The proxy server needs a user name and password, or did not accept the ones in Settings. Check the proxy settings with your IT service desk.',
      };
    }
    if (failure.proxyStatus !== undefined) {
      return {
        code: 'proxy-failed',
        message: `The proxy server refused to connect to MESH (it answered ${failure.proxyStatus}). Ask your IT service desk to allow MESH through the proxy.`,
        transient: failure.proxyStatus >= 500,
      };
    }
    return {
      code: 'proxy-failed',
      message: 'MESH Desktop could not reach the proxy server. Check the proxy settings, or ask your IT service desk.',
      transient: true,
    };
  }
  if (
    reason.endsWith('ALERT_CERTIFICATE_REQUIRED') ||
    (reason.endsWith('ALERT_HANDSHAKE_FAILURE') && failure.hasClientCertificate === false)
  ) {
    return {
      code: 'client-certificate-missing',
      message:
        "MESH asked for your mailbox's certificate and none was sent. Add the certificate NHS England issued for this mailbox in Settings.",
    };
  }
  if (reason.endsWith('ALERT_CERTIFICATE_EXPIRED')) {
    return {
      code: 'client-certificate-expired',
      message:
        "MESH refused your mailbox's certificate because it has expired. Ask your IT service desk to request a new one from NHS England.",
    };
  }
  if (CLIENT_CERT_REJECTED_ALERTS.some((alert) => reason.endsWith(alert))) {
    return {
      code: 'client-certificate-rejected',
      message:
        "MESH did not accept your mailbox's certificate. Check that it is the certificate NHS England issued for this environment (Integration and Live certificates differ).",
    };
  }
  if (SERVER_CERT_UNTRUSTED.has(code)) {
    return {
      code: 'server-certificate-untrusted',
      message: `MESH Desktop does not trust the server's certificate, so it did not connect. ${failure.caInstructions ?? 'Add the certificate authority files for this environment in Settings.'}`,
    };
  }
  if (SERVER_NAME_MISMATCH.has(code)) {
    return {
      code: 'server-certificate-untrusted',
      message:
        "The server's certificate is not for this address, so MESH Desktop did not connect. Check the MESH address in Settings; a proxy that inspects traffic can also cause this.",
    };
  }
  if (SERVER_CERT_DATES.has(code)) {
    return {
      code: 'server-certificate-untrusted',
      message:
        "The server's certificate is out of date, or this computer's date is wrong. Check the date and time in Windows settings, then try again.",
    };
  }
  if (code === 'ECONNREFUSED') {
    return failure.viaProxy
      ? {
          code: 'proxy-failed',
          message: 'The proxy server refused the connection. Check the proxy settings, or ask your IT service desk.',
          transient: true,
        }
      : {
          code: 'network-unreachable',
          message: 'MESH refused the connection. Check the MESH address in Settings, or try again later.',
          transient: true,
        };
  }
  if (UNREACHABLE.has(code)) {
    return failure.viaProxy
      ? { code: 'proxy-failed', message: 'MESH Desktop could not reach the proxy server. Check your network connection.', transient: true }
      : {
          code: 'network-unreachable',
          message: 'MESH Desktop could not reach MESH. Check your network connection and try again.',
          transient: true,
        };
  }
  if (NAME_LOOKUP.has(code)) {
    return failure.viaProxy
      ? {
          code: 'proxy-failed',
          message: 'MESH Desktop could not find the proxy server by name. Check the proxy address in Settings.',
          transient: code === 'EAI_AGAIN',
        }
      : {
          code: 'name-lookup-failed',
          message: 'MESH Desktop could not find the MESH server by name. Check your network connection and the MESH address in Settings.',
          transient: true,
        };
  }
  const interrupted = INTERRUPTED.has(code) || /socket hang up|premature close|aborted/i.test(failure.message ?? '');
  if (interrupted && failure.closedOnFreshTlsConnection) {
    return failure.hasClientCertificate === false
      ? {
          code: 'client-certificate-missing',
          message:
            "MESH closed the connection as soon as it was set up, which usually means it needs your mailbox's certificate. Add the certificate NHS England issued for this mailbox in Settings.",
        }
      : {
          code: 'client-certificate-rejected',
          message:
            "MESH closed the connection as soon as it was set up, which usually means it did not accept your mailbox's certificate. Check that it is the certificate NHS England issued for this environment (Integration and Live certificates differ).",
        };
  }
  if (code === 'ETIMEDOUT' || failure.timeoutPhase) {
    return {
      code: 'timeout',
      message: 'MESH took too long to answer. MESH Desktop will try again; check your network if it keeps happening.',
      transient: true,
    };
  }
  if (interrupted) {
    return {
      code: 'network-unreachable',
      message: 'The connection to MESH was interrupted. Check your network connection and try again.',
      transient: true,
    };
  }
  if (code === 'Z_DATA_ERROR' || code === 'Z_BUF_ERROR' || code === 'ERR_CONTENT_LENGTH_MISMATCH') {
    return { code: 'protocol-error', message: 'The file arrived damaged from MESH. Download it again.', transient: true };
  }
  if (reason !== '' || code.startsWith('ERR_TLS_') || code === 'EPROTO') {
    return {
      code: 'tls-failed',
      message:
        'The secure connection to MESH failed. Check the certificate settings for this environment; if they are right, tell your IT service desk.',
    };
  }
  return {
    code: 'network-unreachable',
    message: 'The connection to MESH failed. Check your network connection and try again.',
    transient: true,
  };
}

/** Maps a socket, DNS, TLS, proxy or timeout failure to an AppError a person can act on. */
export function transportFailureToAppError(failure: TransportFailure): AppError {
  const outcome = transportOutcome(failure);
  const detailParts = [`${failure.operation}: ${failure.code ?? 'no code'}`];
  if (failure.message) detailParts.push(failure.message);
  if (failure.proxyStatus !== undefined) detailParts.push(`proxy status ${failure.proxyStatus}`);
  if (failure.timeoutPhase) detailParts.push(`timeout phase ${failure.timeoutPhase}`);
  if (failure.closedOnFreshTlsConnection) detailParts.push('closed right after a new TLS handshake, before any answer');
  if (failure.clientCertificateState && failure.clientCertificateState !== 'valid')
    detailParts.push(`client certificate ${failure.clientCertificateState}`);
  return new AppError({
    code: outcome.code,
    message: outcome.message,
    transient: outcome.transient ?? false,
    detail: detailParts.join(' — '),
  });
}

/**
 * True when a failed request certainly never reached MESH's application:
 * the connection, name lookup, proxy tunnel or TLS handshake failed, or a
 * connect-phase timeout fired. Anything else may have delivered the body.
 */
export function failedBeforeSending(failure: TransportFailure): boolean {
  const code = failure.code ?? '';
  if (failure.proxyPhase || code === 'ERR_PROXY_CONNECT') return true;
  if (code === 'ECONNREFUSED' || UNREACHABLE.has(code) || NAME_LOOKUP.has(code)) return true;
  if (failure.timeoutPhase && PRE_CONNECTION_TIMEOUTS.has(failure.timeoutPhase)) return true;
  if (SERVER_CERT_UNTRUSTED.has(code) || SERVER_NAME_MISMATCH.has(code) || SERVER_CERT_DATES.has(code)) return true;
  // The server refused the handshake, so it cannot have processed a request.
  return tlsReason(failure) !== '';
}

/**
 * The error for a first POST /outbox whose outcome cannot be known: the body
 * may have reached MESH before the connection failed. Never retried blindly,
 * because a second POST would create a second message.
 */
export function sendOutcomeUnknown(cause: AppError): AppError {
  return new AppError({
    code: 'send-outcome-unknown',
    message:
      'The connection to MESH was lost after the file was sent, so MESH Desktop cannot tell whether MESH received it. Check whether it arrived before sending it again.',
    transient: false,
    ...(cause.status !== undefined ? { status: cause.status } : {}),
    detail: `outcome unknown after ${cause.code}: ${cause.detail ?? cause.message}`,
    cause,
  });
}
