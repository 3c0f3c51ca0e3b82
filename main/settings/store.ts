/**
 * A person's settings file (`settings.json` in the app's data folder): loaded
 * and validated at start, changed only through methods that check policy, and
 * written atomically. A file we cannot read is set aside, never overwritten.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, stat } from 'node:fs/promises';
import path from 'node:path';
import { AppError } from '../shared/errors';
import { writeFileAtomic } from '../shared/durable-file';
import { effectiveSettings, type EffectiveMailbox, type EffectiveSettings } from './effective';
import { checkMailboxAdd, checkMailboxRemove, checkMailboxUpdate, checkSettingChange, type LockableTopLevelSetting } from './guards';
import { describeIssues, firstIssueMessage } from './issues';
import type { Policy, PolicyLoadResult, PolicyProblem } from './policy';
import {
  appSettingsSchema,
  defaultSettings,
  mailboxProfileSchema,
  MIN_POLL_INTERVAL_MINUTES,
  proxySettingsSchema,
  type AppSettings,
  type MailboxProfile,
  type MailboxProfileInput,
} from './schema';

export const SETTINGS_FILE_NAME = 'settings.json';

/** What happened to a settings file that could not be read. */
export interface QuarantineReport {
  /** Where the unreadable file now is. */
  path: string;
  /** What was wrong with it (technical; for the log and IT). */
  reason: string;
  /** The sentence to show the person. */
  message: string;
}

/** A new mailbox: everything but the id, which the store makes. Without a folder, the default folder is used. */
export type NewMailbox = Omit<MailboxProfileInput, 'id' | 'downloadFolder'> & { downloadFolder?: string };

/** Fields to change on a mailbox; a key present with `undefined` clears an optional field. */
export type MailboxPatch = Partial<Omit<MailboxProfileInput, 'id'>>;

export type SettingsListener = (effective: EffectiveSettings) => void;

export interface SettingsStoreOptions {
  /** The machine policy, as loadPolicy or machinePolicyLoader (machine-policy.ts) returned it. */
  policy?: PolicyLoadResult;
  /** For tests: the clock used to name a quarantined file. */
  now?: () => Date;
}

const EFFECTIVE_ONLY_FIELDS = ['source', 'baseUrl', 'usable', 'unusableReason', 'removable', 'lockedFields', 'policyCertificate'] as const;

/** The stored profile behind an effective mailbox (drops what effective.ts added). */
function storedProfileOf(mailbox: EffectiveMailbox): MailboxProfile {
  const copy: Record<string, unknown> = { ...mailbox };
  for (const field of EFFECTIVE_ONLY_FIELDS) delete copy[field];
  return copy as MailboxProfile;
}

/** A file-name-safe UTC timestamp such as 20260301T091500Z. */
export function quarantineTimestamp(at: Date): string {
  return at
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}Z$/, 'Z');
}

function invalidArgument(message: string, detail?: string): AppError {
  return new AppError({ code: 'invalid-argument', message, ...(detail === undefined ? {} : { detail }) });
}

function applyPatch<T extends object>(base: T, patch: object): T {
  const next: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) delete next[key];
    else next[key] = value;
  }
  return next as T;
}

async function exists(filePath: string): Promise<boolean> {
  try {
    await stat(filePath);
    return true;
  } catch {
    return false;
  }
}

export class SettingsStore {
  readonly filePath: string;
  readonly dataDir: string;
  /** Set when the settings file was unreadable and has been moved aside at this start. */
  readonly quarantined: QuarantineReport | undefined;

  private userSettings: AppSettings;
  private policy: Policy | undefined;
  private policyProblem: PolicyProblem | undefined;
  private notices: readonly string[] = [];
  private cachedEffective: EffectiveSettings | undefined;
  private readonly listeners = new Set<SettingsListener>();
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(dataDir: string, settings: AppSettings, quarantined: QuarantineReport | undefined) {
    this.dataDir = dataDir;
    this.filePath = path.join(dataDir, SETTINGS_FILE_NAME);
    this.userSettings = settings;
    this.quarantined = quarantined;
  }

