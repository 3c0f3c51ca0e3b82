import { describe, expect, it } from 'vitest';
import { AppError } from '../../../main/shared/errors';
import {
  CLOCK_SKEW_LIMIT_MS,
  clockSkewMs,
  failedBeforeSending,
  httpFailureToAppError,
  parseErrorBody,
  sendOutcomeUnknown,
  transportFailureToAppError,
  type HttpFailure,
  type TransportFailure,
} from '../../../main/mesh/errors';

describe('parseErrorBody', () => {
  it('reads v1 bodies', () => {
    expect(parseErrorBody('{"messageID":"M1","errorEvent":"SEND","errorCode":"12","errorDescription":"Unregistered to address"}')).toEqual({
      event: 'SEND',
      code: '12',
      description: 'Unregistered to address',
      messageId: 'M1',
    });
  });
  it('reads v2 bodies', () => {
    expect(parseErrorBody('{"message_id":"M2","detail":[{"event":"SEND","code":"17","msg":"Unregistered workflow"}]}')).toEqual({
      event: 'SEND',
      code: '17',
      description: 'Unregistered workflow',
      messageId: 'M2',
    });
  });
  it('reads the sandbox auth body with empty event and code', () => {
    expect(parseErrorBody('{"detail":[{"event":"","code":"","msg":"Invalid Authentication Token"}]}')).toEqual({
      description: 'Invalid Authentication Token',
    });
  });
  it('reads FastAPI validation bodies and the fields they point at', () => {
    const body = JSON.stringify({
      detail: [
        { loc: ['header', 'mex-subject'], msg: 'ensure this value has at most 500 characters', type: 'value_error' },
        { loc: ['header', 'mex_localid'], msg: 'too long', type: 'value_error' },
      ],
    });
    expect(parseErrorBody(body)).toEqual({
      description: 'ensure this value has at most 500 characters; too long',
      fields: ['mex-subject', 'mex-localid'],
    });
  });
  it('reads the v1 malformed-headers body with its fields', () => {
    expect(
      parseErrorBody('{"errorEvent":"TRANSFER","errorCode":"06","errorDescription":"MalformedControlFile","fields":["mex_subject"]}'),
    ).toEqual({ event: 'TRANSFER', code: '06', description: 'MalformedControlFile', fields: ['mex-subject'] });
  });
  it('reads a v1 body nested in detail, a string detail and a message', () => {
    expect(parseErrorBody('{"detail":{"errorEvent":"TRANSFER","errorCode":"06","errorDescription":"x"}}').code).toBe('06');
    expect(parseErrorBody('{"detail":"Invalid checksum"}')).toEqual({ description: 'Invalid checksum' });
    expect(parseErrorBody('{"message":"An internal error occurred.\\n\\nPlease contact support."}').description).toContain(
      'internal error',
    );
  });
  it('keeps an excerpt of non-JSON bodies', () => {
    expect(parseErrorBody('<html><body><h1>503 Service Unavailable</h1></body></html>')).toEqual({ text: '503 Service Unavailable' });
    expect(parseErrorBody('<?xml version="1.0"?><soap:Fault><faultstring>Boom</faultstring></soap:Fault>').text).toBe('Boom');
    expect(parseErrorBody('x'.repeat(1000)).text?.length).toBe(300);
  });
  it('gives nothing for empty, null and non-object JSON', () => {
    expect(parseErrorBody('')).toEqual({});
    expect(parseErrorBody(undefined)).toEqual({});
    expect(parseErrorBody('null')).toEqual({});
    expect(parseErrorBody('42')).toEqual({});
    expect(parseErrorBody('"oops"')).toEqual({ description: 'oops' });
  });
});

describe('clockSkewMs', () => {
  const now = new Date('2026-01-01T12:00:00Z');
  it('is local minus server', () => {
    expect(clockSkewMs('Thu, 01 Jan 2026 09:00:00 GMT', now)).toBe(3 * 3_600_000);
    expect(clockSkewMs('Thu, 01 Jan 2026 12:30:00 GMT', now)).toBe(-30 * 60_000);
  });
  it('is undefined without a readable date', () => {
    expect(clockSkewMs(undefined, now)).toBeUndefined();
    expect(clockSkewMs('yesterday', now)).toBeUndefined();
  });
});

function http(status: number, body?: unknown, extra: Partial<HttpFailure> = {}): AppError {
  return httpFailureToAppError({
    operation: 'send',
    status,
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    ...extra,
  });
}

