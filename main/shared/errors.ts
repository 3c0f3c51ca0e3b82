/**
 * Errors in MESH Desktop are values: a stable code for programs, a sentence for
 * a person, and technical detail that goes to the log only. Anything that can
 * reach the window or the command line is an AppError.
 */

/** Codes the window and the command line can branch on. Keep them stable. */
export type AppErrorCode =
  // Input the person gave us
  | 'invalid-argument'
  | 'invalid-header'
  | 'file-not-found'
  | 'file-unreadable'
  | 'file-changed'
  // Authentication and certificates
  | 'auth-failed'
  | 'client-certificate-missing'
  | 'client-certificate-rejected'
  | 'client-certificate-expired'
  | 'client-certificate-not-yet-valid'
  | 'client-certificate-key-mismatch'
  | 'client-certificate-wrong-issuer'
  | 'certificate-unreadable'
  | 'certificate-passphrase-wrong'
  | 'server-certificate-untrusted'
  | 'clock-skew'
  // MESH business errors
  | 'recipient-not-registered'
  | 'workflow-not-allowed'
  | 'message-not-found'
  | 'message-gone'
  | 'message-finalised'
  | 'send-rejected'
  | 'send-outcome-unknown'
  // Transport
  | 'server-busy'
  | 'server-error'
  | 'network-unreachable'
  | 'name-lookup-failed'
  | 'proxy-failed'
  | 'timeout'
  | 'tls-failed'
  | 'protocol-error'
  // Local
  | 'disk-full'
  | 'disk-error'
  | 'checksum-mismatch'
  | 'settings-corrupt'
  | 'policy-invalid'
  | 'keychain-unavailable'
  /** The account lacks the rights a step needs (an administrator prompt, say). */
  | 'permission-denied'
  | 'cancelled'
  | 'not-configured'
  | 'managed-by-policy'
  | 'internal';

export interface AppErrorShape {
  code: AppErrorCode;
  /** A sentence a non-technical person can act on. Never a stack trace. */
  message: string;
  /** MESH event and code when the server gave them (for example SEND / 12). */
  meshEvent?: string;
  meshCode?: string;
  /** HTTP status when there was one. */
  status?: number;
  /** True when trying the same thing again later may succeed. */
  transient?: boolean;
}

/** An error with a message meant for a person. `detail` is for logs only. */
export class AppError extends Error implements AppErrorShape {
  readonly code: AppErrorCode;
  readonly meshEvent?: string;
  readonly meshCode?: string;
  readonly status?: number;
  readonly transient: boolean;
  readonly detail?: string;

  constructor(shape: AppErrorShape & { detail?: string; cause?: unknown }) {
    super(shape.message, shape.cause === undefined ? undefined : { cause: shape.cause });
    this.name = 'AppError';
    this.code = shape.code;
    if (shape.meshEvent !== undefined) this.meshEvent = shape.meshEvent;
    if (shape.meshCode !== undefined) this.meshCode = shape.meshCode;
    if (shape.status !== undefined) this.status = shape.status;
    this.transient = shape.transient ?? false;
    if (shape.detail !== undefined) this.detail = shape.detail;
  }

  /** The part that may cross to the window or be printed as JSON: no detail, no stack. */
  toShape(): AppErrorShape {
    const shape: AppErrorShape = { code: this.code, message: this.message };
    if (this.meshEvent) shape.meshEvent = this.meshEvent;
    if (this.meshCode) shape.meshCode = this.meshCode;
    if (this.status !== undefined) shape.status = this.status;
    if (this.transient) shape.transient = true;
    return shape;
  }
}

/** Wraps anything thrown into an AppError without losing the original for the log. */
export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return new AppError({
    code: 'internal',
    message:
      'Something went wrong inside MESH Desktop. Try again; if it keeps happening, copy the diagnostics from Help and send them to your IT service desk.',
    detail,
    cause: error,
  });
}