  /** Opens (creating the folder if need be) the settings in `dataDir`. */
  static async open(dataDir: string, options: SettingsStoreOptions = {}): Promise<SettingsStore> {
    await mkdir(dataDir, { recursive: true, mode: 0o700 });
    const filePath = path.join(dataDir, SETTINGS_FILE_NAME);
    const loaded = await loadSettingsFile(filePath, options.now ?? (() => new Date()));
    const store = new SettingsStore(dataDir, loaded.settings, loaded.quarantined);
    store.applyPolicyResult(options.policy);
    return store;
  }

  /** The person's own settings, before policy. A copy: change them through the methods. */
  get user(): AppSettings {
    return structuredClone(this.userSettings);
  }

  /** Settings with policy applied: what the rest of the app should use. */
  get effective(): EffectiveSettings {
    this.cachedEffective ??= effectiveSettings(this.userSettings, this.policy, this.policyProblem);
    return this.cachedEffective;
  }

  /** Sentences about the machine policy for Settings: values adjusted or ignored, or why it cannot be used. */
  get policyNotices(): readonly string[] {
    return this.notices;
  }

  /** Replaces the machine policy (for example after IT changes the file) and tells listeners. */
  setPolicy(result: PolicyLoadResult | undefined): void {
    this.applyPolicyResult(result);
    this.emit();
  }

