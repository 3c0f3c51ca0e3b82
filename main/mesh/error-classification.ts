import {
  CERTIFICATE_REFUSALS,
  CLIENT_CERT_REJECTED_ALERTS,
  CLOCK_SKEW_LIMIT_MS,
  FAILURE_REASONS,
  INTERRUPTED,
  MESH_CODE_STATUSES,
  MESH_ERROR_CODES,
  NAME_LOOKUP,
  PRE_CONNECTION_TIMEOUTS,
  SERVER_CERT_DATES,
  SERVER_CERT_UNTRUSTED,
  SERVER_NAME_MISMATCH,
  UNREACHABLE,
  type FailureReason,
  type MeshOperation,
} from './error-catalogue';
import type { MeshErrorBody } from './error-body';

/**
 * Pure functions that decide what a failed MESH call was: which reason of the
 * catalogue, and whether trying again later may succeed. No sentence is
 * chosen here; error-wording.ts says each reason.
 */

/** An HTTP response MESH (or something in between) answered with an error status. */
export interface HttpFailure {
  operation: MeshOperation;
  status: number;
  body?: string;
  /** The response's Date header. */
  serverDate?: string;
  localNow?: Date;
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

/** What a failure was: its reason in the catalogue and whether a later try may succeed. */
export interface Verdict {
  reason: FailureReason;
  transient: boolean;
  /** Local clock minus server clock, for a clock-skew verdict. */
  skewMs?: number;
}

function verdict(reason: FailureReason, transient = false): Verdict {
  return { reason, transient };
}

/** Local clock minus server clock in ms, from the response's Date header; undefined without one. */
export function clockSkewMs(serverDate: string | undefined, localNow: Date): number | undefined {
  if (!serverDate) return undefined;
  const server = Date.parse(serverDate);
  if (Number.isNaN(server)) return undefined;
  return localNow.getTime() - server;
}

function headerProblem(body: MeshErrorBody): FailureReason {
  if ((body.fields ?? []).some((field) => field.startsWith('mex-'))) return 'header-fields-refused';
  if (/checksum/i.test(body.description ?? '')) return 'checksum-refused';
  return 'header-details-refused';
}

function byMeshCode(body: MeshErrorBody, operation: MeshOperation): Verdict | undefined {
  const entry = body.code !== undefined && Object.hasOwn(MESH_ERROR_CODES, body.code) ? MESH_ERROR_CODES[body.code] : undefined;
  if (entry) {
    if (entry.sendsOnly && operation !== 'send' && operation !== 'send-chunk') return undefined;
    return verdict(entry.namesFields ? headerProblem(body) : entry.reason);
  }
  if (/InvalidHeaderChunks/i.test(body.code ?? '') || /chunk/i.test(body.description ?? '')) return verdict('chunk-refused');
  return undefined;
}

function byLogin(failure: HttpFailure, body: MeshErrorBody): Verdict {
  const skew = failure.localNow ? clockSkewMs(failure.serverDate, failure.localNow) : undefined;
  if (skew !== undefined && Math.abs(skew) >= CLOCK_SKEW_LIMIT_MS) return { reason: 'clock-skew', transient: false, skewMs: skew };
  if (body.code === 'EPL-151' || /no mailbox matched/i.test(body.description ?? '')) return verdict('mailbox-unknown');
  if (failure.operation === 'download' || failure.operation === 'head' || failure.operation === 'acknowledge') {
    if (/not.*recipient|not allowed|forbidden/i.test(body.description ?? '')) return verdict('not-your-message');
    // A bare 403 here (and every HEAD) cannot say which: the message or the login.
    if (body.description === undefined && body.code === undefined) return verdict('message-access-refused');
  }
  return verdict('login-refused');
}

function byStatus(status: number, body: MeshErrorBody): Verdict {
  if (status === 404) return verdict('not-found');
  if (status === 410) return verdict('message-gone');
  if (status === 423) return verdict('message-finalised');
  if (status === 425 || status === 429 || status === 503) return verdict('server-busy', true);
  if (status === 502 || status === 504) return verdict('gateway-timeout', true);
  if (status >= 500) return verdict('server-error', true);
  if (status === 400 && (body.fields?.some((field) => field.startsWith('mex-')) || /checksum/i.test(body.description ?? ''))) {
    return verdict(headerProblem(body));
  }
  if (status === 417) return verdict('file-refused');
  return verdict('unexpected-answer');
}

/** Decides what an HTTP error status (with its parsed body and Date header) means. */
export function classifyHttpFailure(failure: HttpFailure, body: MeshErrorBody): Verdict {
  if (failure.status === 401 || failure.status === 403) return byLogin(failure, body);
  if (MESH_CODE_STATUSES.has(failure.status)) return byMeshCode(body, failure.operation) ?? byStatus(failure.status, body);
  return byStatus(failure.status, body);
}

/** A TLS alert or OpenSSL reason as one upper-case token, from the code or, failing that, the message. */
function tlsReason(failure: TransportFailure): string {
  const code = failure.code ?? '';
  if (code.startsWith('ERR_SSL_')) return code.slice('ERR_SSL_'.length);
  const match = /(?:ssl|tls)v?[\d.]* alert ([a-z ]+)/i.exec(failure.message ?? '');
  return match?.[1] ? `ALERT_${match[1].trim().toUpperCase().replace(/ +/g, '_')}` : '';
}

/** A refusal of our certificate is best explained by its dates when they are wrong. */
function explainByCertificateDates(found: Verdict, failure: TransportFailure): Verdict {
  if (!CERTIFICATE_REFUSALS.has(FAILURE_REASONS[found.reason]) || failure.hasClientCertificate === false) return found;
  if (failure.clientCertificateState === 'expired') return verdict('client-certificate-expired');
  if (failure.clientCertificateState === 'not-yet-valid') return verdict('client-certificate-not-yet-valid');
  return found;
}

function byProxy(failure: TransportFailure): Verdict {
  if (failure.proxyStatus === 407) return verdict('proxy-login-refused');
  if (failure.proxyStatus !== undefined) return verdict('proxy-refused-tunnel', failure.proxyStatus >= 500);
  return verdict('proxy-unreachable', true);
}

function byTransport(failure: TransportFailure): Verdict {
  const code = failure.code ?? '';
  const reason = tlsReason(failure);

  if (code === 'ERR_ABORTED' || code === 'ABORT_ERR') return verdict('cancelled');
  if (failure.proxyPhase || code === 'ERR_PROXY_CONNECT') return byProxy(failure);
  if (
    reason.endsWith('ALERT_CERTIFICATE_REQUIRED') ||
    (reason.endsWith('ALERT_HANDSHAKE_FAILURE') && failure.hasClientCertificate === false)
  ) {
    return verdict('client-certificate-missing');
  }
  if (reason.endsWith('ALERT_CERTIFICATE_EXPIRED')) return verdict('client-certificate-expired-alert');
  if (CLIENT_CERT_REJECTED_ALERTS.some((alert) => reason.endsWith(alert))) return verdict('client-certificate-rejected');
  if (SERVER_CERT_UNTRUSTED.has(code)) return verdict('server-certificate-untrusted');
  if (SERVER_NAME_MISMATCH.has(code)) return verdict('server-name-mismatch');
  if (SERVER_CERT_DATES.has(code)) return verdict('server-certificate-dates');
  if (code === 'ECONNREFUSED') return verdict(failure.viaProxy ? 'proxy-refused-connection' : 'connection-refused', true);
  if (UNREACHABLE.has(code)) return verdict(failure.viaProxy ? 'proxy-network-unreachable' : 'network-unreachable', true);
  if (NAME_LOOKUP.has(code)) {
    return failure.viaProxy ? verdict('proxy-name-lookup', code === 'EAI_AGAIN') : verdict('name-lookup', true);
  }
  const interrupted = INTERRUPTED.has(code) || /socket hang up|premature close|aborted/i.test(failure.message ?? '');
  if (interrupted && failure.closedOnFreshTlsConnection) {
    return verdict(failure.hasClientCertificate === false ? 'closed-wanting-certificate' : 'closed-refusing-certificate');
  }
  if (code === 'ETIMEDOUT' || failure.timeoutPhase) return verdict('timeout', true);
  if (interrupted) return verdict('interrupted', true);
  if (code === 'Z_DATA_ERROR' || code === 'Z_BUF_ERROR' || code === 'ERR_CONTENT_LENGTH_MISMATCH') return verdict('damaged-download', true);
  if (reason !== '' || code.startsWith('ERR_TLS_') || code === 'EPROTO') return verdict('tls-failed');
  return verdict('connection-failed', true);
}

/** Decides what a socket, DNS, TLS, proxy or timeout failure means. */
export function classifyTransportFailure(failure: TransportFailure): Verdict {
  return explainByCertificateDates(byTransport(failure), failure);
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
