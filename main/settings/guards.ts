/**
 * Whether a change a person asks for is allowed under policy. Pure functions:
 * each returns the AppError to give back, or undefined when the change may go ahead.
 */
import { isDeepStrictEqual } from 'node:util';
import { AppError } from '../shared/errors';
import { managedByPolicyError, type EffectiveMailbox, type EffectiveSettings, type ManagedKeys } from './effective';
import { ENVIRONMENT_LABELS } from './environments';
import { mailboxIdentityKey, type MailboxProfile } from './schema';

/** Top-level settings a person can change and IT can lock. */
export type LockableTopLevelSetting = 'proxy' | 'extraCaFiles' | 'defaultDownloadFolder' | 'updates';

const FIELD_LABELS: Partial<Record<keyof MailboxProfile, string>> = {
  environment: 'environment',
  mailboxId: 'mailbox ID',
  displayName: 'name',
  customUrl: 'server address',
  downloadFolder: 'download folder',
  acknowledge: 'acknowledgement setting',
  folderMode: 'folder mode',
  certificate: 'certificate',
};

/** Refuses a change to a top-level setting IT has locked, unless it changes nothing. */
export function checkSettingChange(effective: EffectiveSettings, key: LockableTopLevelSetting, value: unknown): AppError | undefined {
  if (effective.policyProblem) return effective.policyProblem.error;
  const managed = effective.managed[key];
  if (managed && !isDeepStrictEqual(managed.value, value)) return managedByPolicyError(key);
  return undefined;
}

function pollIntervalProblem(effective: EffectiveSettings, minutes: number): AppError | undefined {
  const { pollInterval, minimumPollIntervalMinutes } = effective.managed;
  if (pollInterval && minutes !== pollInterval.value) {
    return managedByPolicyError(
      'pollInterval',
      `Your organisation sets every mailbox to be checked every ${pollInterval.value} minutes on this computer, so this cannot be changed here.`,
    );
  }
  if (minimumPollIntervalMinutes && minutes < minimumPollIntervalMinutes.value) {
    return managedByPolicyError(
      'minimumPollIntervalMinutes',
      `Your organisation asks MESH Desktop to check mailboxes no more often than every ${minimumPollIntervalMinutes.value} minutes. Choose ${minimumPollIntervalMinutes.value} minutes or more.`,
    );
  }
  return undefined;
}

function environmentProblem(effective: EffectiveSettings, profile: MailboxProfile): AppError | undefined {
  const allowed = effective.managed.allowedEnvironments?.value;
  if (allowed && !allowed.includes(profile.environment)) {
    return managedByPolicyError(
      'allowedEnvironments',
      `Your organisation does not allow ${ENVIRONMENT_LABELS[profile.environment]} mailboxes on this computer. Contact your IT service desk if you need one.`,
    );
  }
  return undefined;
}

function duplicateProblem(effective: EffectiveSettings, profile: MailboxProfile): AppError | undefined {
  const key = mailboxIdentityKey(profile);
  const clash = effective.settings.mailboxes.find((other) => other.id !== profile.id && mailboxIdentityKey(other) === key);
  if (!clash) return undefined;
  return new AppError({
    code: 'invalid-argument',
    message: `Mailbox ${profile.mailboxId} in ${ENVIRONMENT_LABELS[profile.environment]} is already set up in MESH Desktop (as "${clash.displayName}").`,
  });
}

function caProblem(effective: EffectiveSettings, files: readonly string[]): AppError | undefined {
  if (effective.managed.extraCaFiles && files.length > 0) return managedByPolicyError('extraCaFiles');
  return undefined;
}

/**
 * Refuses a new mailbox that policy forbids or that duplicates one already set up.
 * `explicitPollInterval` is false when the person did not choose an interval.
 */
export function checkMailboxAdd(
  effective: EffectiveSettings,
  profile: MailboxProfile,
  explicitPollInterval: boolean,
): AppError | undefined {
  if (effective.policyProblem) return effective.policyProblem.error;
  if (effective.managed.mailboxes) {
    return managedByPolicyError(
      'mailboxes',
      'Your organisation only allows the mailboxes it has set up on this computer, so you cannot add one. Contact your IT service desk if you need another mailbox.',
    );
  }
  return (
    environmentProblem(effective, profile) ??
    duplicateProblem(effective, profile) ??
    (explicitPollInterval ? pollIntervalProblem(effective, profile.pollIntervalMinutes) : undefined) ??
    caProblem(effective, profile.extraCaFiles)
  );
}

/** Refuses edits to fields IT fixed, forbidden environments, duplicates and intervals below the floor. */
export function checkMailboxUpdate(
  effective: EffectiveSettings,
  current: EffectiveMailbox,
  changed: ReadonlyArray<keyof MailboxProfile>,
  next: MailboxProfile,
): AppError | undefined {
  if (effective.policyProblem) return effective.policyProblem.error;
  for (const field of changed) {
    if (!current.lockedFields.includes(field) || isDeepStrictEqual(current[field], next[field])) continue;
    if (field === 'pollIntervalMinutes') {
      const problem = pollIntervalProblem(effective, next.pollIntervalMinutes);
      if (problem) return problem;
      continue;
    }
    if (field === 'extraCaFiles') return managedByPolicyError('extraCaFiles');
    return managedByPolicyError(
      'mailboxes',
      `Your organisation set up this mailbox, so its ${FIELD_LABELS[field] ?? field} cannot be changed here. Contact your IT service desk if it needs to change.`,
    );
  }
  if (changed.includes('environment')) {
    const problem = environmentProblem(effective, next);
    if (problem) return problem;
  }
  if (changed.includes('environment') || changed.includes('mailboxId') || changed.includes('customUrl')) {
    const problem = duplicateProblem(effective, next);
    if (problem) return problem;
  }
  if (changed.includes('pollIntervalMinutes')) {
    const problem = pollIntervalProblem(effective, next.pollIntervalMinutes);
    if (problem) return problem;
  }
  if (changed.includes('extraCaFiles')) return caProblem(effective, next.extraCaFiles);
  return undefined;
}

/** Refuses removing a mailbox IT set up. */
export function checkMailboxRemove(effective: EffectiveSettings, current: EffectiveMailbox): AppError | undefined {
  if (effective.policyProblem) return effective.policyProblem.error;
  if (!current.removable) {
    return managedByPolicyError(
      'mailboxes',
      'Your organisation set up this mailbox, so it cannot be removed. Contact your IT service desk if you no longer need it.',
    );
  }
  return undefined;
}

/** True when the setting is locked by policy. */
export function isManaged(effective: EffectiveSettings, key: keyof ManagedKeys): boolean {
  return effective.managed[key] !== undefined || effective.policyProblem !== undefined;
}
