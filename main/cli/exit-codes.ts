import type { AppErrorCode } from '../shared/errors';

/** Exit codes scripts can branch on; documented in the README. */
export const EXIT = {
  ok: 0,
  failed: 1,
  usage: 2,
  authentication: 3,
  notFound: 4,
  transient: 5,
} as const;

const AUTHENTICATION: ReadonlySet<AppErrorCode> = new Set([
  'auth-failed',
  'client-certificate-missing',
  'client-certificate-rejected',
  'client-certificate-expired',
  'server-certificate-untrusted',
  'clock-skew',
]);
const NOT_FOUND: ReadonlySet<AppErrorCode> = new Set(['message-not-found', 'message-gone', 'file-not-found']);
const USAGE: ReadonlySet<AppErrorCode> = new Set(['invalid-argument', 'invalid-header', 'not-configured']);

/** The exit code for an error: usage, authentication/certificate, not found, transient, or other. */
export function exitCodeFor(code: AppErrorCode | string, transient = false): number {
  if (USAGE.has(code as AppErrorCode)) return EXIT.usage;
  if (AUTHENTICATION.has(code as AppErrorCode) || code.startsWith('certificate-') || code.startsWith('client-certificate-')) {
    return EXIT.authentication;
  }
  if (NOT_FOUND.has(code as AppErrorCode)) return EXIT.notFound;
  if (transient) return EXIT.transient;
  return EXIT.failed;
}
