/**
 * Non-delivery reports in the inbox. The engine records each REPORT against
 * the sent message it concerns (or as unmatched) and acknowledges it at once,
 * so MESH never lists it again; the window still shows it in the inbox, as a
 * bounced email is, until the person has read it and acknowledges it here.
 */
import { readJson, WriteQueue, writeJsonAtomic } from '../shared/durable-file';
import type { InboxItem } from '../contract/types';
import type { Logger } from '../log/logger';
import type { SentRecord, UnmatchedReport } from '../transfers';
import type { PartyDirectory } from './parties';

/** What a recorded report says, from whichever record holds it. */
export interface RecordedReport {
  reportMessageId: string;
  /** The undelivered message's id. */
  linkedMessageId?: string;
  subject?: string;
  workflowId?: string;
  localId?: string;
  code?: string;
  event?: string;
  description?: string;
  receivedAt?: string;
}

/** Every report the engine recorded for a mailbox: those matched to sent messages, then unmatched ones; each once. */
export function recordedReports(sent: readonly SentRecord[], unmatched: readonly UnmatchedReport[]): RecordedReport[] {
  const reports = new Map<string, RecordedReport>();
  for (const record of sent) {
    const report = record.nonDelivery;
    if (!report?.reportMessageId || reports.has(report.reportMessageId)) continue;
    reports.set(report.reportMessageId, {
      reportMessageId: report.reportMessageId,
      ...(record.messageId ? { linkedMessageId: record.messageId } : {}),
      ...(record.subject ? { subject: record.subject } : {}),
      workflowId: record.workflowId,
      localId: record.localId,
      ...(report.code !== undefined ? { code: report.code } : {}),
      ...(report.event !== undefined ? { event: report.event } : {}),
      ...(report.description !== undefined ? { description: report.description } : {}),
      ...(report.at !== undefined ? { receivedAt: report.at } : {}),
    });
  }
  for (const report of unmatched) {
    if (reports.has(report.reportMessageId)) continue;
    reports.set(report.reportMessageId, { ...report });
  }
  return [...reports.values()];
}

/** One recorded report as the inbox shows it: a REPORT from MESH, with the headers it came with. */
export function reportInboxItem(report: RecordedReport, parties: PartyDirectory): InboxItem {
  const headers: Record<string, string> = { 'mex-messageid': report.reportMessageId, 'mex-messagetype': 'REPORT' };
  const headerValues: [string, string | undefined][] = [
    ['mex-workflowid', report.workflowId],
    ['mex-subject', report.subject],
    ['mex-localid', report.localId],
    ['mex-linkedmsgid', report.linkedMessageId],
    ['mex-statuscode', report.code],
    ['mex-statusevent', report.event],
    ['mex-statusdescription', report.description],
    ['mex-statustimestamp', report.receivedAt],
  ];
  for (const [name, value] of headerValues) if (value) headers[name] = value;
  return {
    messageId: report.reportMessageId,
    type: 'REPORT',
    // Reports come from MESH itself, not from a mailbox.
    from: parties.describe(undefined),
    ...(report.subject ? { subject: report.subject } : {}),
    ...(report.workflowId ? { workflowId: report.workflowId } : {}),
    ...(report.receivedAt ? { receivedAt: report.receivedAt } : {}),
    expiringSoon: false,
    chunks: 1,
    ...(report.localId ? { localId: report.localId } : {}),
    report: {
      ...(report.linkedMessageId ? { linkedMessageId: report.linkedMessageId } : {}),
      ...(report.code ? { code: report.code } : {}),
      ...(report.event ? { event: report.event } : {}),
      ...(report.description ? { description: report.description } : {}),
    },
    headers,
    acknowledged: false,
  };
}

/** The reports the person has acknowledged in the window, per mailbox, in one small JSON file. */
export class AcknowledgedReports {
  private loaded: Promise<Map<string, Set<string>>> | undefined;
  private readonly writes = new WriteQueue();

  constructor(
    private readonly file: string,
    private readonly log: Logger,
  ) {}

  /** The acknowledged report ids of a mailbox. */
  async of(profileId: string): Promise<ReadonlySet<string>> {
    return (await this.load()).get(profileId) ?? new Set();
  }

  /** Remembers that the person acknowledged these reports. */
  async add(profileId: string, reportIds: readonly string[]): Promise<void> {
    if (reportIds.length === 0) return;
    const all = await this.load();
    const ids = all.get(profileId) ?? new Set<string>();
    reportIds.forEach((id) => ids.add(id));
    all.set(profileId, ids);
    await this.save(all);
  }

  /** Forgets a mailbox that was removed. */
  async forget(profileId: string): Promise<void> {
    const all = await this.load();
    if (all.delete(profileId)) await this.save(all);
  }

  private save(all: Map<string, Set<string>>): Promise<void> {
    const snapshot = Object.fromEntries([...all].map(([profileId, ids]) => [profileId, [...ids]]));
    return this.writes.run(this.file, () => writeJsonAtomic(this.file, snapshot));
  }

  private load(): Promise<Map<string, Set<string>>> {
    this.loaded ??= readJson(this.file).then(
      (value) => parseAcknowledged(value),
      (error: unknown) => {
        // Losing this list only brings old reports back into view; it must not stop the inbox opening.
        this.log.warn('Could not read the acknowledged reports; showing them all again', { error: String(error) });
        return new Map<string, Set<string>>();
      },
    );
    return this.loaded;
  }
}

/** The file's content as profile → report ids; anything malformed is left out. */
export function parseAcknowledged(value: unknown): Map<string, Set<string>> {
  const result = new Map<string, Set<string>>();
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return result;
  for (const [profileId, ids] of Object.entries(value)) {
    if (!Array.isArray(ids)) continue;
    result.set(profileId, new Set(ids.filter((id): id is string => typeof id === 'string')));
  }
  return result;
}
