import { AppError } from '../shared/errors';
import { parseErrorBody } from './error-body';
import { FAILURE_REASONS } from './error-catalogue';
import { classifyHttpFailure, classifyTransportFailure, type HttpFailure, type TransportFailure } from './error-classification';
import { failureSentence } from './error-wording';

/**
 * The one door to MESH failures for the rest of the app: turns an HTTP or
 * transport failure into an AppError by classifying it
 * (error-classification.ts, over the data in error-catalogue.ts) and wording
 * it (error-wording.ts); the technical detail goes to the log.
 */

export type { MeshOperation, FailureReason } from './error-catalogue';
export { CLOCK_SKEW_LIMIT_MS } from './error-catalogue';
export { parseErrorBody, type MeshErrorBody } from './error-body';
export { clockSkewMs, failedBeforeSending, type HttpFailure, type TransportFailure } from './error-classification';

/** Maps an HTTP error status (with its body and Date header) to an AppError a person can act on. */
export function httpFailureToAppError(failure: HttpFailure): AppError {
  const body = parseErrorBody(failure.body);
  const verdict = classifyHttpFailure(failure, body);
  const detailParts = [`${failure.operation}: HTTP ${failure.status}`];
  if (body.event || body.code) detailParts.push(`MESH ${body.event ?? ''}/${body.code ?? ''}`);
  if (body.description) detailParts.push(body.description);
  if (body.fields?.length) detailParts.push(`fields: ${body.fields.join(',')}`);
  if (body.text) detailParts.push(`body: ${body.text}`);
  if (failure.serverDate) detailParts.push(`server date: ${failure.serverDate}`);
  return new AppError({
    code: FAILURE_REASONS[verdict.reason],
    message: failureSentence(verdict.reason, {
      operation: failure.operation,
      ...(verdict.skewMs !== undefined ? { skewMs: verdict.skewMs } : {}),
      ...(body.fields ? { fields: body.fields } : {}),
    }),
    status: failure.status,
    ...(body.event ? { meshEvent: body.event } : {}),
    ...(body.code ? { meshCode: body.code } : {}),
    transient: verdict.transient,
    detail: detailParts.join(' — '),
  });
}

/** Maps a socket, DNS, TLS, proxy or timeout failure to an AppError a person can act on. */
export function transportFailureToAppError(failure: TransportFailure): AppError {
  const verdict = classifyTransportFailure(failure);
  const detailParts = [`${failure.operation}: ${failure.code ?? 'no code'}`];
  if (failure.message) detailParts.push(failure.message);
  if (failure.proxyStatus !== undefined) detailParts.push(`proxy status ${failure.proxyStatus}`);
  if (failure.timeoutPhase) detailParts.push(`timeout phase ${failure.timeoutPhase}`);
  if (failure.closedOnFreshTlsConnection) detailParts.push('closed right after a new TLS handshake, before any answer');
  if (failure.clientCertificateState && failure.clientCertificateState !== 'valid')
    detailParts.push(`client certificate ${failure.clientCertificateState}`);
  return new AppError({
    code: FAILURE_REASONS[verdict.reason],
    message: failureSentence(verdict.reason, {
      operation: failure.operation,
      ...(failure.proxyStatus !== undefined ? { proxyStatus: failure.proxyStatus } : {}),
      ...(failure.caInstructions !== undefined ? { caInstructions: failure.caInstructions } : {}),
    }),
    transient: verdict.transient,
    detail: detailParts.join(' — '),
  });
}

/**
 * The error for a first POST /outbox whose outcome cannot be known: the body
 * may have reached MESH before the connection failed. Never retried blindly,
 * because a second POST would create a second message.
 */
export function sendOutcomeUnknown(cause: AppError): AppError {
  return new AppError({
    code: FAILURE_REASONS['send-outcome-unknown'],
    message: failureSentence('send-outcome-unknown', { operation: 'send' }),
    transient: false,
    ...(cause.status !== undefined ? { status: cause.status } : {}),
    detail: `outcome unknown after ${cause.code}: ${cause.detail ?? cause.message}`,
    cause,
  });
}