const v2 = (event: string, code: string, msg: string) => ({ detail: [{ event, code, msg }] });

describe('httpFailureToAppError', () => {
  it('maps 403 to a wrong mailbox or password', () => {
    const error = http(403, v2('', '', 'Invalid Authentication Token'), { operation: 'handshake' });
    expect(error.code).toBe('auth-failed');
    expect(error.message).toContain('mailbox ID or password');
    expect(error.status).toBe(403);
    expect(error.detail).toContain('Invalid Authentication Token');
  });
  it('maps an unknown mailbox', () => {
    expect(http(403, v2('SEND', 'EPL-151', 'No mailbox matched')).message).toBe(
      'MESH does not know this mailbox ID. Check the mailbox ID in Settings.',
    );
  });
  it('maps 401 like 403', () => {
    expect(http(401).code).toBe('auth-failed');
  });
  it('blames the clock when the server date is far off', () => {
    const now = new Date('2026-01-01T12:00:00Z');
    const ahead = http(403, '', { serverDate: 'Thu, 01 Jan 2026 09:00:00 GMT', localNow: now });
    expect(ahead.code).toBe('clock-skew');
    expect(ahead.message).toContain('about 3 hours ahead of MESH');
    const behind = http(403, '', { serverDate: 'Thu, 01 Jan 2026 14:30:00 GMT', localNow: now });
    expect(behind.message).toContain('behind');
    const close = http(403, '', { serverDate: new Date(now.getTime() - CLOCK_SKEW_LIMIT_MS + 60_000).toUTCString(), localNow: now });
    expect(close.code).toBe('auth-failed');
  });
  it('says when a message is not yours', () => {
    expect(http(403, v2('', '', 'Not the recipient'), { operation: 'download' }).message).toContain('not sent to your mailbox');
  });
  it('maps unregistered recipients (12, EPL-150, EPL-151 on send)', () => {
    expect(http(417, v2('SEND', '12', 'Unregistered to address')).code).toBe('recipient-not-registered');
    expect(http(417, { errorEvent: 'SEND', errorCode: '12', errorDescription: 'x' }).code).toBe('recipient-not-registered');
    expect(http(417, v2('SEND', 'EPL-150', 'Multiple mailboxes matched')).code).toBe('recipient-not-registered');
    const error = http(417, v2('SEND', '12', 'Unregistered to address'));
    expect(error.meshEvent).toBe('SEND');
    expect(error.meshCode).toBe('12');
  });
  it('maps workflow refusals (16, 17)', () => {
    expect(http(417, v2('SEND', '16', 'Sender not allowed')).code).toBe('workflow-not-allowed');
    expect(http(417, v2('SEND', '17', 'Workflow not registered')).code).toBe('workflow-not-allowed');
    expect(http(417, v2('SEND', '17', 'x')).message).toContain('workflow ID');
  });
  it('maps missing data (02) and other send refusals', () => {
    expect(http(417, v2('COLLECT', '02', 'Data file is missing')).message).toContain('empty');
    expect(http(417, v2('SEND', '99', 'Something else')).code).toBe('send-rejected');
    expect(http(417, v2('SEND', '07', 'Invalid From')).code).toBe('send-rejected');
    expect(http(417, v2('SEND', '08', 'Missing To')).code).toBe('invalid-header');
  });
  it('maps malformed headers (06) and naming the field', () => {
    const error = http(400, { errorEvent: 'TRANSFER', errorCode: '06', errorDescription: 'MalformedControlFile', fields: ['mex_subject'] });
    expect(error.code).toBe('invalid-header');
    expect(error.message).toContain('subject');
    expect(http(400, v2('TRANSFER', '06', 'MalformedControlFile')).message).toContain('subject, reference or file name');
  });
  it('maps FastAPI over-length validation to the field', () => {
    const error = http(400, { detail: [{ loc: ['header', 'mex-localid'], msg: 'too long', type: 'x' }] });
    expect(error.code).toBe('invalid-header');
    expect(error.message).toBe(
      'MESH did not accept the local reference: it may be too long or contain characters MESH does not allow. Change it and send again.',
    );
  });
  it('maps the sandbox checksum refusal', () => {
    expect(http(400, { detail: 'Invalid checksum' }).message).toContain('checksum');
  });
  it('maps other 400s (bad Accept, bad query) to a protocol error', () => {
    expect(http(400, { errorEvent: '', errorCode: '', errorDescription: 'Accept header api format incorrect' }).code).toBe(
      'protocol-error',
    );
    expect(http(400, { detail: [{ loc: ['query', 'max_results'], msg: 'x', type: 'y' }] }, { operation: 'list-inbox' }).code).toBe(
      'protocol-error',
    );
  });
  it('maps bad chunk ranges', () => {
    expect(http(417, v2('SEND', 'InvalidHeaderChunks', 'Invalid chunk range'), { operation: 'send-chunk' }).message).toContain(
      'chunk number',
    );
  });
  it('maps 404 per operation', () => {
    expect(http(404, v2('RECEIVE', '20', 'Message does not exist'), { operation: 'download' })).toMatchObject({
      code: 'message-not-found',
    });
    expect(http(404, '', { operation: 'download' }).message).toContain('not in your MESH inbox');
    expect(http(404, '', { operation: 'track' }).message).toContain('outbox');
    expect(http(404, '', { operation: 'acknowledge' }).message).toContain('marked as received');
    expect(http(404, '', { operation: 'handshake' }).message).toContain('MESH address');
    expect(http(404, '', { operation: 'lookup' }).code).toBe('message-not-found');
  });
  it('maps 410 gone and 423 finalised', () => {
    expect(http(410, '', { operation: 'download' })).toMatchObject({ code: 'message-gone', transient: false });
    expect(http(423, { message: 'An internal error occurred.' }, { operation: 'send-chunk' }).code).toBe('message-finalised');
  });
  it.each([425, 429, 503, 502, 504])('maps %i to server-busy (transient)', (status) => {
    expect(http(status)).toMatchObject({ code: 'server-busy', transient: true });
  });
  it('maps 500 and other 5xx with XML or HTML bodies to server-error', () => {
    const error = http(500, '<soap:Fault><faultstring>NullPointer</faultstring></soap:Fault>');
    expect(error).toMatchObject({ code: 'server-error', transient: true });
    expect(error.detail).toContain('NullPointer');
    expect(error.message).not.toContain('NullPointer');
    expect(http(507, '').code).toBe('server-error');
  });
  it('maps other statuses (406, 422, 300) to protocol errors', () => {
    expect(http(406).code).toBe('protocol-error');
    expect(http(422, v2('', 'UnsupportedContentEncoding', 'x')).code).toBe('protocol-error');
    expect(http(300).code).toBe('protocol-error');
  });
});

