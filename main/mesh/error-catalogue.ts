import type { AppErrorCode } from '../shared/errors';

/**
 * The catalogue of what can go wrong talking to MESH, as data: the MESH error
 * codes and what they mean, the Node/OpenSSL codes grouped by what they say
 * about the connection, and every failure reason with the app error code it
 * becomes. error-classification.ts decides which reason a failure is;
 * error-wording.ts says each reason to a person.
 */

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

/** Every failure the classification can name, with the app error code it is reported as. */
export const FAILURE_REASONS = {
  // Named by a MESH error code in the body.
  'recipient-not-registered': 'recipient-not-registered',
  'workflow-not-allowed-for-sender': 'workflow-not-allowed',
  'workflow-not-registered': 'workflow-not-allowed',
  'no-file-content': 'send-rejected',
  'sender-mismatch': 'send-rejected',
  'recipient-missing': 'invalid-header',
  'not-collected': 'message-gone',
  'chunk-refused': 'protocol-error',
  'header-fields-refused': 'invalid-header',
  'checksum-refused': 'invalid-header',
  'header-details-refused': 'invalid-header',
  // Logins (401, 403).
  'clock-skew': 'clock-skew',
  'mailbox-unknown': 'auth-failed',
  'not-your-message': 'auth-failed',
  'message-access-refused': 'auth-failed',
  'login-refused': 'auth-failed',
  // Named by the HTTP status alone.
  'not-found': 'message-not-found',
  'message-gone': 'message-gone',
  'message-finalised': 'message-finalised',
  'server-busy': 'server-busy',
  'gateway-timeout': 'server-busy',
  'server-error': 'server-error',
  'file-refused': 'send-rejected',
  'unexpected-answer': 'protocol-error',
  // Below HTTP: socket, DNS, TLS, proxy, timeout, stream.
  cancelled: 'cancelled',
  'proxy-login-refused': 'proxy-failed',
  'proxy-refused-tunnel': 'proxy-failed',
  'proxy-unreachable': 'proxy-failed',
  'proxy-refused-connection': 'proxy-failed',
  'proxy-network-unreachable': 'proxy-failed',
  'proxy-name-lookup': 'proxy-failed',
  'client-certificate-missing': 'client-certificate-missing',
  'client-certificate-expired-alert': 'client-certificate-expired',
  'client-certificate-rejected': 'client-certificate-rejected',
  'closed-wanting-certificate': 'client-certificate-missing',
  'closed-refusing-certificate': 'client-certificate-rejected',
  'client-certificate-expired': 'client-certificate-expired',
  'client-certificate-not-yet-valid': 'client-certificate-not-yet-valid',
  'server-certificate-untrusted': 'server-certificate-untrusted',
  'server-name-mismatch': 'server-certificate-untrusted',
  'server-certificate-dates': 'server-certificate-untrusted',
  'connection-refused': 'network-unreachable',
  'network-unreachable': 'network-unreachable',
  'name-lookup': 'name-lookup-failed',
  timeout: 'timeout',
  interrupted: 'network-unreachable',
  'damaged-download': 'protocol-error',
  'tls-failed': 'tls-failed',
  'connection-failed': 'network-unreachable',
  // The first POST /outbox whose outcome cannot be known.
  'send-outcome-unknown': 'send-outcome-unknown',
} as const satisfies Record<string, AppErrorCode>;

/** One failure the classification can name. */
export type FailureReason = keyof typeof FAILURE_REASONS;

/** What one MESH error code means. */
export interface MeshErrorCodeMeaning {
  meaning: string;
  reason: FailureReason;
  /** The code names the recipient only when sending; for other calls the HTTP status decides. */
  sendsOnly?: true;
  /** The body's fields and description say which header was refused, and so the reason. */
  namesFields?: true;
}

