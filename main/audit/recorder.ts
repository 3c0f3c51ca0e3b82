/**
 * The small interface the places where things happen (the transfer engine,
 * folder mode, the services) record through. They say what happened and in
 * which mailbox profile; the recorder adds who (this process's account and
 * part of the app), looks up the mailbox's ID and environment, strips
 * anything secret-looking, and never lets a failure to record stop the work
 * (it is logged as an error instead).
 */
import { hostname, userInfo } from 'node:os';
import type { Logger } from '../log/logger';
import { redactText } from '../log/redact';
import type { AuditActor, AuditFacts, AuditMailbox, AuditVia } from './entry';
import { AuditTrail, auditFolder } from './trail';

/** What a caller knows about an action: the facts, and the mailbox profile it concerns. */
export type AuditEvent = AuditFacts & { profileId?: string };

/** Records actions in the audit trail. */
export interface AuditRecorder {
  /** Records one action; resolves once it is on disk (or its failure logged). Never rejects. */
  record(event: AuditEvent): Promise<void>;
  /** Resolves once every entry asked for so far is on disk (callers that record without waiting flush before exit). */
  flush(): Promise<void>;
}

/** A recorder that records nothing (tests and tools that act on no mailbox). */
export const noAudit: AuditRecorder = { record: async () => undefined, flush: async () => undefined };

/** The operating-system account running this process, as DOMAIN\name on Windows where the domain is known. */
export function currentAccount(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  let name: string | undefined;
  try {
    name = userInfo().username;
  } catch {
    name = env.USERNAME ?? env.USER ?? env.LOGNAME;
  }
  name ||= 'unknown';
  if (platform === 'win32' && env.USERDOMAIN && !name.includes('\\')) return `${env.USERDOMAIN}\\${name}`;
  return name;
}

/** Who is acting: this process's account on this computer, through `via`. */
export function currentActor(via: AuditVia): AuditActor {
  let host = 'unknown';
  try {
    host = hostname() || host;
  } catch {
    // Some sandboxes refuse; the account and time still say who.
  }
  return { account: currentAccount(), host, via, pid: process.pid };
}

function cleanStrings<T>(value: T): T {
  if (typeof value === 'string') return redactText(value) as T;
  if (Array.isArray(value)) return value.map(cleanStrings) as T;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) if (item !== undefined) out[key] = cleanStrings(item);
    return out as T;
  }
  return value;
}

export interface TrailRecorderOptions {
  trail: AuditTrail;
  via: AuditVia;
  log: Logger;
  /** The mailbox ID and environment of a profile, when the caller gave only the profile. */
  mailboxOf?(profileId: string): AuditMailbox | undefined;
}

/** A recorder that appends to `trail` as this process, in the part of the app `via` names. */
export function trailRecorder(options: TrailRecorderOptions): AuditRecorder {
  const actor = currentActor(options.via);
  const log = options.log.child('audit');
  const pending = new Set<Promise<void>>();
  const write = async (event: AuditEvent): Promise<void> => {
    const { profileId, ...facts } = event;
    try {
      let mailbox = facts.mailbox;
      if (!mailbox && profileId !== undefined) {
        try {
          mailbox = options.mailboxOf?.(profileId);
        } catch {
          mailbox = undefined;
        }
      }
      await options.trail.append(cleanStrings({ ...facts, ...(mailbox ? { mailbox } : {}) }), actor);
    } catch (error) {
      // The work itself went ahead; say loudly that its record did not.
      log.error('Could not write to the audit trail', { action: event.action, error: String(error), folder: options.trail.folder });
    }
  };
  return {
    record: (event) => {
      const written = write(event);
      pending.add(written);
      void written.finally(() => pending.delete(written));
      return written;
    },
    flush: async () => {
      await Promise.all([...pending]);
    },
  };
}

export interface OpenAuditOptions {
  /** The app's data folder: the trail lives in its `audit` folder unless `folder` says otherwise. */
  dataFolder: string;
  /** A folder IT chose (policy), e.g. on a share. */
  folder?: string;
  via: AuditVia;
  log: Logger;
  mailboxOf?(profileId: string): AuditMailbox | undefined;
  /** Policy's retention: whole files older than this many days are removed as the recorder opens (recorded in the trail). */
  retentionDays?: number;
}

/** The recorder the window, the command line and folder mode each write through. */
export function openAuditRecorder(options: OpenAuditOptions): AuditRecorder {
  const trail = new AuditTrail({ folder: options.folder ?? auditFolder(options.dataFolder) });
  if (options.retentionDays !== undefined) {
    const before = new Date(Date.now() - options.retentionDays * 24 * 60 * 60_000);
    // Queued in the trail ahead of any entry this recorder writes.
    trail
      .prune(before, currentActor(options.via))
      .catch((error: unknown) =>
        options.log
          .child('audit')
          .error('Could not apply the audit trail’s retention rule', { error: String(error), folder: trail.folder }),
      );
  }
  return trailRecorder({ trail, via: options.via, log: options.log, ...(options.mailboxOf ? { mailboxOf: options.mailboxOf } : {}) });
}
