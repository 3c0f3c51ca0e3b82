import type { Logger } from './logger';

/** The part of `process` the guard listens on, so tests can hand it a stand-in. */
export interface GuardedProcess {
  on(event: 'uncaughtException', listener: (error: unknown) => void): unknown;
  on(event: 'unhandledRejection', listener: (reason: unknown) => void): unknown;
  off(event: 'uncaughtException' | 'unhandledRejection', listener: (value: unknown) => void): unknown;
}

/**
 * The last line of defence for a process that holds transfers: anything that
 * escapes every request's own error handling is logged, and the process keeps
 * serving. Ending it would stop every transfer mid-flight, while the journals
 * are written whole-file-or-nothing, so what is on disk stays consistent
 * either way; a restart could only lose work.
 */
export function installProcessGuard(log: Logger, target: GuardedProcess = process): () => void {
  const scoped = log.child('process');
  const onException = (error: unknown) =>
    scoped.error('Something went wrong that nothing else caught; MESH Desktop carries on', describe(error));
  const onRejection = (reason: unknown) =>
    scoped.error('A background task failed and nothing was waiting for it; MESH Desktop carries on', describe(reason));
  target.on('uncaughtException', onException);
  target.on('unhandledRejection', onRejection);
  return () => {
    target.off('uncaughtException', onException);
    target.off('unhandledRejection', onRejection);
  };
}

function describe(value: unknown): Record<string, unknown> {
  if (value instanceof Error) return { error: value.name, reason: value.message, stack: value.stack };
  return { reason: String(value).slice(0, 500) };
}
