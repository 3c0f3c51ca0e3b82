/**
 * Folder mode: a drop-in replacement for the NHS Java MESH Client's mailbox
 * folders. Per mailbox folder (the Java client's InterfaceRoot):
 *   OUT     files to send: `x.dat` + `x.ctl` pairs, or plain files (sent with
 *           the mailbox's defaults when it has them)
 *   SENT    sent pairs, the control file completed (DTSId, StatusRecord…)
 *   FAILED  pairs that could not be sent, the reason in the StatusRecord
 *   IN      received messages as `<id>.dat` + `<id>.ctl`; reports as a `.ctl` alone
 *   TEMP    our work area (TEMP/mesh-desktop), on the same disk so moves are renames
 *
 * Crash safety. A pair is claimed by first writing a claim record and then
 * renaming its files out of OUT into the work area; every later step (send
 * through the transfer queue, placing in SENT or FAILED) is recorded in the
 * claim before it happens and can be repeated. On start, unfinished claims
 * are carried forward before OUT is looked at, so after kill -9 nothing is
 * sent twice (the queue's journal holds the send, found again by its file
 * path), nothing is lost and nothing stays in OUT.
 *
 * Receiving. Mailbox activity polls and the queue downloads into TEMP (acknowledge 'manual');
 * each finished download gets its control file written in TEMP, the `.dat`
 * renamed into IN and then the `.ctl`, and only then is it acknowledged.
 */