/** MESH error codes (v1 errorCode, v2 detail[].code) that name the failure, with the reason each is. */
export const MESH_ERROR_CODES: Readonly<Record<string, MeshErrorCodeMeaning>> = {
  '02': { meaning: 'the message had no file content', reason: 'no-file-content' },
  '06': { meaning: 'a header was malformed', reason: 'header-details-refused', namesFields: true },
  '07': { meaning: 'the sending mailbox does not match the login', reason: 'sender-mismatch' },
  '08': { meaning: 'the recipient mailbox is missing', reason: 'recipient-missing' },
  '12': { meaning: 'the recipient mailbox is not registered', reason: 'recipient-not-registered', sendsOnly: true },
  '14': { meaning: 'the recipient did not collect the message in time', reason: 'not-collected' },
  '16': { meaning: 'the sender may not send this workflow', reason: 'workflow-not-allowed-for-sender' },
  '17': { meaning: 'the workflow is registered for neither mailbox', reason: 'workflow-not-registered' },
  'EPL-150': { meaning: 'the recipient mailbox is unknown', reason: 'recipient-not-registered', sendsOnly: true },
  'EPL-151': { meaning: 'no mailbox matched the ID', reason: 'recipient-not-registered', sendsOnly: true },
};

/** HTTP statuses whose meaning depends on the MESH error code in the body. */
export const MESH_CODE_STATUSES: ReadonlySet<number> = new Set([400, 406, 417, 422]);

/**
 * MESH refuses tokens more than 2 hours from its clock. A 403 when the clocks
 * are this far apart is almost certainly the clock, not the password.
 */
export const CLOCK_SKEW_LIMIT_MS = 110 * 60_000;

/** OpenSSL verification codes: the server's certificate chain is not trusted. */
export const SERVER_CERT_UNTRUSTED: ReadonlySet<string> = new Set([
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

/** The server's certificate is not for the address asked. */
export const SERVER_NAME_MISMATCH: ReadonlySet<string> = new Set([
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'HOSTNAME_MISMATCH',
  'ERR_TLS_CERT_ALTNAME_FORMAT',
]);

/** The server's certificate is out of its dates (or ours is wrong). */
export const SERVER_CERT_DATES: ReadonlySet<string> = new Set([
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERROR_IN_CERT_NOT_BEFORE_FIELD',
  'ERROR_IN_CERT_NOT_AFTER_FIELD',
]);

/** TLS alerts a server sends when it refuses our client certificate. */
export const CLIENT_CERT_REJECTED_ALERTS: readonly string[] = [
  'ALERT_UNKNOWN_CA',
  'ALERT_BAD_CERTIFICATE',
  'ALERT_CERTIFICATE_UNKNOWN',
  'ALERT_UNSUPPORTED_CERTIFICATE',
  'ALERT_ACCESS_DENIED',
  'ALERT_CERTIFICATE_REVOKED',
  'ALERT_DECRYPT_ERROR',
];

/** Socket codes: no route to the host. */
export const UNREACHABLE: ReadonlySet<string> = new Set(['EHOSTUNREACH', 'ENETUNREACH', 'ENETDOWN', 'EHOSTDOWN', 'EADDRNOTAVAIL']);

/** DNS codes: the name did not resolve. */
export const NAME_LOOKUP: ReadonlySet<string> = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NONAME', 'EAI_NODATA']);

/** Socket and parser codes: an open connection broke off. */
export const INTERRUPTED: ReadonlySet<string> = new Set([
  'ECONNRESET',
  'EPIPE',
  'ECONNABORTED',
  'ERR_STREAM_PREMATURE_CLOSE',
  'ERR_HTTP_PARSER',
  'HPE_INVALID_CONSTANT',
]);

/** got's timeout phases that fire before any byte of the request was sent. */
export const PRE_CONNECTION_TIMEOUTS: ReadonlySet<string> = new Set(['lookup', 'connect', 'secureConnect']);

/** App error codes that mean the server refused our certificate, which its dates may explain better. */
export const CERTIFICATE_REFUSALS: ReadonlySet<AppErrorCode> = new Set([
  'client-certificate-missing',
  'client-certificate-rejected',
  'tls-failed',
]);
