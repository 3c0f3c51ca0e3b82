/**
 * Machine policy from every place IT can set it, combined by one rule, and
 * re-read while the app runs.
 *
 * Precedence, setting by setting: Group Policy for the computer
 * (HKLM\SOFTWARE\Policies\MESH Desktop), then Group Policy for the Windows
 * account (HKCU\…), then policy.json, then the person's own settings. The
 * first that sets a setting gives its value. Whether it is locked is decided
 * by the first that sets it or ticks it in its lock list, by that source's own
 * locking rule (policy.ts); a source that locks a setting it gives no value
 * for locks it at the next source's value, or the built-in default.
 *
 * Two exceptions follow from what the settings are. Server addresses are one
 * setting per environment. Mailboxes are one setting each (environment and
 * mailbox ID): every source's mailboxes appear, and a mailbox set in more than
 * one takes its whole definition from the first.
 *
 * Group Policy outranks policy.json because it is what IT manages centrally
 * and re-applies; a policy.json left on a PC from before is the stale copy.
 * Any source that cannot be used makes the whole policy unusable (fail closed),
 * as a broken policy.json alone always has.
 */
import type { Logger } from '../log/logger';
import { AppError } from '../shared/errors';
import {
  defaultPolicyPath,
  LOCKABLE_SETTINGS,
  loadPolicy,
  lockedSettings,
  type LockableSetting,
  type Policy,
  type PolicyLoadResult,
} from './policy';
import { HIVE_NAMES, parseRegQuery, POLICY_KEY, registryReaderFor, type RegistryHive, type RegistryReader } from './reg-query';
import { policyFromRegistry, type RegistrySourceResult } from './registry-policy';
import { mailboxIdentityKey } from './schema';

/** How often policy is read again: each read is two short reg.exe runs and one small file. */
export const POLICY_RECHECK_MS = 60_000;

/** True when `policy` gives the setting behind lock name `setting` a value. */
function setsValue(policy: Policy, setting: LockableSetting): boolean {
  switch (setting) {
    case 'mailboxes':
      return (policy.mailboxes?.length ?? 0) > 0;
    case 'pollInterval':
      // Only a lock list fixes the interval; a floor alone never does.
      return false;
    default:
      return policy[setting] !== undefined;
  }
}

/** The policies of several sources as one, highest precedence first (the rule at the top of this file). */
export function mergePolicies(policies: readonly Policy[]): Policy {
  const merged: Policy = {};
  const first = <K extends keyof Policy>(key: K): Policy[K] => policies.find((policy) => policy[key] !== undefined)?.[key];
  for (const key of [
    'allowedEnvironments',
    'proxy',
    'extraCaFiles',
    'defaultDownloadFolder',
    'minimumPollIntervalMinutes',
    'updates',
    'auditFolder',
    'auditRetentionDays',
  ] as const) {
    const value = first(key);
    if (value !== undefined) (merged as Record<string, unknown>)[key] = value;
  }
  const environments = Object.assign({}, ...[...policies].reverse().map((policy) => policy.environments ?? {})) as NonNullable<
    Policy['environments']
  >;
  if (Object.keys(environments).length > 0) merged.environments = environments;
  const seen = new Set<string>();
  const mailboxes = policies.flatMap((policy) =>
    (policy.mailboxes ?? []).filter((mailbox) => {
      const key = mailboxIdentityKey(mailbox);
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    }),
  );
  if (mailboxes.length > 0) merged.mailboxes = mailboxes;
  // Without any lock list every source locks what it sets, and so does the merge. With one, say exactly what is locked.
  if (policies.some((policy) => policy.lock !== undefined)) {
    merged.lock = LOCKABLE_SETTINGS.filter((setting) => {
      const decider = policies.find((policy) => policy.lock?.includes(setting) || setsValue(policy, setting));
      return decider !== undefined && lockedSettings(decider).has(setting);
    });
  }
  return merged;
}

/** One place policy can come from, as read this time. */
export interface PolicySourceRead {
  /** Where it is, for the log: a registry key or a file path. */
  where: string;
  /** Its name for people, e.g. "Group Policy for this computer". */
  label: string;
  result: RegistrySourceResult;
}

/** What one read of every source gave: the policy for the settings store, and lines for the log only. */
export interface MachinePolicyRead {
  result: PolicyLoadResult;
  diagnostics: string[];
}

function registryProblem(source: PolicySourceRead, problems: string[]): PolicyLoadResult {
  const error = new AppError({
    code: 'policy-invalid',
    message: `The MESH Desktop settings your IT team set in ${source.label} cannot be used, so MESH Desktop will not connect to MESH until they are fixed. Contact your IT service desk.`,
    detail: problems.join('\n'),
  });
  return { status: 'broken', path: source.where, problem: { path: source.where, reason: problems.join('\n'), error } };
}

/**
 * Combines the registry sources (highest first) with the policy file's result.
 * With no registry policy the file's result is returned unchanged.
 */
export function combinePolicySources(registry: readonly PolicySourceRead[], file: PolicyLoadResult): PolicyLoadResult {
  const present = registry.filter((source) => source.result.status !== 'absent');
  if (present.length === 0) return file;
  const notices = present.flatMap((source) =>
    source.result.status === 'absent'
      ? []
      : [...(source.result.status === 'broken' ? source.result.problems : []), ...source.result.notices],
  );
  const withNotices = (result: PolicyLoadResult): PolicyLoadResult => (notices.length > 0 ? { ...result, notices } : result);
  const broken = present.find((source) => source.result.status === 'broken');
  if (broken && broken.result.status === 'broken') return withNotices(registryProblem(broken, broken.result.problems));
  if (file.status === 'broken') return withNotices(file);
  const policies = present.flatMap((source) => (source.result.status === 'ok' ? [source.result.policy] : []));
  if (file.status === 'ok') policies.push(file.policy);
  const where = [...present.map((source) => source.where), ...(file.status === 'ok' ? [file.path] : [])].join('; ');
  return withNotices({ status: 'ok', path: where, policy: mergePolicies(policies) });
}