function transport(failure: Partial<TransportFailure>): AppError {
  return transportFailureToAppError({ operation: 'download', ...failure });
}

describe('transportFailureToAppError', () => {
  it('maps a missing client certificate (TLS 1.3 alert, and TLS 1.2 handshake failure without one)', () => {
    expect(transport({ code: 'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED' }).code).toBe('client-certificate-missing');
    expect(transport({ code: 'EPROTO', message: 'error:0A00045C:SSL routines::tlsv13 alert certificate required' }).code).toBe(
      'client-certificate-missing',
    );
    expect(transport({ code: 'ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE', hasClientCertificate: false }).code).toBe(
      'client-certificate-missing',
    );
    expect(transport({ code: 'ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE', hasClientCertificate: true }).code).toBe('tls-failed');
  });
  it.each([
    'ERR_SSL_TLSV1_ALERT_UNKNOWN_CA',
    'ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE',
    'ERR_SSL_SSLV3_ALERT_CERTIFICATE_UNKNOWN',
    'ERR_SSL_SSLV3_ALERT_UNSUPPORTED_CERTIFICATE',
    'ERR_SSL_TLSV1_ALERT_ACCESS_DENIED',
    'ERR_SSL_SSLV3_ALERT_CERTIFICATE_REVOKED',
  ])('maps %s to a rejected client certificate', (code) => {
    expect(transport({ code }).code).toBe('client-certificate-rejected');
  });
  it('maps an expired client certificate', () => {
    expect(transport({ code: 'ERR_SSL_SSLV3_ALERT_CERTIFICATE_EXPIRED' }).code).toBe('client-certificate-expired');
    expect(transport({ message: 'SSL routines::sslv3 alert certificate expired' }).code).toBe('client-certificate-expired');
  });
  it.each([
    'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    'SELF_SIGNED_CERT_IN_CHAIN',
    'DEPTH_ZERO_SELF_SIGNED_CERT',
    'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
    'CERT_UNTRUSTED',
  ])('maps %s to an untrusted server, naming the CA files', (code) => {
    const error = transport({ code, caInstructions: 'Get "NHS Root Authority G2" from https://pki.nhs.uk/.' });
    expect(error.code).toBe('server-certificate-untrusted');
    expect(error.message).toContain('https://pki.nhs.uk/');
  });
  it('maps a server name mismatch and out-of-date server certificates', () => {
    expect(transport({ code: 'ERR_TLS_CERT_ALTNAME_INVALID' })).toMatchObject({ code: 'server-certificate-untrusted' });
    expect(transport({ code: 'ERR_TLS_CERT_ALTNAME_INVALID' }).message).toContain('not for this address');
    expect(transport({ code: 'CERT_HAS_EXPIRED' }).message).toContain('date');
    expect(transport({ code: 'CERT_NOT_YET_VALID' }).code).toBe('server-certificate-untrusted');
  });
  it.each([
    ['ECONNREFUSED', 'network-unreachable'],
    ['EHOSTUNREACH', 'network-unreachable'],
    ['ENETUNREACH', 'network-unreachable'],
    ['ENOTFOUND', 'name-lookup-failed'],
    ['EAI_AGAIN', 'name-lookup-failed'],
    ['ETIMEDOUT', 'timeout'],
    ['ECONNRESET', 'network-unreachable'],
    ['EPIPE', 'network-unreachable'],
    ['ERR_STREAM_PREMATURE_CLOSE', 'network-unreachable'],
    ['Z_DATA_ERROR', 'protocol-error'],
    ['Z_BUF_ERROR', 'protocol-error'],
    ['ERR_ABORTED', 'cancelled'],
    ['ERR_SSL_WRONG_VERSION_NUMBER', 'tls-failed'],
  ])('maps %s to %s', (code, expected) => {
    expect(transport({ code }).code).toBe(expected);
  });
  it('marks network failures transient and certificate failures not', () => {
    expect(transport({ code: 'ECONNRESET' }).transient).toBe(true);
    expect(transport({ code: 'ERR_SSL_TLSV1_ALERT_UNKNOWN_CA' }).transient).toBe(false);
  });
  it('maps a timeout by phase even without a code', () => {
    expect(transport({ timeoutPhase: 'response' }).code).toBe('timeout');
  });
  it('maps socket hang up text', () => {
    expect(transport({ message: 'socket hang up' }).message).toContain('interrupted');
  });
  it('blames the proxy for refusals and lookups when one is in use', () => {
    expect(transport({ code: 'ECONNREFUSED', viaProxy: true }).code).toBe('proxy-failed');
    expect(transport({ code: 'ENOTFOUND', viaProxy: true }).message).toContain('proxy');
    expect(transport({ code: 'EHOSTUNREACH', viaProxy: true }).code).toBe('proxy-failed');
  });
  it('maps proxy tunnel answers', () => {
    expect(transport({ proxyPhase: true, proxyStatus: 407, code: 'ERR_PROXY_CONNECT' }).message).toContain('user name and password');
    expect(transport({ proxyPhase: true, proxyStatus: 403 }).message).toContain('answered 403');
    expect(transport({ proxyPhase: true, code: 'ECONNREFUSED' }).code).toBe('proxy-failed');
  });
  it('keeps technical detail out of the sentence', () => {
    const error = transport({ code: 'ECONNRESET', message: 'read ECONNRESET' });
    expect(error.detail).toContain('read ECONNRESET');
    expect(error.message).not.toContain('ECONNRESET');
  });
  it('falls back to a generic connection failure', () => {
    expect(transport({}).code).toBe('network-unreachable');
  });
});

