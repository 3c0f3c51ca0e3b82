/**
 * Fault injection: rules that make the sandbox misbehave on purpose so the
 * client's retry and recovery paths can be tested. The in-process API and the
 * POST /admin/faults endpoint share this model.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { AppError } from '../shared/errors';

const matchSchema = z
  .object({
    /** HTTP method, any case. */
    method: z.string().min(1).optional(),
    /** Regular expression tested against the request path and query. */
    path: z.string().min(1).optional(),
  })
  .strict();

const common = {
  match: matchSchema.optional(),
  /** How many requests the rule fires on; default 1. */
  count: z.union([z.number().int().positive(), z.literal('always')]).optional(),
};

/** The JSON accepted by POST /admin/faults (one rule, an array, or {rules: [...]}). */
export const faultRuleSchema = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('status'),
      status: z.number().int().min(100).max(599),
      body: z.string().optional(),
      contentType: z.string().optional(),
      headers: z.record(z.string(), z.string()).optional(),
      ...common,
    })
    .strict(),
  z.object({ kind: z.literal('reset-after-body'), ...common }).strict(),
  z
    .object({
      kind: z.literal('reset-mid-body'),
      afterBytes: z.number().int().nonnegative(),
      direction: z.enum(['request', 'response']).optional(),
      ...common,
    })
    .strict(),
  z.object({ kind: z.literal('delay'), ms: z.number().int().nonnegative(), ...common }).strict(),
  z.object({ kind: z.literal('truncate'), afterBytes: z.number().int().nonnegative(), ...common }).strict(),
]);

/**
 * One fault. `status` answers with that status (and body) instead of handling
 * the request; `reset-after-body` handles the request fully (a send is stored)
 * but drops the connection instead of answering; `reset-mid-body` drops it
 * after N request bytes (default) or response body bytes; `delay` waits before
 * handling; `truncate` sends the headers (with Content-Length) and closes after
 * N body bytes.
 */
export type FaultRule = z.infer<typeof faultRuleSchema>;

export interface ActiveFault {
  id: string;
  rule: FaultRule;
  /** Requests it will still fire on; Infinity for 'always'. */
  remaining: number;
  fired: number;
}

interface CompiledFault extends ActiveFault {
  pathPattern?: RegExp;
}

/** Reads admin-endpoint JSON into rules; throws AppError('invalid-argument') when malformed. */
export function parseFaultRules(json: unknown): FaultRule[] {
  const list = Array.isArray(json)
    ? json
    : json !== null && typeof json === 'object' && 'rules' in json
      ? (json as { rules: unknown }).rules
      : [json];
  const parsed = z.array(faultRuleSchema).min(1).safeParse(list);
  if (!parsed.success) {
    throw new AppError({
      code: 'invalid-argument',
      message: 'The fault rule is not valid.',
      detail: parsed.error.message,
    });
  }
  return parsed.data;
}

/** The list of fault rules in force, consulted once per request. */
export class FaultInjector {
  private faults: CompiledFault[] = [];

  /** Adds a rule and returns its id. Rules are tried in the order they were added. */
  add(rule: FaultRule): string {
    const checked = faultRuleSchema.parse(rule);
    let pathPattern: RegExp | undefined;
    if (checked.match?.path !== undefined) {
      try {
        pathPattern = new RegExp(checked.match.path);
      } catch (error) {
        throw new AppError({
          code: 'invalid-argument',
          message: 'The fault rule path is not a valid regular expression.',
          detail: String(error),
        });
      }
    }
    const id = randomUUID();
    const remaining = checked.count === 'always' ? Infinity : (checked.count ?? 1);
    const fault: CompiledFault = { id, rule: checked, remaining, fired: 0 };
    if (pathPattern) fault.pathPattern = pathPattern;
    this.faults.push(fault);
    return id;
  }

  /** Removes one rule; false when there was none with that id. */
  remove(id: string): boolean {
    const before = this.faults.length;
    this.faults = this.faults.filter((fault) => fault.id !== id);
    return this.faults.length !== before;
  }

  /** Removes every rule. */
  clear(): void {
    this.faults = [];
  }

  /** The rules in force with their remaining counts (copies). */
  list(): ActiveFault[] {
    return this.faults.map(({ id, rule, remaining, fired }) => ({ id, rule, remaining, fired }));
  }

  /** The first rule matching this request, counted as fired; undefined when none. */
  take(method: string, pathAndQuery: string): FaultRule | undefined {
    const fault = this.faults.find((candidate) => faultMatches(candidate, method, pathAndQuery));
    if (!fault) return undefined;
    fault.remaining -= 1;
    fault.fired += 1;
    if (fault.remaining <= 0) this.faults = this.faults.filter((candidate) => candidate !== fault);
    return fault.rule;
  }
}

function faultMatches(fault: CompiledFault, method: string, pathAndQuery: string): boolean {
  const wantedMethod = fault.rule.match?.method;
  if (wantedMethod !== undefined && wantedMethod.toUpperCase() !== method.toUpperCase()) return false;
  if (fault.pathPattern && !fault.pathPattern.test(pathAndQuery)) return false;
  return true;
}
