/**
 * Combines a person's settings with IT's policy. Policy wins everywhere it
 * speaks; see the locking rule at the top of policy.ts.
 */
import { createHash } from 'node:crypto';
import { AppError } from '../shared/errors';
import { BUILT_IN_ENVIRONMENT_URLS, ENVIRONMENT_LABELS, type MailboxEnvironment, type NamedEnvironment } from './environments';
import { allowedEnvironments, lockedSettings, type Policy, type PolicyMailbox, type PolicyProblem } from './policy';
import {
  defaultSettings,
  MIN_POLL_INTERVAL_MINUTES,
  mailboxIdentityKey,
  type AppSettings,
  type MailboxProfile,
  type ProxySettings,
} from './schema';

/** A mailbox as the rest of the app should use it: policy applied, with whether it may connect. */
export interface EffectiveMailbox extends MailboxProfile {
  /** 'policy' when IT defined this mailbox (it cannot be removed). */
  source: 'user' | 'policy';
  /** The server address to use, or undefined when none is known. */
  baseUrl: string | undefined;
  usable: boolean;
  /** Why the mailbox may not connect, in a sentence for the person. */
  unusableReason?: string;
  removable: boolean;
  /** Fields IT fixed for this mailbox; edits to them are refused. */
  lockedFields: ReadonlyArray<keyof MailboxProfile>;
  /** The certificate files IT's policy names for this mailbox; used instead of an imported certificate. */
  policyCertificate?: { file: string; keyFile?: string };
}

/** Settings IT controls, each with the value policy enforces. A key is present only when locked. */
export interface ManagedKeys {
  proxy?: { value: ProxySettings };
  extraCaFiles?: { value: string[] };
  defaultDownloadFolder?: { value: string | undefined };
  updates?: { value: { enabled: boolean } };
  /** People may not add mailboxes of their own; only these (IT's) are allowed. */
  mailboxes?: { value: PolicyMailbox[] };
  /** Every mailbox checks at exactly this interval. */
  pollInterval?: { value: number };
  /** No mailbox checks more often than this (always enforced when policy sets it). */
  minimumPollIntervalMinutes?: { value: number };
  allowedEnvironments?: { value: MailboxEnvironment[] };
  environments?: { value: Partial<Record<NamedEnvironment, string>> };
}

export type EffectiveAppSettings = Omit<AppSettings, 'mailboxes'> & { mailboxes: EffectiveMailbox[] };

export interface EffectiveSettings {
  settings: EffectiveAppSettings;
  managed: ManagedKeys;
  environmentUrls: Record<NamedEnvironment, string | undefined>;
  /** Set when the policy file exists but is broken: nothing may connect. */
  policyProblem?: PolicyProblem;
}

// Fixed namespace so a policy mailbox keeps the same profile id on every start.
const POLICY_MAILBOX_NAMESPACE = Buffer.from('6d1f5a0e9b3c4c8e8f2a7d4b1c0e9f35', 'hex');