describe('failedBeforeSending', () => {
  const base = { operation: 'send' } as const;
  it.each([
    'ECONNREFUSED',
    'ENOTFOUND',
    'EAI_AGAIN',
    'EHOSTUNREACH',
    'ENETUNREACH',
    'SELF_SIGNED_CERT_IN_CHAIN',
    'ERR_TLS_CERT_ALTNAME_INVALID',
    'ERR_SSL_TLSV1_ALERT_UNKNOWN_CA',
    'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED',
  ])('%s never reached MESH', (code) => expect(failedBeforeSending({ ...base, code })).toBe(true));
  it('counts proxy tunnel failures and connect-phase timeouts as not sent', () => {
    expect(failedBeforeSending({ ...base, proxyPhase: true })).toBe(true);
    expect(failedBeforeSending({ ...base, code: 'ETIMEDOUT', timeoutPhase: 'connect' })).toBe(true);
    expect(failedBeforeSending({ ...base, code: 'ETIMEDOUT', timeoutPhase: 'secureConnect' })).toBe(true);
  });
  it.each(['ECONNRESET', 'EPIPE', 'ERR_STREAM_PREMATURE_CLOSE', undefined])('%s may have delivered the body', (code) => {
    expect(failedBeforeSending({ ...base, ...(code ? { code } : {}) })).toBe(false);
  });
  it('counts a wait-for-answer timeout as possibly delivered', () => {
    expect(failedBeforeSending({ ...base, code: 'ETIMEDOUT', timeoutPhase: 'response' })).toBe(false);
    expect(failedBeforeSending({ ...base, code: 'ETIMEDOUT', timeoutPhase: 'socket' })).toBe(false);
  });
});