import { randomUUID } from 'node:crypto';
import { watch, type FSWatcher } from 'node:fs';
import { mkdir, readFile, readdir, rm, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { DEFAULT_CHUNK_SIZE } from '../mesh/chunks';
import type { AuditRecorder } from '../audit/recorder';
import type { Logger } from '../log/logger';
import { toAppError } from '../shared/errors';
import type { MailboxActivity, MailboxTransferSettings, TransferEngine, TransferProgress } from '../transfers';
import { exists, moveFile, readJson, writeFileAtomic, writeJsonAtomic } from '../shared/durable-file';
import { SIDECAR_SUFFIX, safeFileName } from '../transfers/safe-file-name';
import {
  MAX_CONTROL_FILE_BYTES,
  completeSentControl,
  decodeControlBytes,
  failedControl,
  inboundControl,
  outboundControlFor,
  parseControlFile,
  problemForSendFailure,
  readOutboundControl,
  reportControl,
  serialiseControlFile,
  type ControlFile,
  type ControlProblem,
  type OutboundControl,
} from './control-file';
import { DEFAULT_SETTLE_RULE, classifyOutFiles, isSettled, observe, placementNames, type SettleRule, type Tracked } from './out-scan';

/** One mailbox in folder mode. */
export interface FolderMailbox {
  profileId: string;
  mailboxId: string;
  /** The mailbox's own folder (InterfaceRoot), holding IN, OUT, SENT, FAILED and TEMP. */
  folder: string;
  /** Where files dropped without a control file go; without it they wait and are reported. */
  plainFileDefaults?: { to: string; workflowId: string; subject?: string };
  pollIntervalMinutes?: number;
}

/** Something folder mode did or noticed, for the window and the log. */
export interface FolderActivity {
  at: string;
  profileId: string;
  kind: 'claimed' | 'sent' | 'failed' | 'received' | 'report' | 'problem';
  /** The file's name as it was in OUT, or the message id for IN. */
  name: string;
  detail: string;
  messageId?: string;
}

/** How one mailbox is doing. */
export interface FolderMailboxStatus {
  profileId: string;
  mailboxId: string;
  folder: string;
  lastPollAt?: string;
  /** Files in OUT not yet taken. */
  waitingInOut: number;
  /** Messages claimed and being sent. */
  sending: number;
  sentSinceStart: number;
  failedSinceStart: number;
  receivedSinceStart: number;
  /** Current problems a person should look at (files that cannot be sent as they are). */
  problems: string[];
}

export interface FolderModeOptions {
  /** Sends and receipts. */
  queue: TransferEngine;
  /** Inbox checks, the inbox cache, acknowledgement and the sent history. */
  mailboxActivity: MailboxActivity;
  /** The mailboxes in folder mode now (read at every pass, so settings changes apply). */
  mailboxes(): FolderMailbox[];
  log: Logger;
  clock?: () => Date;
  /** Time between passes over OUT and the work area (default 5 s); fs.watch also wakes a pass. */
  scanIntervalMs?: number;
  settleRule?: SettleRule;
  /** How long a lone `.dat` or `.ctl` waits for its partner before it counts as a problem (default 60 s). */
  partnerWaitMs?: number;
  /** The queue's chunk size: a file bigger than this needs AllowChunking=Y (default 75 MiB). */
  chunkSize?: number;
  /** Check inboxes on NHS's schedule through mailbox activity (default true). */
  poll?: boolean;
  /** Use fs.watch as well as the periodic pass (default true). */
  watch?: boolean;
  /** Records each received message filed into IN (the transfer events record sends, receipts and acknowledgements). */
  audit?: AuditRecorder;
}

/** The transfer settings a folder-mode mailbox receives with: into TEMP, acknowledged by folder mode once in IN. */
export function folderModeTransferSettings(mailbox: FolderMailbox): MailboxTransferSettings {
  return {
    downloadFolder: receivingFolder(mailbox),
    acknowledge: 'manual',
    autoDownload: true,
    ...(mailbox.pollIntervalMinutes !== undefined ? { pollIntervalMinutes: mailbox.pollIntervalMinutes } : {}),
  };
}

/** The standard subfolders of a mailbox folder. */
export function mailboxFolders(mailbox: Pick<FolderMailbox, 'folder'>) {
  return {
    in: path.join(mailbox.folder, 'IN'),
    out: path.join(mailbox.folder, 'OUT'),
    sent: path.join(mailbox.folder, 'SENT'),
    failed: path.join(mailbox.folder, 'FAILED'),
    temp: path.join(mailbox.folder, 'TEMP'),
  };
}

function workFolder(mailbox: FolderMailbox): string {
  return path.join(mailbox.folder, 'TEMP', 'mesh-desktop');
}
function sendingFolder(mailbox: FolderMailbox): string {
  return path.join(workFolder(mailbox), 'sending');
}
function receivingFolder(mailbox: FolderMailbox): string {
  return path.join(workFolder(mailbox), 'receiving');
}

/** A pair (or plain file) taken from OUT, as recorded in the work area. */
interface Claim {
  claimId: string;
  profileId: string;
  /** Names as they were in OUT. */
  dataName: string;
  controlName?: string;
  phase: 'claiming' | 'claimed' | 'sending' | 'placing';
  claimedAt: string;
  transferId?: string;
  compress?: boolean;
  /** Set from 'placing' on: the moves to make and the control file to write last. */
  plan?: PlacementPlan;
}

interface PlacementPlan {
  outcome: 'sent' | 'failed';
  moves: Array<{ from: string; to: string }>;
  control: { to: string; text: string };
  detail: string;
  messageId?: string;
}

interface FolderState {
  /** Report message ids already written to IN. */
  writtenReports: string[];
}

const MAX_ACTIVITY = 500;
const MAX_REMEMBERED_REPORTS = 10_000;

/** Writes a file other programs read (control files in IN and SENT) durably, readable as the umask allows. */
function writeTextAtomic(file: string, text: string): Promise<void> {
  return writeFileAtomic(file, text, 0o666);
}

/** Runs every folder-mode mailbox: sends from OUT, receives to IN, and survives crashes. */
export class FolderMode {
  private readonly clock: () => Date;
  private readonly log: Logger;
  private readonly tracked = new Map<string, Tracked>();
  private readonly activityLog: FolderActivity[] = [];
  private readonly problems = new Map<string, string[]>();
  private readonly counters = new Map<string, { sent: number; failed: number; received: number; lastPollAt?: string }>();
  private readonly claims = new Map<string, Claim>();
  private readonly watchers: FSWatcher[] = [];
  private timer: NodeJS.Timeout | undefined;
  private pass: Promise<void> | undefined;
  private passAgain = false;
  private stopped = false;
  private unsubscribe: (() => void) | undefined;

  constructor(private readonly options: FolderModeOptions) {
    this.clock = options.clock ?? (() => new Date());
    this.log = options.log.child('folders');
  }

  /** Creates the folders, carries unfinished claims forward, then starts watching, scanning and polling. */
  async start(): Promise<void> {
    for (const mailbox of this.options.mailboxes()) {
      await this.prepare(mailbox);
      await this.recoverClaims(mailbox);
    }
    this.unsubscribe = this.options.queue.onProgress((progress) => this.onProgress(progress));
    await this.runPass();
    if (this.options.watch !== false) {
      for (const mailbox of this.options.mailboxes()) {
        try {
          const watcher = watch(mailboxFolders(mailbox).out, () => this.wake());
          watcher.on('error', () => undefined);
          this.watchers.push(watcher);
        } catch (error) {
          this.log.warn('Could not watch the OUT folder; checking it every few seconds instead', {
            folder: mailbox.folder,
            error: String(error),
          });
        }
      }
    }
    if (this.options.poll !== false)
      for (const mailbox of this.options.mailboxes()) this.options.mailboxActivity.startPolling(mailbox.profileId);
    this.schedule();
  }

  /** Stops watching and scanning and waits for the pass in progress (the queue and mailbox activity are the caller's to shut down). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    for (const watcher of this.watchers.splice(0)) watcher.close();
    this.unsubscribe?.();
    for (const mailbox of this.options.mailboxes()) this.options.mailboxActivity.stopPolling(mailbox.profileId);
    await this.pass;
  }

  /** One pass over every mailbox now: OUT, claims in progress, received messages and reports. */
  scanNow(): Promise<void> {
    return this.runPass();
  }

  /** Checks one mailbox's inbox now (the caller respects MESH's polling floor), then places what arrived. */
  async receiveNow(profileId: string): Promise<void> {
    await this.options.mailboxActivity.pollInbox(profileId);
    this.noteInboxChecked(profileId);
    await this.downloadsSettled(profileId);
    await this.runPass();
  }

  /** For mailbox activity's inboxChanged event: an inbox check finished. */
  noteInboxChecked(profileId: string): void {
    this.counter(profileId).lastPollAt = this.clock().toISOString();
    this.wake();
  }

  /** Recent activity of one mailbox, newest first. */
  activity(profileId: string): FolderActivity[] {
    return this.activityLog.filter((entry) => entry.profileId === profileId).reverse();
  }

  /** How each folder-mode mailbox is doing. */
  async status(): Promise<FolderMailboxStatus[]> {
    const result: FolderMailboxStatus[] = [];
    for (const mailbox of this.options.mailboxes()) {
      const counter = this.counter(mailbox.profileId);
      let waiting = 0;
      try {
        waiting = classifyOutFiles(await readdir(mailboxFolders(mailbox).out)).length;
      } catch {
        // Reported as a problem by the pass.
      }
      result.push({
        profileId: mailbox.profileId,
        mailboxId: mailbox.mailboxId,
        folder: mailbox.folder,
        ...(counter.lastPollAt ? { lastPollAt: counter.lastPollAt } : {}),
        waitingInOut: waiting,
        sending: [...this.claims.values()].filter((claim) => claim.profileId === mailbox.profileId).length,
        sentSinceStart: counter.sent,
        failedSinceStart: counter.failed,
        receivedSinceStart: counter.received,
        problems: this.problems.get(mailbox.profileId) ?? [],
      });
    }
    return result;
  }

  /** Resolves once no claim is in progress (tests and shutdown). */
  async idle(): Promise<void> {
    while (this.claims.size > 0 && !this.stopped) {
      await this.runPass();
      if (this.claims.size > 0) await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  // ————— scheduling —————

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      void this.runPass().finally(() => this.schedule());
    }, this.options.scanIntervalMs ?? 5000);
    this.timer.unref();
  }

  private wake(): void {
    if (this.stopped) return;
    void this.runPass();
  }

  private onProgress(progress: TransferProgress): void {
    if (progress.state === 'done' || progress.state === 'failed' || progress.state === 'cancelled') this.wake();
  }

  /** One pass at a time; a pass asked for during one runs once more after it. */
  private runPass(): Promise<void> {
    if (this.pass) {
      this.passAgain = true;
      return this.pass;
    }
    this.pass = (async () => {
      do {
        this.passAgain = false;
        for (const mailbox of this.options.mailboxes()) {
          if (this.stopped) break;
          await this.step('claims', mailbox, () => this.advanceClaims(mailbox));
          await this.step('OUT', mailbox, () => this.scanOut(mailbox));
          await this.step('IN', mailbox, () => this.placeReceived(mailbox));
          await this.step('reports', mailbox, () => this.placeReports(mailbox));
        }
      } while (this.passAgain && !this.stopped);
    })().finally(() => {
      this.pass = undefined;
    });
    return this.pass;
  }

  private async step(what: string, mailbox: FolderMailbox, work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (error) {
      this.log.warn(`Folder mode: ${what} step failed; will try again`, {
        mailboxId: mailbox.mailboxId,
        error: toAppError(error).message,
        detail: String(error),
      });
    }
  }

  // ————— sending —————

  private async prepare(mailbox: FolderMailbox): Promise<void> {
    const folders = mailboxFolders(mailbox);
    for (const folder of [
      folders.in,
      folders.out,
      folders.sent,
      folders.failed,
      folders.temp,
      sendingFolder(mailbox),
      receivingFolder(mailbox),
    ]) {
      await mkdir(folder, { recursive: true });
    }
  }

  private claimFile(mailbox: FolderMailbox, claimId: string, suffix: string): string {
    return path.join(sendingFolder(mailbox), `${claimId}${suffix}`);
  }

  private async saveClaim(mailbox: FolderMailbox, claim: Claim): Promise<void> {
    await writeJsonAtomic(this.claimFile(mailbox, claim.claimId, '.json'), claim);
    this.claims.set(claim.claimId, claim);
  }

  /** Loads every claim left in the work area and finishes moving files out of OUT. */
  private async recoverClaims(mailbox: FolderMailbox): Promise<void> {
    for (const name of await readdir(sendingFolder(mailbox))) {
      if (!name.endsWith('.json') || name.startsWith('.')) continue;
      const claim = (await readJson(path.join(sendingFolder(mailbox), name))) as Claim | undefined;
      if (!claim) continue;
      this.claims.set(claim.claimId, claim);
      if (claim.phase === 'claiming') await this.finishClaiming(mailbox, claim);
      this.log.info('Carrying on with a file taken from OUT before a restart', {
        claimId: claim.claimId,
        file: claim.dataName,
        phase: claim.phase,
      });
    }
  }

  /** Moves whatever of the claim is still in OUT into the work area; then the claim is 'claimed'. */
  private async finishClaiming(mailbox: FolderMailbox, claim: Claim): Promise<void> {
    const out = mailboxFolders(mailbox).out;
    const moves: Array<[string, string]> = [[claim.dataName, '.dat']];
    if (claim.controlName) moves.push([claim.controlName, '.ctl']);
    for (const [name, suffix] of moves) {
      const from = path.join(out, name);
      const to = this.claimFile(mailbox, claim.claimId, suffix);
      if (await exists(from)) await moveFile(from, to);
    }
    if (!(await exists(this.claimFile(mailbox, claim.claimId, '.dat')))) {
      // The data file vanished before it was taken (someone removed it): give back what we took.
      if (claim.controlName && (await exists(this.claimFile(mailbox, claim.claimId, '.ctl')))) {
        await moveFile(this.claimFile(mailbox, claim.claimId, '.ctl'), path.join(out, claim.controlName));
      }
      await this.forgetClaim(mailbox, claim);
      return;
    }
    claim.phase = 'claimed';
    await this.saveClaim(mailbox, claim);
  }

  private async forgetClaim(mailbox: FolderMailbox, claim: Claim): Promise<void> {
    await rm(this.claimFile(mailbox, claim.claimId, '.json'), { force: true });
    this.claims.delete(claim.claimId);
  }

  /** Looks at OUT: takes every settled pair (and plain file with defaults); notes what waits. */
  private async scanOut(mailbox: FolderMailbox): Promise<void> {
    const out = mailboxFolders(mailbox).out;
    const names = await readdir(out);
    const now = this.clock().getTime();
    const problems: string[] = [];
    const seen = new Set<string>();
    const settled = async (name: string): Promise<Tracked | undefined> => {
      const key = path.join(out, name);
      seen.add(key);
      let info;
      try {
        info = await stat(key);
      } catch {
        return undefined;
      }
      if (!info.isFile()) return undefined;
      const tracked = observe(this.tracked.get(key), { size: info.size, mtimeMs: info.mtimeMs, seenAtMs: now });
      this.tracked.set(key, tracked);
      return isSettled(tracked, this.options.settleRule ?? DEFAULT_SETTLE_RULE) ? tracked : undefined;
    };
    const partnerWait = this.options.partnerWaitMs ?? 60_000;
    for (const item of classifyOutFiles(names)) {
      if (this.stopped) return;
      if (item.kind === 'pair') {
        const data = await settled(item.data);
        const control = await settled(item.control);
        if (data && control) await this.claimAndSend(mailbox, item.data, item.control);
      } else if (item.kind === 'plain' || item.kind === 'data-only') {
        const name = item.kind === 'plain' ? item.file : item.data;
        const tracked = await settled(name);
        if (!tracked) continue;
        // A lone .dat may be waiting for its .ctl (people are told to copy the .dat first).
        const waitedEnough = item.kind === 'plain' || tracked.latest.seenAtMs - tracked.since.seenAtMs >= partnerWait;
        if (!waitedEnough) continue;
        if (mailbox.plainFileDefaults) await this.claimAndSend(mailbox, name, undefined);
        else
          problems.push(
            item.kind === 'plain'
              ? `${name} has no control file and this mailbox has no default recipient and workflow for such files, so it was not sent. Add ${name.replace(/\.[^.]*$/, '')}.ctl, or set defaults for plain files.`
              : `${name} is waiting for its control file ${item.base}.ctl.`,
          );
      } else {
        const tracked = await settled(item.control);
        if (tracked && tracked.latest.seenAtMs - tracked.since.seenAtMs >= partnerWait) await this.failLoneControl(mailbox, item.control);
      }
    }
    for (const key of this.tracked.keys()) if (key.startsWith(out + path.sep) && !seen.has(key)) this.tracked.delete(key);
    const previous = this.problems.get(mailbox.profileId) ?? [];
    for (const problem of problems) if (!previous.includes(problem)) this.record(mailbox, 'problem', problem.split(' ')[0] ?? '', problem);
    this.problems.set(mailbox.profileId, problems);
  }

  /** Takes a settled pair (or plain file) out of OUT and sends it. */
  private async claimAndSend(mailbox: FolderMailbox, dataName: string, controlName: string | undefined): Promise<void> {
    const claim: Claim = {
      claimId: randomUUID(),
      profileId: mailbox.profileId,
      dataName,
      ...(controlName ? { controlName } : {}),
      phase: 'claiming',
      claimedAt: this.clock().toISOString(),
    };
    await this.saveClaim(mailbox, claim);
    try {
      await this.finishClaiming(mailbox, claim);
    } catch (error) {
      // Typically a file still open in another program (Windows refuses to rename it): try at the next pass.
      this.log.info('Could not take a file from OUT yet; will try again', { file: dataName, error: String(error) });
      await this.undoClaim(mailbox, claim).catch((undo: unknown) =>
        this.log.warn('Could not put a file back in OUT', { file: dataName, error: String(undo) }),
      );
      return;
    }
    if (!this.claims.has(claim.claimId)) return;
    this.tracked.delete(path.join(mailboxFolders(mailbox).out, dataName));
    if (controlName) this.tracked.delete(path.join(mailboxFolders(mailbox).out, controlName));
    this.record(mailbox, 'claimed', dataName, 'Taken from OUT to send.');
    await this.advanceClaim(mailbox, claim);
  }

  private async undoClaim(mailbox: FolderMailbox, claim: Claim): Promise<void> {
    const out = mailboxFolders(mailbox).out;
    const back: Array<[string, string | undefined]> = [
      ['.dat', claim.dataName],
      ['.ctl', claim.controlName],
    ];
    for (const [suffix, name] of back) {
      const taken = this.claimFile(mailbox, claim.claimId, suffix);
      if (name && (await exists(taken))) await moveFile(taken, path.join(out, name));
    }
    await this.forgetClaim(mailbox, claim);
  }

  private async advanceClaims(mailbox: FolderMailbox): Promise<void> {
    for (const claim of [...this.claims.values()]) {
      if (claim.profileId !== mailbox.profileId || this.stopped) continue;
      await this.advanceClaim(mailbox, claim);
    }
  }

  /** Moves a claim on as far as it can go now. */
  private async advanceClaim(mailbox: FolderMailbox, claim: Claim): Promise<void> {
    if (claim.phase === 'claiming') await this.finishClaiming(mailbox, claim);
    if (!this.claims.has(claim.claimId)) return;
    if (claim.phase === 'claimed') await this.startSend(mailbox, claim);
    if (claim.phase === 'sending') await this.checkSend(mailbox, claim);
    if (claim.phase === 'placing') await this.place(mailbox, claim);
  }

  /** Reads the control file and queues the send, or plans the move to FAILED. */
  private async startSend(mailbox: FolderMailbox, claim: Claim): Promise<void> {
    const dataPath = this.claimFile(mailbox, claim.claimId, '.dat');
    // A send queued before a crash is found again by its file path rather than queued twice.
    const { queue, mailboxActivity } = this.options;
    const known = (await mailboxActivity.sends(mailbox.profileId)).find(
      (record) => path.resolve(record.filePath) === path.resolve(dataPath),
    );
    if (known) {
      claim.transferId = known.transferId;
      claim.phase = 'sending';
      await this.saveClaim(mailbox, claim);
      return;
    }
    const read = await this.readClaimControl(mailbox, claim);
    if ('problem' in read) {
      await this.planPlacement(mailbox, claim, 'failed', read.control, read.problem);
      return;
    }
    const { request } = read;
    const size = (await stat(dataPath)).size;
    const chunkSize = this.options.chunkSize ?? DEFAULT_CHUNK_SIZE;
    if (!request.allowChunking && size > chunkSize) {
      await this.planPlacement(mailbox, claim, 'failed', read.control, {
        reason: `The file is ${Math.ceil(size / 1024 / 1024)} MB, too big to send in one piece. Set AllowChunking to Y in the control file (if the recipient accepts chunked files) and put it back in OUT.`,
        event: 'TRANSFER',
        code: '06',
      });
      return;
    }
    if (size === 0) {
      await this.planPlacement(mailbox, claim, 'failed', read.control, {
        reason: 'The data file is empty; MESH does not accept empty files.',
        event: 'COLLECT',
        code: '02',
      });
      return;
    }
    try {
      const progress = await queue.enqueueUpload({
        profileId: mailbox.profileId,
        filePath: dataPath,
        to: request.to,
        workflowId: request.workflowId,
        fileName: claim.dataName,
        compress: request.compress,
        // The Java client writes the file's DataChecksum into the control file it moves to SENT; systems reading
        // SENT expect it, so folder mode always works one out.
        checksum: true,
        ...(request.subject ? { subject: request.subject } : {}),
        ...(request.localId ? { localId: request.localId } : {}),
      });
      claim.transferId = progress.id;
      claim.compress = request.compress;
      claim.phase = 'sending';
      await this.saveClaim(mailbox, claim);
    } catch (error) {
      const appError = toAppError(error);
      if (appError.code === 'cancelled') return; // shutting down: the claim carries on at the next start
      await this.planPlacement(mailbox, claim, 'failed', read.control, problemForSendFailure(appError.toShape()));
    }
  }

  /** The claim's control file, checked; or for a plain file, one made from the mailbox's defaults. */
  private async readClaimControl(
    mailbox: FolderMailbox,
    claim: Claim,
  ): Promise<{ request: OutboundControl; control: ControlFile } | { problem: ControlProblem; control?: ControlFile }> {
    if (!claim.controlName) {
      const defaults = mailbox.plainFileDefaults;
      if (!defaults)
        return { problem: { reason: 'There is no control file and no default recipient for plain files.', event: 'COLLECT', code: '01' } };
      const request: OutboundControl = {
        to: defaults.to.toUpperCase(),
        from: mailbox.mailboxId.toUpperCase(),
        workflowId: defaults.workflowId,
        ...(defaults.subject ? { subject: defaults.subject } : {}),
        compress: false,
        allowChunking: true,
        encrypted: false,
      };
      return { request, control: outboundControlFor(request) };
    }
    const controlPath = this.claimFile(mailbox, claim.claimId, '.ctl');
    const info = await stat(controlPath);
    if (info.size > MAX_CONTROL_FILE_BYTES) {
      return {
        problem: {
          reason: `The control file is ${info.size} bytes; control files are small XML files, so this is not one.`,
          event: 'COLLECT',
          code: '01',
        },
      };
    }
    const parsed = parseControlFile(decodeControlBytes(await readFile(controlPath)));
    if (!parsed.ok) return { problem: { reason: parsed.reason, event: 'COLLECT', code: '01' } };
    const checked = readOutboundControl(parsed.control, mailbox.mailboxId);
    if (!checked.ok) return { problem: checked.problem, control: parsed.control };
    return { request: checked.request, control: parsed.control };
  }

  /** Once the queue has finished: plan SENT with the completed control file, or FAILED with the reason. */
  private async checkSend(mailbox: FolderMailbox, claim: Claim): Promise<void> {
    const { queue, mailboxActivity } = this.options;
    const progress = claim.transferId ? queue.get(claim.transferId) : undefined;
    const history = await mailboxActivity.sentHistory(mailbox.profileId);
    const sent = history.find((record) => record.transferId === claim.transferId);
    if (progress && progress.state !== 'done' && progress.state !== 'failed' && progress.state !== 'cancelled') return;
    const read = await this.readClaimControl(mailbox, claim);
    const control = read.control;
    if ((progress?.state === 'done' || (!progress && sent?.sentAt)) && control) {
      const completed = completeSentControl(control, {
        messageId: sent?.messageId ?? progress?.messageId ?? '',
        ...(sent?.checksum ? { checksum: sent.checksum } : {}),
        compressed: claim.compress ?? false,
        sentAt: sent?.sentAt ? new Date(sent.sentAt) : this.clock(),
        ...(sent?.messageIdUnknown ? { description: 'Transferred to MESH; MESH did not say the message id' } : {}),
      });
      await this.planPlacement(mailbox, claim, 'sent', completed);
      return;
    }
    const error = progress?.error ?? { code: 'internal' as const, message: progress?.note ?? 'The send did not finish.' };
    await this.planPlacement(mailbox, claim, 'failed', control, problemForSendFailure(error));
  }

  /** Decides the names in SENT or FAILED and records the plan before anything moves. */
  private async planPlacement(
    mailbox: FolderMailbox,
    claim: Claim,
    outcome: 'sent' | 'failed',
    control: ControlFile | undefined,
    problem?: ControlProblem,
  ): Promise<void> {
    const folders = mailboxFolders(mailbox);
    const target = outcome === 'sent' ? folders.sent : folders.failed;
    const present = new Set((await readdir(target)).map((name) => name.toLowerCase()));
    const names = placementNames({ data: claim.dataName, ...(claim.controlName ? { control: claim.controlName } : {}) }, (name) =>
      present.has(name.toLowerCase()),
    );
    const finalControl = outcome === 'sent' ? (control as ControlFile) : failedControl(control, problem!, this.clock());
    const moves = [{ from: this.claimFile(mailbox, claim.claimId, '.dat'), to: path.join(target, names.data) }];
    if (outcome === 'failed' && claim.controlName && !control) {
      // The person's control file could not be read: keep it as written, beside the one saying why.
      moves.push({ from: this.claimFile(mailbox, claim.claimId, '.ctl'), to: path.join(target, `${names.control}.original`) });
    }
    const messageId = outcome === 'sent' ? finalControl.elements.find((e) => e.name === 'DTSId' && 'text' in e) : undefined;
    claim.plan = {
      outcome,
      moves,
      control: { to: path.join(target, names.control), text: serialiseControlFile(finalControl) },
      detail: outcome === 'sent' ? 'Sent.' : (problem?.reason ?? 'Not sent.'),
      ...(messageId && 'text' in messageId && messageId.text ? { messageId: messageId.text } : {}),
    };
    claim.phase = 'placing';
    await this.saveClaim(mailbox, claim);
  }

  /** Carries out (or finishes) a placement plan: data first, the control file last, then forgets the claim. */
  private async place(mailbox: FolderMailbox, claim: Claim): Promise<void> {
    const plan = claim.plan!;
    for (const move of plan.moves) if (await exists(move.from)) await moveFile(move.from, move.to);
    await writeTextAtomic(plan.control.to, plan.control.text);
    await rm(this.claimFile(mailbox, claim.claimId, '.ctl'), { force: true });
    await this.forgetClaim(mailbox, claim);
    const counter = this.counter(mailbox.profileId);
    if (plan.outcome === 'sent') counter.sent++;
    else counter.failed++;
    this.record(mailbox, plan.outcome, claim.dataName, plan.detail, plan.messageId);
    const log = plan.outcome === 'sent' ? this.log.info.bind(this.log) : this.log.warn.bind(this.log);
    log(plan.outcome === 'sent' ? 'Folder mode sent a file' : 'Folder mode could not send a file', {
      mailboxId: mailbox.mailboxId,
      file: claim.dataName,
      messageId: plan.messageId,
      detail: plan.detail,
    });
  }

  /** A control file whose data file never came goes to FAILED (the Java client's COLLECT 02). */
  private async failLoneControl(mailbox: FolderMailbox, controlName: string): Promise<void> {
    const out = mailboxFolders(mailbox).out;
    const failed = mailboxFolders(mailbox).failed;
    const text = await readFile(path.join(out, controlName)).then(decodeControlBytes);
    const parsed = parseControlFile(text);
    const present = new Set((await readdir(failed)).map((name) => name.toLowerCase()));
    const names = placementNames({ data: controlName.replace(/\.ctl$/i, '.dat'), control: controlName }, (name) =>
      present.has(name.toLowerCase()),
    );
    const problem = {
      reason: `The data file ${controlName.replace(/\.ctl$/i, '.dat')} never arrived in OUT.`,
      event: 'COLLECT',
      code: '02',
    };
    await writeTextAtomic(
      path.join(failed, names.control),
      serialiseControlFile(failedControl(parsed.ok ? parsed.control : undefined, problem, this.clock())),
    );
    await unlink(path.join(out, controlName));
    this.counter(mailbox.profileId).failed++;
    this.record(mailbox, 'failed', controlName, problem.reason);
  }

  // ————— receiving —————

  /** Places every downloaded, unacknowledged message in IN (data, then control file), then acknowledges it. */
  private async placeReceived(mailbox: FolderMailbox): Promise<void> {
    const mailboxActivity = this.options.mailboxActivity;
    const folders = mailboxFolders(mailbox);
    const receiving = receivingFolder(mailbox);
    for (const item of await mailboxActivity.inbox(mailbox.profileId)) {
      if (this.stopped) return;
      if (item.facts.messageType === 'REPORT' || !item.savedPath || item.acknowledgedAt) continue;
      const id = safeFileName(item.facts.messageId, 'message');
      const savedPath = item.savedPath;
      const tempControl = path.join(receiving, `${id}.ctl`);
      const marker = path.join(receiving, `${id}.placed`);
      const dataThere = await exists(savedPath);
      if (dataThere && !(await exists(tempControl))) {
        const control = inboundControl({
          messageId: item.facts.messageId,
          ...(item.facts.from !== undefined ? { from: item.facts.from } : {}),
          ...(item.facts.to !== undefined ? { to: item.facts.to } : {}),
          ...(item.facts.workflowId !== undefined ? { workflowId: item.facts.workflowId } : {}),
          ...(item.facts.subject !== undefined ? { subject: item.facts.subject } : {}),
          ...(item.facts.localId !== undefined ? { localId: item.facts.localId } : {}),
          ...(item.facts.checksum !== undefined ? { checksum: item.facts.checksum } : {}),
          compressed: item.facts.compressed,
          encrypted: item.facts.encrypted,
          deliveredAt: new Date(item.facts.deliveredAt ?? item.receivedAt),
        });
        await writeTextAtomic(tempControl, serialiseControlFile(control));
      }
      if (dataThere) await moveFile(savedPath, path.join(folders.in, `${id}.dat`));
      if (await exists(tempControl)) {
        await moveFile(tempControl, path.join(folders.in, `${id}.ctl`));
        await writeTextAtomic(marker, '');
        await this.options.audit?.record({
          action: 'message-filed',
          outcome: 'ok',
          profileId: mailbox.profileId,
          message: {
            messageId: item.facts.messageId,
            ...(item.facts.localId !== undefined ? { localId: item.facts.localId } : {}),
            ...(item.facts.from !== undefined ? { from: item.facts.from } : {}),
            ...(item.facts.to !== undefined ? { to: item.facts.to } : {}),
            ...(item.facts.workflowId !== undefined ? { workflowId: item.facts.workflowId } : {}),
            ...(item.facts.subject !== undefined ? { subject: item.facts.subject } : {}),
            ...(item.facts.fileName !== undefined ? { fileName: item.facts.fileName } : {}),
            savedTo: path.join(folders.in, `${id}.dat`),
          },
        });
      }
      if (!(await exists(marker))) {
        this.log.error('A received file is missing from the work folder, so it was not acknowledged', {
          mailboxId: mailbox.mailboxId,
          messageId: item.facts.messageId,
          savedPath,
        });
        continue;
      }
      const [result] = await mailboxActivity.acknowledge(mailbox.profileId, [item.facts.messageId]);
      if (!result?.ok) {
        this.log.warn('Could not acknowledge a received message; will try again', {
          messageId: item.facts.messageId,
          error: result?.error?.code,
        });
        continue;
      }
      await rm(`${savedPath}${SIDECAR_SUFFIX}`, { force: true });
      await rm(marker, { force: true });
      this.counter(mailbox.profileId).received++;
      this.record(
        mailbox,
        'received',
        item.facts.messageId,
        `Received from ${item.facts.from ?? 'unknown sender'} into IN.`,
        item.facts.messageId,
      );
      this.log.info('Folder mode received a message into IN', { mailboxId: mailbox.mailboxId, messageId: item.facts.messageId });
    }
  }

  /** Writes each non-delivery report mailbox activity recorded as a control file alone in IN. */
  private async placeReports(mailbox: FolderMailbox): Promise<void> {
    const mailboxActivity = this.options.mailboxActivity;
    const state = await this.loadState(mailbox);
    const written = new Set(state.writtenReports);
    const reports: Array<Parameters<typeof reportControl>[0]> = [];
    for (const sent of await mailboxActivity.sentHistory(mailbox.profileId)) {
      const report = sent.nonDelivery;
      if (!report?.reportMessageId || written.has(report.reportMessageId)) continue;
      reports.push({
        reportId: report.reportMessageId,
        ...(sent.messageId ? { linkedMessageId: sent.messageId } : {}),
        from: mailbox.mailboxId,
        to: sent.to,
        workflowId: sent.workflowId,
        ...(sent.subject !== undefined ? { subject: sent.subject } : {}),
        localId: sent.localId,
        ...(report.event ? { event: report.event } : {}),
        ...(report.code ? { code: report.code } : {}),
        ...(report.description ? { description: report.description } : {}),
        at: new Date(report.at ?? this.clock().toISOString()),
      });
    }
    for (const report of await mailboxActivity.unmatchedReports(mailbox.profileId)) {
      if (written.has(report.reportMessageId)) continue;
      reports.push({
        reportId: report.reportMessageId,
        ...(report.linkedMessageId ? { linkedMessageId: report.linkedMessageId } : {}),
        from: mailbox.mailboxId,
        ...(report.workflowId ? { workflowId: report.workflowId } : {}),
        ...(report.subject ? { subject: report.subject } : {}),
        ...(report.localId ? { localId: report.localId } : {}),
        ...(report.event ? { event: report.event } : {}),
        ...(report.code ? { code: report.code } : {}),
        ...(report.description ? { description: report.description } : {}),
        at: new Date(report.receivedAt),
      });
    }
    if (reports.length === 0) return;
    for (const report of reports) {
      const name = `${safeFileName(report.reportId, 'report')}.ctl`;
      await writeTextAtomic(path.join(mailboxFolders(mailbox).in, name), serialiseControlFile(reportControl(report)));
      written.add(report.reportId);
      this.record(mailbox, 'report', report.reportId, report.description ?? 'MESH could not deliver a message.', report.linkedMessageId);
    }
    await this.saveState(mailbox, { writtenReports: [...written].slice(-MAX_REMEMBERED_REPORTS) });
  }

  private async loadState(mailbox: FolderMailbox): Promise<FolderState> {
    const state = (await readJson(path.join(workFolder(mailbox), 'state.json'))) as FolderState | undefined;
    return { writtenReports: state?.writtenReports ?? [] };
  }

  private async saveState(mailbox: FolderMailbox, state: FolderState): Promise<void> {
    await writeJsonAtomic(path.join(workFolder(mailbox), 'state.json'), state);
  }

  private async downloadsSettled(profileId: string): Promise<void> {
    const queue = this.options.queue;
    const active = queue
      .list()
      .filter(
        (p) =>
          p.kind === 'download' && p.profileId === profileId && (p.state === 'queued' || p.state === 'running' || p.state === 'verifying'),
      );
    await Promise.all(active.map((p) => queue.settled(p.id)));
  }

  // ————— bookkeeping —————

  private counter(profileId: string) {
    let counter = this.counters.get(profileId);
    if (!counter) {
      counter = { sent: 0, failed: 0, received: 0 };
      this.counters.set(profileId, counter);
    }
    return counter;
  }

  private record(mailbox: FolderMailbox, kind: FolderActivity['kind'], name: string, detail: string, messageId?: string): void {
    this.activityLog.push({
      at: this.clock().toISOString(),
      profileId: mailbox.profileId,
      kind,
      name,
      detail,
      ...(messageId ? { messageId } : {}),
    });
    if (this.activityLog.length > MAX_ACTIVITY) this.activityLog.splice(0, this.activityLog.length - MAX_ACTIVITY);
  }
}
