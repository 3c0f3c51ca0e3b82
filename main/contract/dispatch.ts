import type { z } from 'zod';
import { AppError, toAppError } from '../shared/errors';
import { isRequestName, maySend, type RequestName, type RequestSender } from './channels';
import { requestSchemas, type RequestHandlers } from './schemas';
import type { Reply } from './types';

/** Something that records what went wrong without ever seeing a secret. */
export interface DispatchLog {
  warn(message: string, detail?: Record<string, unknown>): void;
  error(message: string, detail?: Record<string, unknown>): void;
}

/**
 * Turns a raw request from the window (a name and an argument list it may have
 * made up) into a validated call of the matching handler, and every outcome
 * into a Reply. Nothing the window sends can make this throw.
 *
 * `sender` says who is asking; it defaults to the page, the least trusted, so a
 * caller that forgets it cannot widen what it may do. Only a bridge's own code
 * (Electron's preload) passes `bridge`.
 */
export function createDispatcher(handlers: RequestHandlers, log: DispatchLog) {
  return async function dispatch(name: unknown, rawArgs: unknown, sender: RequestSender = 'page'): Promise<Reply<unknown>> {
    if (!isRequestName(name) || !maySend(sender, name)) {
      log.warn('Refused a request for an unknown channel', { name: describeName(name), sender });
      return failure(
        new AppError({
          code: 'invalid-argument',
          message:
            'MESH Desktop was asked to do something it does not know. Restart the app; if it happens again, tell your IT service desk.',
        }),
      );
    }
    const parsed = parseArgs(name, rawArgs);
    if (!parsed.ok) {
      log.warn('Refused a request with bad arguments', { name, problem: parsed.error.message });
      return parsed;
    }
    try {
      const handler = handlers[name] as (...args: unknown[]) => unknown;
      const value = await handler(...(parsed.value as unknown[]));
      return { ok: true, value };
    } catch (error) {
      const appError = toAppError(error);
      if (appError.code === 'internal') log.error('A request failed unexpectedly', { name, detail: appError.detail });
      return failure(appError);
    }
  };
}

function failure(error: AppError): Reply<never> {
  return { ok: false, error: error.toShape() };
}

/** Validates the argument list of one request; the error names the argument in words. */
export function parseArgs(name: RequestName, rawArgs: unknown): Reply<unknown[]> {
  const schema: z.ZodTuple = requestSchemas[name];
  const result = schema.safeParse(rawArgs);
  if (result.success) return { ok: true, value: result.data as unknown[] };
  return failure(new AppError({ code: 'invalid-argument', message: describeIssue(name, result.error.issues[0]) }));
}

const MAX_PROBLEM_LENGTH = 160;

/**
 * One sentence about the first problem. The schemas' own messages are written
 * for people; zod's defaults can quote what was sent (an unknown key), so the
 * problem is cut short whatever the window sent.
 */
function describeIssue(name: RequestName, issue: z.core.$ZodIssue | undefined): string {
  const where = issue && issue.path.length > 0 ? `argument ${Number(issue.path[0]) + 1}` : 'the argument list';
  if (issue?.code === 'too_big' && issue.path.length === 0)
    return `MESH Desktop could not do that: "${name}" was given more arguments than it takes.`;
  const problem = issue?.message ?? 'unexpected value';
  const short = problem.length > MAX_PROBLEM_LENGTH ? `${problem.slice(0, MAX_PROBLEM_LENGTH)}…` : problem;
  return `MESH Desktop could not do that: ${where} of "${name}" was not valid (${short}).`;
}

/** A request name for the log: never more than a line, whatever the window sent. */
function describeName(name: unknown): string {
  try {
    return (typeof name === 'string' ? name : typeof name).slice(0, 100);
  } catch {
    return 'unreadable';
  }
}