describe('sendOutcomeUnknown', () => {
  it('wraps the cause with its own code and sentence', () => {
    const cause = new AppError({ code: 'network-unreachable', message: 'x', detail: 'read ECONNRESET', status: 502 });
    const error = sendOutcomeUnknown(cause);
    expect(error.code).toBe('send-outcome-unknown');
    expect(error.message).toContain('cannot tell whether MESH received it');
    expect(error.detail).toContain('read ECONNRESET');
    expect(error.status).toBe(502);
    expect(error.cause).toBe(cause);
  });
});

describe('httpFailureToAppError on a bare 403 for a message', () => {
  it.each(['download', 'head', 'acknowledge'] as const)('%s names both possible causes', (operation) => {
    const error = httpFailureToAppError({ operation, status: 403 });
    expect(error.code).toBe('auth-failed');
    expect(error.message).toContain('not be addressed to your mailbox');
  });
});

describe('transportFailureToAppError for servers that drop a refused certificate without an alert', () => {
  it('reads a reset right after a new TLS handshake as a refused certificate', () => {
    expect(
      transport({ code: 'ECONNRESET', message: 'socket hang up', closedOnFreshTlsConnection: true, hasClientCertificate: true }),
    ).toMatchObject({
      code: 'client-certificate-rejected',
    });
    expect(transport({ code: 'EPIPE', closedOnFreshTlsConnection: true, hasClientCertificate: false }).code).toBe(
      'client-certificate-missing',
    );
  });
  it('does not read a reset on a reused connection that way', () => {
    expect(transport({ code: 'ECONNRESET', closedOnFreshTlsConnection: false, hasClientCertificate: true }).code).toBe(
      'network-unreachable',
    );
  });
  it('does not read a timeout that way', () => {
    expect(transport({ code: 'ETIMEDOUT', timeoutPhase: 'response', closedOnFreshTlsConnection: true }).code).toBe('timeout');
  });
});

describe('transportFailureToAppError with the certificate dates known', () => {
  it('explains a refusal by an expired or not-yet-valid certificate', () => {
    expect(transport({ code: 'ERR_SSL_TLSV1_ALERT_UNKNOWN_CA', hasClientCertificate: true, clientCertificateState: 'expired' }).code).toBe(
      'client-certificate-expired',
    );
    expect(
      transport({ code: 'ECONNRESET', closedOnFreshTlsConnection: true, hasClientCertificate: true, clientCertificateState: 'expired' })
        .code,
    ).toBe('client-certificate-expired');
    expect(
      transport({ code: 'ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE', hasClientCertificate: true, clientCertificateState: 'not-yet-valid' }).code,
    ).toBe('client-certificate-not-yet-valid');
  });
  it('leaves other failures alone when the certificate is out of date', () => {
    expect(transport({ code: 'ECONNREFUSED', hasClientCertificate: true, clientCertificateState: 'expired' }).code).toBe(
      'network-unreachable',
    );
    expect(transport({ code: 'SELF_SIGNED_CERT_IN_CHAIN', hasClientCertificate: true, clientCertificateState: 'expired' }).code).toBe(
      'server-certificate-untrusted',
    );
  });
  it('keeps a valid certificate’s refusal as a refusal', () => {
    expect(transport({ code: 'ERR_SSL_TLSV1_ALERT_UNKNOWN_CA', hasClientCertificate: true, clientCertificateState: 'valid' }).code).toBe(
      'client-certificate-rejected',
    );
  });
});