  /** Calls `listener` after every change; returns the function that stops it. */
  onChange(listener: SettingsListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Adds a mailbox; refuses duplicates and anything policy forbids. */
  addMailbox(input: NewMailbox): Promise<EffectiveMailbox> {
    return this.mutate((settings, effective) => {
      const explicitPollInterval = input.pollIntervalMinutes !== undefined;
      const floor = effective.managed.pollInterval?.value ?? effective.managed.minimumPollIntervalMinutes?.value;
      const candidate: Partial<MailboxProfileInput> = { ...input, id: randomUUID() };
      candidate.pollIntervalMinutes ??= Math.max(floor ?? MIN_POLL_INTERVAL_MINUTES, MIN_POLL_INTERVAL_MINUTES);
      candidate.downloadFolder ??= effective.settings.defaultDownloadFolder;
      const parsed = mailboxProfileSchema.safeParse(candidate);
      if (!parsed.success) throw invalidArgument(firstIssueMessage(parsed.error), describeIssues(parsed.error));
      const problem = checkMailboxAdd(effective, parsed.data, explicitPollInterval);
      if (problem) throw problem;
      return { next: { ...settings, mailboxes: [...settings.mailboxes, parsed.data] }, result: parsed.data.id };
    }).then((id) => this.mailbox(id));
  }

  /** Changes some fields of a mailbox (including one IT set up, within what policy allows). */
  updateMailbox(id: string, patch: MailboxPatch): Promise<EffectiveMailbox> {
    return this.mutate((settings, effective) => {
      const current = effective.settings.mailboxes.find((mailbox) => mailbox.id === id);
      if (!current) throw mailboxNotFound();
      const stored = settings.mailboxes.find((profile) => profile.id === id);
      const base = stored ?? storedProfileOf(current);
      const parsed = mailboxProfileSchema.safeParse(applyPatch(base, { ...patch, id }));
      if (!parsed.success) throw invalidArgument(firstIssueMessage(parsed.error), describeIssues(parsed.error));
      const changed = Object.keys(patch) as Array<keyof MailboxProfile>;
      const problem = checkMailboxUpdate(effective, current, changed, parsed.data);
      if (problem) throw problem;
      const mailboxes = stored
        ? settings.mailboxes.map((profile) => (profile.id === id ? parsed.data : profile))
        : [...settings.mailboxes, parsed.data];
      return { next: { ...settings, mailboxes }, result: id };
    }).then((mailboxId) => this.mailbox(mailboxId));
  }

  /**
   * Removes a mailbox the person added. The caller also deletes its secrets
   * (SecretStore.deleteAllFor) and certificate (removeImportedCertificate).
   */
  removeMailbox(id: string): Promise<void> {
    return this.mutate((settings, effective) => {
      const current = effective.settings.mailboxes.find((mailbox) => mailbox.id === id);
      if (!current) throw mailboxNotFound();
      const problem = checkMailboxRemove(effective, current);
      if (problem) throw problem;
      const next: AppSettings = { ...settings, mailboxes: settings.mailboxes.filter((profile) => profile.id !== id) };
      if (next.activeMailboxId === id) delete next.activeMailboxId;
      return { next, result: undefined };
    });
  }

  /** Chooses which mailbox the window shows (undefined for none). */
  setActiveMailbox(id: string | undefined): Promise<void> {
    return this.mutate((settings, effective) => {
      if (id !== undefined && !effective.settings.mailboxes.some((mailbox) => mailbox.id === id)) {
        throw mailboxNotFound();
      }
      const next: AppSettings = { ...settings };
      if (id === undefined) delete next.activeMailboxId;
      else next.activeMailboxId = id;
      return { next, result: undefined };
    });
  }

  /** Sets how MESH Desktop reaches the internet. The proxy password belongs in the SecretStore. */
  setProxy(proxy: AppSettings['proxy']): Promise<void> {
    const parsed = proxySettingsSchema.safeParse(proxy);
    if (!parsed.success) {
      return Promise.reject(invalidArgument(firstIssueMessage(parsed.error), describeIssues(parsed.error)));
    }
    return this.setLockable('proxy', parsed.data);
  }

  /** Sets extra certificate authority files to trust for every mailbox. */
  setExtraCaFiles(files: string[]): Promise<void> {
    return this.setLockable('extraCaFiles', files);
  }

  /** Sets the folder new mailboxes save into (undefined for none). */
  setDefaultDownloadFolder(folder: string | undefined): Promise<void> {
    return this.setLockable('defaultDownloadFolder', folder);
  }

  /** Turns automatic updates on or off. */
  setUpdates(updates: AppSettings['updates']): Promise<void> {
    return this.setLockable('updates', updates);
  }

  /** Sets the upload chunk size in MiB (undefined for MESH Desktop's choice). */
  setChunkSizeMiB(chunkSizeMiB: number | undefined): Promise<void> {
    return this.setPlain({ chunkSizeMiB });
  }

  /** Sets how many files may move at once (1–8). */
  setMaxConcurrentTransfers(maxConcurrentTransfers: number): Promise<void> {
    return this.setPlain({ maxConcurrentTransfers });
  }

  /** Turns desktop notifications on or off. */
  setNotifications(notifications: boolean): Promise<void> {
    return this.setPlain({ notifications });
  }

  private mailbox(id: string): EffectiveMailbox {
    const mailbox = this.effective.settings.mailboxes.find((candidate) => candidate.id === id);
    if (!mailbox) throw mailboxNotFound();
    return mailbox;
  }

  private setLockable<K extends LockableTopLevelSetting>(key: K, value: AppSettings[K]): Promise<void> {
    return this.mutate((settings, effective) => {
      const problem = checkSettingChange(effective, key, value);
      if (problem) throw problem;
      // Saving the value policy already enforces changes nothing; don't store it as the person's own.
      if (effective.managed[key]) return { next: settings, result: undefined };
      return { next: applyPatch(settings, { [key]: value }), result: undefined };
    });
  }

  private setPlain(patch: Partial<AppSettings>): Promise<void> {
    return this.mutate((settings, effective) => {
      if (effective.policyProblem) throw effective.policyProblem.error;
      return { next: applyPatch(settings, patch), result: undefined };
    });
  }

  /**
   * Runs one change at a time: validate, write, then publish. If the write
   * fails, the settings in memory stay as they were.
   */
  private mutate<T>(change: (settings: AppSettings, effective: EffectiveSettings) => { next: AppSettings; result: T }): Promise<T> {
    const run = async (): Promise<T> => {
      const current = structuredClone(this.userSettings);
      const { next, result } = change(current, this.effective);
      if (next === current) return result;
      const parsed = appSettingsSchema.safeParse(next);
      if (!parsed.success) throw invalidArgument(firstIssueMessage(parsed.error), describeIssues(parsed.error));
      await this.write(parsed.data);
      this.userSettings = parsed.data;
      this.cachedEffective = undefined;
      this.emit();
      return result;
    };
    const pending = this.queue.then(run, run);
    this.queue = pending.catch(() => undefined);
    return pending;
  }

  private async write(settings: AppSettings): Promise<void> {
    try {
      await writeFileAtomic(this.filePath, `${JSON.stringify(settings, null, 2)}\n`);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new AppError({
        code: code === 'ENOSPC' ? 'disk-full' : 'disk-error',
        message:
          code === 'ENOSPC'
            ? 'Your settings could not be saved because the disk is full. Free some space and try again.'
            : 'Your settings could not be saved. Check you can save files in your user folder, then try again.',
        detail: `writing ${this.filePath}: ${String(error)}`,
        cause: error,
      });
    }
  }

  private applyPolicyResult(result: PolicyLoadResult | undefined): void {
    this.policy = result?.status === 'ok' ? result.policy : undefined;
    this.policyProblem = result?.status === 'broken' ? result.problem : undefined;
    this.notices = result?.notices ?? [];
    this.cachedEffective = undefined;
  }

  private emit(): void {
    const effective = this.effective;
    for (const listener of this.listeners) {
      try {
        listener(effective);
      } catch {
        // A listener's failure is its own; the change has already been saved.
      }
    }
  }
}

function mailboxNotFound(): AppError {
  return new AppError({
    code: 'invalid-argument',
    message: 'That mailbox is no longer set up in MESH Desktop. Close this window and choose the mailbox again.',
  });
}

/** The sentence shown when the settings file was set aside. */
export function quarantineMessage(quarantinedPath: string): string {
  return `Your settings file could not be read, so it was set aside at ${quarantinedPath} . MESH Desktop started with no mailboxes; your IT service desk can restore it.`;
}

/** Moves an unreadable settings file aside under a name that is not taken yet. */
async function quarantine(filePath: string, at: Date): Promise<string> {
  const folder = path.dirname(filePath);
  const stamp = quarantineTimestamp(at);
  for (let attempt = 0; ; attempt += 1) {
    const suffix = attempt === 0 ? '' : `-${attempt}`;
    const target = path.join(folder, `settings.corrupt-${stamp}${suffix}.json`);
    if (await exists(target)) continue;
    await rename(filePath, target);
    return target;
  }
}

/** Why a settings file's text is unusable, or its settings. */
export function parseSettingsText(text: string): { settings: AppSettings } | { reason: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    return { reason: `not valid JSON: ${(error as Error).message}` };
  }
  const parsed = appSettingsSchema.safeParse(raw);
  if (!parsed.success) return { reason: describeIssues(parsed.error) };
  return { settings: parsed.data };
}

async function loadSettingsFile(
  filePath: string,
  now: () => Date,
): Promise<{ settings: AppSettings; quarantined: QuarantineReport | undefined }> {
  let reason: string;
  try {
    const parsed = parseSettingsText(await readFile(filePath, 'utf8'));
    if ('settings' in parsed) return { settings: parsed.settings, quarantined: undefined };
    reason = parsed.reason;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return { settings: defaultSettings(), quarantined: undefined };
    }
    reason = `could not be read: ${String(error)}`;
  }
  let target: string;
  try {
    target = await quarantine(filePath, now());
  } catch (error) {
    // We could neither use nor move the file; carrying on would overwrite it later.
    throw new AppError({
      code: 'settings-corrupt',
      message: `Your settings file at ${filePath} could not be read or set aside, so MESH Desktop cannot start. Contact your IT service desk.`,
      detail: `${reason}; moving it aside failed: ${String(error)}`,
      cause: error,
    });
  }
  return { settings: defaultSettings(), quarantined: { path: target, reason, message: quarantineMessage(target) } };
}