export interface MachinePolicyOptions {
  /** The policy file; default: the platform's documented path. */
  policyPath?: string;
  /** Default: reg.exe on Windows, none elsewhere (see registryReaderFor). */
  registry?: RegistryReader;
  platform?: NodeJS.Platform;
  env?: Record<string, string | undefined>;
}

const HIVES: readonly RegistryHive[] = ['HKLM', 'HKCU'];

/** Names people see for each hive's policy. */
export const HIVE_LABELS: Readonly<Record<RegistryHive, string>> = {
  HKLM: 'Group Policy for this computer',
  HKCU: 'Group Policy for your Windows account',
};

/** A function that reads every source once and combines them. */
export function machinePolicyLoader(options: MachinePolicyOptions = {}): () => Promise<MachinePolicyRead> {
  const platform = options.platform ?? process.platform;
  const env = options.env ?? process.env;
  const policyPath = options.policyPath ?? defaultPolicyPath(platform, env);
  const registry = options.registry ?? registryReaderFor(platform, env);
  return async () => {
    const diagnostics: string[] = [];
    const [file, ...outcomes] = await Promise.all([loadPolicy(policyPath), ...HIVES.map((hive) => registry.query(hive))]);
    const sources: PolicySourceRead[] = HIVES.map((hive, index) => {
      const where = `${HIVE_NAMES[hive]}\\${POLICY_KEY}`;
      const outcome = outcomes[index]!;
      const source = { where, label: HIVE_LABELS[hive] };
      if (outcome.status === 'unreadable') {
        // The issue is reading, not the policy: no policy, said in the log, as for a missing key.
        diagnostics.push(`Could not read ${where}, so no Group Policy from it is applied: ${outcome.detail}`);
        return { ...source, result: { status: 'absent' } };
      }
      if (outcome.status === 'missing') return { ...source, result: { status: 'absent' } };
      return { ...source, result: policyFromRegistry(hive, parseRegQuery(outcome.output), env) };
    });
    // The test stand-in may add policy where there is none, never outrank a real policy file.
    if (registry.standIn && file.status !== 'absent') {
      diagnostics.push(`A policy file exists at ${file.path}, so the test registry stand-in is ignored.`);
      return { result: file, diagnostics };
    }
    return { result: combinePolicySources(sources, file), diagnostics };
  };
}

function fingerprint(read: MachinePolicyRead): string {
  const { result } = read;
  return JSON.stringify({
    status: result.status,
    policy: result.status === 'ok' ? result.policy : undefined,
    problem: result.status === 'broken' ? [result.problem.error.message, result.problem.reason] : undefined,
    notices: result.notices,
  });
}

/** Writes what a read found to the log: the sentences IT needs, at the level they deserve. */
export function logPolicyRead(log: Logger, read: MachinePolicyRead): void {
  const { result } = read;
  for (const line of read.diagnostics) log.warn(line);
  if (result.status === 'broken') log.error(result.problem.error.message, { path: result.path, reason: result.problem.reason });
  else if (result.status === 'ok') log.info('Machine policy applied', { from: result.path });
  for (const notice of result.notices ?? []) log.warn(notice);
}

/**
 * Reads policy at start and again every minute, telling `onChange` only when
 * what it says changed. Group Policy has no change notification without a
 * native module; a minute is sooner than Group Policy itself refreshes (90
 * minutes by default).
 */
export class PolicyWatch {
  private timer: NodeJS.Timeout | undefined;
  private last: string | undefined;
  private lastDiagnostics = '';
  private checking: Promise<void> | undefined;

  constructor(private readonly options: { load: () => Promise<MachinePolicyRead>; log: Logger; intervalMs?: number }) {}

  /** Reads every source now (logging what it found) and remembers it as the current policy. */
  async read(): Promise<PolicyLoadResult> {
    const read = await this.options.load();
    this.remember(read);
    return read.result;
  }

  /** Re-reads every `intervalMs` (never less than a minute outside tests that pass their own), calling `onChange` on a change. */
  start(onChange: (result: PolicyLoadResult) => void): void {
    this.stop();
    this.timer = setInterval(() => void this.check(onChange), this.options.intervalMs ?? POLICY_RECHECK_MS);
    this.timer.unref();
  }

  /** One re-read; resolves true when the policy changed. A failed read keeps the current policy. */
  async check(onChange: (result: PolicyLoadResult) => void): Promise<boolean> {
    if (this.checking) return false;
    let changed = false;
    this.checking = (async () => {
      try {
        const read = await this.options.load();
        const before = this.last;
        this.remember(read);
        if (before !== this.last) {
          this.options.log.info('The machine policy changed; applying it now');
          changed = true;
          onChange(read.result);
        }
      } catch (error) {
        this.options.log.warn('Could not re-read the machine policy; keeping the one in force', { error: String(error) });
      }
    })();
    await this.checking;
    this.checking = undefined;
    return changed;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private remember(read: MachinePolicyRead): void {
    const print = fingerprint(read);
    const diagnostics = read.diagnostics.join('\n');
    // Log a policy once per change, not once a minute.
    if (print !== this.last || diagnostics !== this.lastDiagnostics) logPolicyRead(this.options.log, read);
    this.last = print;
    this.lastDiagnostics = diagnostics;
  }
}