/** A stable UUID (version 5) for a mailbox IT defined, so secrets and certificates can be keyed to it. */
export function policyMailboxProfileId(environment: MailboxEnvironment, mailboxId: string): string {
  const hash = createHash('sha1').update(POLICY_MAILBOX_NAMESPACE).update(`${environment}/${mailboxId.toUpperCase()}`, 'utf8').digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** True when the proxy is still MESH Desktop's built-in default (so a policy starting value may apply). */
export function isDefaultProxy(proxy: ProxySettings): boolean {
  return proxy.mode === 'system' && !proxy.url && !proxy.username && !proxy.noProxy;
}

/** The poll interval policy allows: raised to the floor, or fixed when locked. */
export function applyPollPolicy(requested: number, floor: number, fixed: number | undefined): number {
  if (fixed !== undefined) return fixed;
  return Math.max(requested, floor);
}

/** Where a mailbox connects: its own address for CUSTOM, else the environment's. */
export function mailboxBaseUrl(
  profile: Pick<MailboxProfile, 'environment' | 'customUrl'>,
  environmentUrls: Record<NamedEnvironment, string | undefined>,
): string | undefined {
  return profile.environment === 'CUSTOM' ? profile.customUrl : environmentUrls[profile.environment];
}

function unique<T>(items: readonly T[]): T[] {
  return [...new Set(items)];
}

interface MailboxRules {
  allowed: readonly MailboxEnvironment[];
  userMailboxesAllowed: boolean;
  floor: number;
  fixedPoll: number | undefined;
  caLocked: boolean;
  defaultDownloadFolder: string | undefined;
  environmentUrls: Record<NamedEnvironment, string | undefined>;
  policyProblem: PolicyProblem | undefined;
}

/** The first reason, in order of importance, why this mailbox may not connect. */
function unusableReason(mailbox: Omit<EffectiveMailbox, 'usable' | 'unusableReason'>, rules: MailboxRules): string | undefined {
  if (rules.policyProblem) return rules.policyProblem.error.message;
  if (!rules.allowed.includes(mailbox.environment)) {
    return `Your organisation does not allow ${ENVIRONMENT_LABELS[mailbox.environment]} mailboxes on this computer. Contact your IT service desk if you need this mailbox.`;
  }
  if (mailbox.source === 'user' && !rules.userMailboxesAllowed) {
    return 'Your organisation only allows the mailboxes it has set up on this computer. Contact your IT service desk if you need this mailbox.';
  }
  if (!mailbox.baseUrl) {
    return `MESH Desktop does not know the address of the ${ENVIRONMENT_LABELS[mailbox.environment]} environment. Ask your IT service desk to add it to the policy.`;
  }
  if (!mailbox.downloadFolder) return 'Choose a folder to save received files in for this mailbox.';
  return undefined;
}

function finish(mailbox: Omit<EffectiveMailbox, 'usable' | 'unusableReason'>, rules: MailboxRules): EffectiveMailbox {
  const reason = unusableReason(mailbox, rules);
  return reason === undefined ? { ...mailbox, usable: true } : { ...mailbox, usable: false, unusableReason: reason };
}

function policyMailbox(defined: PolicyMailbox, own: MailboxProfile | undefined, rules: MailboxRules): EffectiveMailbox {
  const lockedFields: Array<keyof MailboxProfile> = ['environment', 'mailboxId', 'displayName', 'customUrl'];
  if (defined.downloadFolder) lockedFields.push('downloadFolder');
  if (defined.acknowledge) lockedFields.push('acknowledge');
  if (defined.folderMode) lockedFields.push('folderMode');
  if (defined.certificate) lockedFields.push('certificate');
  if (rules.fixedPoll !== undefined) lockedFields.push('pollIntervalMinutes');
  if (rules.caLocked) lockedFields.push('extraCaFiles');
  const profile: Omit<EffectiveMailbox, 'usable' | 'unusableReason'> = {
    id: own?.id ?? policyMailboxProfileId(defined.environment, defined.mailboxId),
    environment: defined.environment,
    mailboxId: defined.mailboxId,
    displayName: defined.displayName,
    downloadFolder: defined.downloadFolder ?? own?.downloadFolder ?? rules.defaultDownloadFolder ?? '',
    pollIntervalMinutes: applyPollPolicy(own?.pollIntervalMinutes ?? MIN_POLL_INTERVAL_MINUTES, rules.floor, rules.fixedPoll),
    acknowledge: defined.acknowledge ?? own?.acknowledge ?? 'after-save',
    extraCaFiles: rules.caLocked ? [] : (own?.extraCaFiles ?? []),
    source: 'policy',
    baseUrl: rules.environmentUrls[defined.environment],
    removable: false,
    lockedFields,
  };
  if (defined.certificate) profile.policyCertificate = defined.certificate;
  else if (own?.certificate) profile.certificate = own.certificate;
  const folderMode = defined.folderMode ?? own?.folderMode;
  if (folderMode) profile.folderMode = folderMode;
  return finish(profile, rules);
}

function userMailbox(own: MailboxProfile, rules: MailboxRules): EffectiveMailbox {
  const lockedFields: Array<keyof MailboxProfile> = [];
  if (rules.fixedPoll !== undefined) lockedFields.push('pollIntervalMinutes');
  if (rules.caLocked) lockedFields.push('extraCaFiles');
  return finish(
    {
      ...own,
      pollIntervalMinutes: applyPollPolicy(own.pollIntervalMinutes, rules.floor, rules.fixedPoll),
      extraCaFiles: rules.caLocked ? [] : own.extraCaFiles,
      source: 'user',
      baseUrl: mailboxBaseUrl(own, rules.environmentUrls),
      removable: true,
      lockedFields,
    },
    rules,
  );
}

/** Everything locked at the person's current values: used while the policy file is broken. */
function freezeEverything(user: AppSettings): ManagedKeys {
  return {
    proxy: { value: user.proxy },
    extraCaFiles: { value: user.extraCaFiles },
    defaultDownloadFolder: { value: user.defaultDownloadFolder },
    updates: { value: user.updates },
    mailboxes: { value: [] },
  };
}

/** Collects the locked keys and the values policy enforces for them. */
function managedKeys(policy: Policy): ManagedKeys {
  const builtIn = defaultSettings();
  const locks = lockedSettings(policy);
  const managed: ManagedKeys = {};
  if (locks.has('proxy')) managed.proxy = { value: policy.proxy ?? builtIn.proxy };
  if (locks.has('extraCaFiles')) managed.extraCaFiles = { value: policy.extraCaFiles ?? [] };
  if (locks.has('defaultDownloadFolder')) managed.defaultDownloadFolder = { value: policy.defaultDownloadFolder };
  if (locks.has('updates')) managed.updates = { value: policy.updates ?? builtIn.updates };
  if (locks.has('mailboxes')) managed.mailboxes = { value: policy.mailboxes ?? [] };
  const floor = policy.minimumPollIntervalMinutes;
  if (floor !== undefined) managed.minimumPollIntervalMinutes = { value: floor };
  if (locks.has('pollInterval')) managed.pollInterval = { value: floor ?? MIN_POLL_INTERVAL_MINUTES };
  if (policy.allowedEnvironments) managed.allowedEnvironments = { value: [...policy.allowedEnvironments] };
  if (policy.environments) managed.environments = { value: { ...policy.environments } };
  return managed;
}

/** Settings with policy applied: policy values win over the person's wherever policy speaks. */
export function effectiveSettings(user: AppSettings, policy: Policy | undefined, policyProblem?: PolicyProblem): EffectiveSettings {
  const environmentUrls: Record<NamedEnvironment, string | undefined> = {
    ...BUILT_IN_ENVIRONMENT_URLS,
    ...(policy?.environments ?? {}),
  };
  const managed = policyProblem ? freezeEverything(user) : policy ? managedKeys(policy) : {};

  const proxy = managed.proxy?.value ?? (policy?.proxy && isDefaultProxy(user.proxy) ? policy.proxy : user.proxy);
  const extraCaFiles = managed.extraCaFiles?.value ?? unique([...(policy?.extraCaFiles ?? []), ...user.extraCaFiles]);
  const defaultDownloadFolder = managed.defaultDownloadFolder
    ? managed.defaultDownloadFolder.value
    : (user.defaultDownloadFolder ?? policy?.defaultDownloadFolder);
  const updates = managed.updates?.value ?? (policy?.updates && user.updates.enabled === true ? policy.updates : user.updates);

  const rules: MailboxRules = {
    allowed: allowedEnvironments(policy),
    userMailboxesAllowed: managed.mailboxes === undefined,
    floor: managed.minimumPollIntervalMinutes?.value ?? MIN_POLL_INTERVAL_MINUTES,
    fixedPoll: managed.pollInterval?.value,
    caLocked: managed.extraCaFiles !== undefined,
    defaultDownloadFolder,
    environmentUrls,
    policyProblem,
  };
  const defined = policy?.mailboxes ?? [];
  const definedKeys = new Set(defined.map(mailboxIdentityKey));
  const ownByKey = new Map(user.mailboxes.map((profile) => [mailboxIdentityKey(profile), profile]));
  const mailboxes = [
    ...defined.map((entry) => policyMailbox(entry, ownByKey.get(mailboxIdentityKey(entry)), rules)),
    ...user.mailboxes.filter((own) => !definedKeys.has(mailboxIdentityKey(own))).map((own) => userMailbox(own, rules)),
  ];

  const settings: EffectiveAppSettings = {
    ...user,
    mailboxes,
    proxy,
    extraCaFiles,
    updates,
  };
  if (defaultDownloadFolder === undefined) delete settings.defaultDownloadFolder;
  else settings.defaultDownloadFolder = defaultDownloadFolder;
  if (user.activeMailboxId && !mailboxes.some((mailbox) => mailbox.id === user.activeMailboxId)) {
    delete settings.activeMailboxId;
  }

  const result: EffectiveSettings = { settings, managed, environmentUrls };
  if (policyProblem) result.policyProblem = policyProblem;
  return result;
}

const SETTING_NAMES: Record<keyof ManagedKeys, string> = {
  proxy: 'the proxy setting',
  extraCaFiles: 'the trusted certificate authorities',
  defaultDownloadFolder: 'the default download folder',
  updates: 'automatic updates',
  mailboxes: 'which mailboxes can be used',
  pollInterval: 'how often mailboxes are checked',
  minimumPollIntervalMinutes: 'how often mailboxes are checked',
  allowedEnvironments: 'which MESH environments can be used',
  environments: 'the MESH server addresses',
};

/** The AppError for trying to change something IT manages; `message` replaces the general sentence. */
export function managedByPolicyError(setting: keyof ManagedKeys, message?: string): AppError {
  return new AppError({
    code: 'managed-by-policy',
    message:
      message ??
      `Your organisation manages ${SETTING_NAMES[setting]} on this computer, so it cannot be changed here. Contact your IT service desk if it needs to change.`,
    detail: `setting managed by policy: ${setting}`,
  });
}
