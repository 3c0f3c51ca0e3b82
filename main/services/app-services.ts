import { readFile, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { pageOfActivity, selectActivity, summariseActivity, toActivityEntry } from '../audit/activity';
import { describeReport, type VerifyReport } from '../audit/chain';
import type { AuditEntry } from '../audit/entry';
import type { AuditVia } from '../audit/entry';
import { entriesToCsv, entriesToJson } from '../audit/export';
import { auditEventOfPolicy, auditPlacement } from '../audit/policy-event';
import { openAuditRecorder } from '../audit/recorder';
import { AuditTrail, auditFolder } from '../audit/trail';
import { auditTransferEvents } from '../audit/transfer-events';
import { createDispatcher } from '../contract/dispatch';
import { ACTIVITY_PAGE_LIMIT, type RequestHandlers } from '../contract/schemas';
import type {
  ActivityFilter,
  ActivitySummary,
  ConnectionTestResult,
  MailboxStatus,
  MailboxSummary,
  SettingsSnapshot,
} from '../contract/types';
import { generateCsr } from '../certs/csr';
import type { Logger } from '../log/logger';
import { MeshTransferClient } from '../mesh/local-id-tracking';
import { SecretStore } from '../secrets/keychain';
import { machinePolicyLoader, PolicyWatch } from '../settings/machine-policy';
import type { RegistryReader } from '../settings/reg-query';
import { MIN_POLL_INTERVAL_MINUTES } from '../settings/schema';
import { SettingsStore } from '../settings/store';
import { AppError, toAppError } from '../shared/errors';
import { APP_VERSION, PRODUCT_NAME } from '../shared/version';
import { createTransfers, runsAsProgram, type TransferProgress } from '../transfers';
import { EventBus } from './events';
import { FileRegistry } from './file-registry';
import { connectionTestResult, MailboxService } from './mailboxes';
import { PartyDirectory } from './parties';
import { AcknowledgedReports, recordedReports, reportInboxItem } from './report-inbox';
import { browserPlatform, type Platform } from './platform';
import { TrainingSandbox } from './training';
import { FolderModeRunner } from './folder-runner';
import { inboxItemView, sentItemView, setAsideProblems, transferView } from './views';

export interface AppServicesOptions {
  shell: 'electron' | 'preview';
  dataFolder: string;
  log: Logger;
  electronVersion?: string;
  platform?: Platform;
  /** The machine policy file; tests pass their own. Default: the platform's documented path. */
  policyPath?: string;
  /** Group Policy's registry; tests stand one in. Default: reg.exe on Windows, none elsewhere. */
  policyRegistry?: RegistryReader;
  /** How often policy is read again; tests shorten it. Default: every minute. */
  policyRecheckMs?: number;
  /** Keychain service name; tests use their own so they never touch a real installation's secrets. */
  keychainService?: string;
  /**
   * Resume queued transfers and check mailboxes on their schedule (default
   * true). One-shot command-line runs such as `mailbox list` turn it off.
   */
  background?: boolean;
  /** Which part of the app the audit trail says acted (default the window; the command line's mailbox commands say so). */
  auditVia?: AuditVia;
}

/** Everything the window can reach, the same in Electron and in the preview. */
export interface AppServices {
  handlers: RequestHandlers;
  events: EventBus;
  dispatch: ReturnType<typeof createDispatcher>;
  files: FileRegistry;
  /** Lets running work checkpoint, then releases files and sockets. */
  shutdown(): Promise<void>;
}

/** Builds the main-process services behind the typed contract. */
export async function createAppServices(options: AppServicesOptions): Promise<AppServices> {
  const events = new EventBus();
  const log = options.log.child('services');
  const platform = options.platform ?? browserPlatform;
  const { dataFolder } = options;

  const policySources = {
    ...(options.policyPath ? { policyPath: options.policyPath } : {}),
    ...(options.policyRegistry ? { registry: options.policyRegistry } : {}),
  };
  const policyWatch = new PolicyWatch({
    load: machinePolicyLoader(policySources),
    log: log.child('policy'),
    ...(options.policyRecheckMs ? { intervalMs: options.policyRecheckMs } : {}),
  });
  const policyAtStart = await policyWatch.read();
  const store = await SettingsStore.open(dataFolder, { policy: policyAtStart });
  // Where the trail lives and how long it is kept are read at start; a change applies at the next start.
  const placement = auditPlacement(policyAtStart);
  const audit = openAuditRecorder({
    dataFolder,
    ...placement,
    via: options.auditVia ?? 'window',
    log,
    mailboxOf: (profileId) => mailboxes.auditMailbox(profileId),
  });
  // The Activity view reads the same folder the recorder writes; reading takes no lock, so it never holds up a write.
  const auditReader = new AuditTrail({ folder: placement.folder ?? auditFolder(dataFolder) });
  /**
   * The trail's entries that pass the filter, newest first, with its verification. The window asks page by page
   * as the person scrolls and again as they type, so what was read (and checked) is kept until the trail's files
   * change (any process may write to it), and the last filter's matches until the filter does: a page of a
   * 100,000-entry trail is then a slice, and a new filter one pass over entries already in memory.
   */
  let trailRead: { fingerprint: string; entries: AuditEntry[]; report: VerifyReport } | undefined;
  // Requests that come while the trail is being read (the window asks for several pages at once) share that read.
  let trailReading: { fingerprint: string; done: Promise<NonNullable<typeof trailRead>> } | undefined;
  let activityRead: { fingerprint: string; filter: string; entries: AuditEntry[]; summary: ActivitySummary } | undefined;
  const readTrail = async (fingerprint: string) => {
    if (trailRead?.fingerprint === fingerprint) return trailRead;
    if (trailReading?.fingerprint !== fingerprint) {
      const done = auditReader.read().then(({ entries, report }) => {
        trailRead = { fingerprint, entries: entries.map((located) => located.entry), report };
        return trailRead;
      });
      trailReading = { fingerprint, done };
      // Forgotten once settled, a failure included, so a later request reads again rather than get the same error.
      void done
        .catch(() => undefined)
        .finally(() => {
          if (trailReading?.done === done) trailReading = undefined;
        });
    }
    return trailReading.done;
  };
  const readActivity = async (filter: ActivityFilter = {}) => {
    await audit.flush();
    const fingerprint = await auditReader.fingerprint();
    const trail = await readTrail(fingerprint);
    const key = JSON.stringify(filter);
    if (activityRead?.fingerprint !== fingerprint || activityRead.filter !== key) {
      const { entries } = selectActivity(trail.entries, filter);
      // Counted once per filter, not again for every page the window asks for as the person scrolls.
      activityRead = { fingerprint, filter: key, entries, summary: summariseActivity(entries) };
    }
    return { entries: activityRead.entries, summary: activityRead.summary, total: trail.entries.length, report: trail.report };
  };
  // One-shot command-line runs apply no policy of their own worth recording each time.
  if (options.background !== false) void audit.record(auditEventOfPolicy(policyAtStart, 'start'));
  // IT's changes apply while the app runs: the store tells everything below, as for a change in Settings.
  policyWatch.start((next) => {
    store.setPolicy(next);
    void audit.record(auditEventOfPolicy(next, 'change'));
  });
  if (store.quarantined)
    log.error('The settings file was unreadable and was set aside', { path: store.quarantined.path, reason: store.quarantined.reason });
  const secrets = new SecretStore(options.keychainService ? { service: options.keychainService } : {});
  const training = new TrainingSandbox({ folder: join(dataFolder, 'training-sandbox'), log });
  const folderRunner = new FolderModeRunner({
    dataFolder,
    log,
    ...policySources,
    ...(options.policyRecheckMs ? { policyRecheckMs: options.policyRecheckMs } : {}),
    ...(options.keychainService ? { keychainService: options.keychainService } : {}),
  });
  const mailboxes = new MailboxService({
    dataFolder,
    store,
    secrets,
    training,
    log,
    audit,
    ...(platform.resolveProxy ? { resolveProxy: platform.resolveProxy } : {}),
  });
  const files = new FileRegistry(join(dataFolder, 'staging'));
  const parties = new PartyDirectory();
  const acknowledgedReports = new AcknowledgedReports(join(dataFolder, 'acknowledged-reports.json'), log);
  const statuses = new Map<string, MailboxStatus>();
  const recentWorkflowsByProfile = new Map<string, string[]>();
  const lastConnectionTests = new Map<string, ConnectionTestResult>();

  // One client per mailbox, rebuilt whenever its settings or secrets change. A
  // client still being built when something changes belongs to the old
  // generation and is never handed out again.
  let generation = 0;
  const clients = new Map<string, { generation: number; client: Promise<MeshTransferClient> }>();
  const clientFor = (profileId: string): Promise<MeshTransferClient> => {
    const cached = clients.get(profileId);
    if (cached && cached.generation === generation) return cached.client;
    const built = generation;
    const client = mailboxes.connectionFor(profileId).then((connection) => new MeshTransferClient(connection));
    client.then(
      (made) => {
        // Built from settings that changed meanwhile: close it once its users are done with it.
        if (built !== generation) setTimeout(() => made.close(), 60_000).unref();
      },
      () => {
        if (clients.get(profileId)?.client === client) clients.delete(profileId);
      },
    );
    clients.set(profileId, { generation: built, client });
    return client;
  };
  const dropClients = () => {
    generation++;
    for (const { client } of clients.values()) void client.then((c) => c.close()).catch(() => undefined);
    clients.clear();
  };

  const transfers = createTransfers({
    stateFolder: join(dataFolder, 'transfers'),
    clientFor,
    mailboxSettings: (profileId) => {
      const mailbox = mailboxes.get(profileId);
      return {
        downloadFolder: mailbox.downloadFolder,
        acknowledge: mailbox.acknowledge,
        autoDownload: false,
        pollIntervalMinutes: mailbox.pollIntervalMinutes,
      };
    },
    log,
    concurrency: store.effective.settings.maxConcurrentTransfers,
    events: {
      progress: (progress) => {
        events.emit('transfer-progress', transferView(progress));
        if (progress.state === 'done' || progress.state === 'failed') notifyTransfer(progress);
      },
      inboxChanged: (profileId) => {
        markChecked(profileId);
        events.emit('inbox-changed', { profileId });
        void emitMailboxes();
      },
      sentChanged: (profileId) => {
        events.emit('sent-changed', { profileId });
        void notifyNonDeliveries(profileId);
      },
      ...auditTransferEvents(audit),
    },
  });
  const { queue, activity } = transfers;

  function notifyTransfer(progress: TransferProgress) {
    if (!store.effective.settings.notifications) return;
    const done = progress.state === 'done';
    events.emit('notification', {
      kind: done ? 'transfer-done' : 'transfer-failed',
      title: done
        ? progress.kind === 'upload'
          ? 'Message sent'
          : 'File saved'
        : progress.kind === 'upload'
          ? 'Sending failed'
          : 'Download failed',
      body: done ? progress.name : `${progress.name}: ${progress.error?.message ?? 'see Transfers for details.'}`,
      profileId: progress.profileId,
    });
  }

  function markChecked(profileId: string, problem?: string) {
    const mailbox = mailboxes.list().find((m) => m.id === profileId);
    const now = new Date();
    const next = new Date(now.getTime() + (mailbox?.pollIntervalMinutes ?? MIN_POLL_INTERVAL_MINUTES) * 60_000);
    statuses.set(profileId, {
      connection: problem ? 'failed' : 'connected',
      lastCheckedAt: now.toISOString(),
      nextCheckAt: next.toISOString(),
      ...(problem ? { problem } : {}),
    });
  }

  async function summaries(): Promise<MailboxSummary[]> {
    return Promise.all(
      mailboxes.list().map(async (mailbox) => {
        const inbox = mailboxes.unusableReason(mailbox) ? [] : await activity.inbox(mailbox.id).catch(() => []);
        const certificate = await mailboxes.certificateSummary(mailbox);
        const reason = mailboxes.unusableReason(mailbox);
        return {
          id: mailbox.id,
          mailboxId: mailbox.mailboxId,
          displayName: mailbox.displayName,
          environment: mailbox.environment,
          managed: mailbox.source === 'policy',
          training: mailbox.environment === 'TRAINING',
          unread: inbox.filter((item) => !item.acknowledgedAt && !item.savedPath).length,
          status: statuses.get(mailbox.id) ?? { connection: 'unknown' },
          ...(certificate ? { certificate } : {}),
          ...(reason ? { unusableReason: reason } : {}),
          ...(mailbox.folderMode?.enabled ? { folderMode: { folder: mailbox.folderMode.folder } } : {}),
        };
      }),
    );
  }

  const lastUnread = new Map<string, number>();
  const announcedReports = new Set<string>();
  const announcedCertificates = new Set<string>();

  /** Non-delivery reports mailbox activity recorded for a mailbox that the person has not yet acknowledged in the window. */
  async function waitingReports(profileId: string) {
    const [sent, unmatched, acknowledged] = await Promise.all([
      activity.sentHistory(profileId).catch(() => []),
      activity.unmatchedReports(profileId).catch(() => []),
      acknowledgedReports.of(profileId),
    ]);
    return recordedReports(sent, unmatched).filter((report) => !acknowledged.has(report.reportMessageId));
  }

  const recordedCertificates = new Set<string>();
  async function emitMailboxes() {
    const list = await summaries();
    events.emit('mailboxes-changed', list);
    for (const mailbox of list) {
      const certificate = mailbox.certificate;
      // Once a run per certificate: the trail says when someone here was told it needs renewing.
      if (!certificate?.warning || recordedCertificates.has(`${mailbox.id}:${certificate.notAfter}`)) continue;
      recordedCertificates.add(`${mailbox.id}:${certificate.notAfter}`);
      void audit.record({
        action: 'certificate-expiring',
        outcome: 'ok',
        profileId: mailbox.id,
        certificate: { subject: certificate.subject, notAfter: certificate.notAfter },
        reason: certificate.warning,
      });
    }
    if (!store.effective.settings.notifications) return;
    for (const mailbox of list) {
      const before = lastUnread.get(mailbox.id);
      lastUnread.set(mailbox.id, mailbox.unread);
      if (before !== undefined && mailbox.unread > before) {
        const count = mailbox.unread - before;
        events.emit('notification', {
          kind: 'new-messages',
          title: 'New MESH messages',
          body: `${count} new message${count === 1 ? '' : 's'} in ${mailbox.displayName}`,
          profileId: mailbox.id,
        });
      }
      if (mailbox.certificate?.warning && !announcedCertificates.has(mailbox.id)) {
        announcedCertificates.add(mailbox.id);
        events.emit('notification', {
          kind: 'certificate-expiry',
          title: 'Certificate needs attention',
          body: mailbox.certificate.warning,
          profileId: mailbox.id,
        });
      }
    }
  }

  /** Tells the person once about each message MESH could not deliver. */
  async function notifyNonDeliveries(profileId: string) {
    if (!store.effective.settings.notifications) return;
    const history = await activity.sentHistory(profileId).catch(() => []);
    for (const record of history) {
      if (!record.nonDelivery || announcedReports.has(record.transferId)) continue;
      announcedReports.add(record.transferId);
      events.emit('notification', {
        kind: 'non-delivery',
        title: 'Message not delivered',
        body: `${record.fileName} to ${record.to}: ${record.nonDelivery.description ?? 'MESH could not deliver it.'}`,
        profileId,
      });
    }
  }

  let lastFolderKey = '[]';
  /** Starts or stops each mailbox's polling (and folder mode) to match the settings. */
  async function syncPolling() {
    if (options.background === false) return;
    if (mailboxes.list().some((m) => m.environment === 'TRAINING')) await training.start();
    for (const mailbox of mailboxes.list()) {
      // A folder-mode mailbox is received by folder mode into its IN folder, not by the window.
      if (mailboxes.unusableReason(mailbox) || mailbox.folderMode?.enabled) activity.stopPolling(mailbox.id);
      else activity.startPolling(mailbox.id);
    }
    const wantFolders = mailboxes.list().some((m) => m.folderMode?.enabled && !mailboxes.unusableReason(m));
    const folderKey = JSON.stringify(
      mailboxes
        .list()
        .filter((m) => m.folderMode?.enabled)
        .map((m) => [m.id, m.folderMode]),
    );
    if (folderKey !== lastFolderKey) {
      lastFolderKey = folderKey;
      await folderRunner.sync(wantFolders);
    }
  }

  store.onChange(() => {
    events.emit('settings-changed', null);
    dropClients();
    void syncPolling()
      .catch((error: unknown) => log.error('Could not start checking mailboxes', { error: toAppError(error).message }))
      .finally(() => void emitMailboxes());
  });

  for (const [mailboxId, displayName] of training.mailboxes().map((m) => [m.mailboxId, m.displayName] as const))
    parties.learn({ mailboxId, name: displayName });
  if (options.background !== false) await transfers.start();
  // Reports from earlier runs were announced then; only new ones are news.
  for (const mailbox of mailboxes.list()) {
    for (const record of await activity.sentHistory(mailbox.id).catch(() => []))
      if (record.nonDelivery) announcedReports.add(record.transferId);
  }
  await syncPolling().catch((error: unknown) => log.error('Could not start checking mailboxes', { error: toAppError(error).message }));
  void emitMailboxes();

  function settingsSnapshot(): Promise<SettingsSnapshot> {
    const effective = store.effective;
    const s = effective.settings;
    const problems: string[] = [];
    if (store.quarantined) problems.push(store.quarantined.message);
    if (effective.policyProblem) problems.push(effective.policyProblem.error.message);
    problems.push(...store.policyNotices);
    return Promise.all([
      Promise.all(s.mailboxes.map((m) => mailboxes.settingsView(m))),
      secrets.has({ kind: 'proxy-password' }).catch(() => false),
    ]).then(([views, hasProxyPassword]) => ({
      mailboxes: views,
      proxy: {
        mode: s.proxy.mode,
        ...(s.proxy.url ? { url: s.proxy.url } : {}),
        ...(s.proxy.username ? { username: s.proxy.username } : {}),
        ...(s.proxy.noProxy ? { noProxy: s.proxy.noProxy } : {}),
        hasPassword: hasProxyPassword,
      },
      ...(s.defaultDownloadFolder ? { defaultDownloadFolder: s.defaultDownloadFolder } : {}),
      extraCaFiles: s.extraCaFiles,
      maxConcurrentTransfers: s.maxConcurrentTransfers,
      minimumPollIntervalMinutes: effective.managed.minimumPollIntervalMinutes?.value ?? MIN_POLL_INTERVAL_MINUTES,
      notifications: s.notifications,
      updatesEnabled: s.updates.enabled,
      managed: {
        proxy: effective.managed.proxy !== undefined,
        defaultDownloadFolder: effective.managed.defaultDownloadFolder !== undefined,
        updates: effective.managed.updates !== undefined,
        pollInterval: effective.managed.pollInterval !== undefined,
        environments: effective.managed.allowedEnvironments !== undefined,
        extraCaFiles: effective.managed.extraCaFiles !== undefined,
      },
      allowedEnvironments: effective.managed.allowedEnvironments?.value ?? ['INT', 'DEP', 'LIVE', 'TRAINING', 'CUSTOM'],
      problems,
    }));
  }

  async function summaryOf(profileId: string): Promise<MailboxSummary> {
    const found = (await summaries()).find((m) => m.id === profileId);
    if (!found) throw new AppError({ code: 'not-configured', message: 'That mailbox is no longer set up on this computer.' });
    return found;
  }

  async function withClient<T>(profileId: string, use: (client: MeshTransferClient) => Promise<T>): Promise<T> {
    return use(await clientFor(profileId));
  }

  // Known once the queue has started (before the window can ask) and fixed for the run.
  const transferProblems = setAsideProblems(queue.setAsideRecords());
  const handlers: RequestHandlers = {
    getAppInfo: () => ({
      productName: PRODUCT_NAME,
      version: APP_VERSION,
      shell: options.shell,
      platform: process.platform,
      dataFolder,
      nodeVersion: process.versions.node,
      capabilities: platform.capabilities,
      ...(options.electronVersion ? { electronVersion: options.electronVersion } : {}),
      ...(transferProblems.length > 0 ? { transferProblems } : {}),
    }),
    getSettings: () => settingsSnapshot(),
    updateSettings: async (patch) => {
      if (patch.proxy) {
        const { password, ...proxy } = patch.proxy;
        await store.setProxy(proxy);
        if (password) await secrets.set({ kind: 'proxy-password' }, password);
      }
      if (patch.defaultDownloadFolder !== undefined) await store.setDefaultDownloadFolder(patch.defaultDownloadFolder);
      if (patch.extraCaFiles !== undefined) await store.setExtraCaFiles(patch.extraCaFiles);
      if (patch.maxConcurrentTransfers !== undefined) await store.setMaxConcurrentTransfers(patch.maxConcurrentTransfers);
      if (patch.notifications !== undefined) await store.setNotifications(patch.notifications);
      return settingsSnapshot();
    },
    copyDiagnostics: async () => {
      const snapshot = await settingsSnapshot();
      return [
        `${PRODUCT_NAME} ${APP_VERSION} (${options.shell}${options.electronVersion ? `, Electron ${options.electronVersion}` : ''}, Node ${process.versions.node})`,
        `Operating system: ${process.platform} ${process.arch}`,
        `Data folder: ${dataFolder}`,
        `Settings (no secrets): ${JSON.stringify(snapshot, null, 2)}`,
        'Last connection tests:',
        ...(lastConnectionTests.size === 0
          ? ['  none run since the app started']
          : [...lastConnectionTests].map(([id, test]) => {
              const name = mailboxes.list().find((m) => m.id === id)?.mailboxId ?? id;
              return `  ${name} at ${test.testedAt}: ${test.ok ? 'passed' : 'failed'} — ${test.summary}`;
            })),
        'Recent log lines:',
        ...options.log.recent(100),
      ].join('\n');
    },
    listMailboxes: () => summaries(),
    describeMailbox: (id) => summaryOf(id),
    addMailbox: async (input) => {
      const mailbox = await mailboxes.add(input);
      return summaryOf(mailbox.id);
    },
    updateMailbox: async (id, patch) => {
      await mailboxes.update(id, patch);
      // A new password or certificate lives outside settings.json, so no settings change says so.
      dropClients();
      return summaryOf(id);
    },
    removeMailbox: async (id) => {
      activity.stopPolling(id);
      await mailboxes.remove(id);
      await acknowledgedReports.forget(id);
      return null;
    },
    testConnection: async (id) => {
      statuses.set(id, { ...(statuses.get(id) ?? {}), connection: 'checking' });
      let usesProxy = false;
      try {
        const connection = await mailboxes.connectionFor(id);
        usesProxy = typeof connection.proxy === 'object';
        const client = new MeshTransferClient(connection);
        try {
          await client.handshake();
        } finally {
          client.close();
        }
        markChecked(id);
        void emitMailboxes();
        const result = connectionTestResult({ ok: true }, usesProxy);
        lastConnectionTests.set(id, result);
        return result;
      } catch (error) {
        const appError = toAppError(error);
        markChecked(id, appError.message);
        void emitMailboxes();
        const result = connectionTestResult({ ok: false, error: appError }, usesProxy);
        lastConnectionTests.set(id, result);
        return result;
      }
    },
    startTrainingSandbox: async () => {
      await training.start();
      const existing = new Set(
        mailboxes
          .list()
          .filter((m) => m.environment === 'TRAINING')
          .map((m) => m.mailboxId),
      );
      for (const demo of training.mailboxes()) {
        if (existing.has(demo.mailboxId)) continue;
        await mailboxes.add({
          environment: 'TRAINING',
          mailboxId: demo.mailboxId,
          displayName: demo.displayName,
          password: 'unused',
          downloadFolder: join(dataFolder, 'Training downloads', demo.mailboxId),
          acknowledge: 'after-save',
        });
      }
      await syncPolling();
      return (await summaries()).filter((m) => m.training);
    },
    generateCsr: async (input) => {
      const result = await generateCsr({
        commonName: input.commonName,
        ...(input.organisation ? { organisation: input.organisation } : {}),
        outDir: input.folder ?? join(dataFolder, 'certificate-requests'),
      });
      const instructions = await readFile(result.instructionsFile, 'utf8');
      return { keyPath: result.keyFile, csrPath: result.csrFile, instructionsPath: result.instructionsFile, instructions };
    },
    listInbox: async (profileId) => {
      mailboxes.get(profileId);
      const items = await activity.inbox(profileId);
      await learnSenders(
        profileId,
        items.map((i) => i.facts.workflowId).filter((w): w is string => Boolean(w)),
      );
      const waiting = items.filter((item) => !item.acknowledgedAt).map((item) => inboxItemView(item, parties));
      const shown = new Set(waiting.map((item) => item.messageId));
      const reports = (await waitingReports(profileId)).filter((report) => !shown.has(report.reportMessageId));
      return [...waiting, ...reports.map((report) => reportInboxItem(report, parties))];
    },
    checkNow: async (profileId) => {
      try {
        // MESH's 5-minute floor protects MESH. The training sandbox is an emulator on this computer, so its
        // mailboxes are checked whenever asked: a newcomer sees at once what they sent from another demo mailbox.
        const training = mailboxes.get(profileId).environment === 'TRAINING';
        const result = training
          ? { checked: true as const, result: await activity.pollInbox(profileId) }
          : await activity.checkNow(profileId);
        if (!result.checked) return { nextAllowedAt: result.nextAllowedAt.toISOString(), newMessages: 0 };
        markChecked(profileId);
        void emitMailboxes();
        const checkedAt = new Date().toISOString();
        return {
          checkedAt,
          nextAllowedAt: training ? checkedAt : result.result.nextPollAt.toISOString(),
          newMessages: result.result.newMessages,
        };
      } catch (error) {
        markChecked(profileId, toAppError(error).message);
        void emitMailboxes();
        throw error;
      }
    },
    downloadMessages: async (profileId, ids, choice) => {
      const queued: string[] = [];
      for (const messageId of ids) {
        const progress = await queue.enqueueDownload({
          profileId,
          messageId,
          ...(choice?.folder ? { destinationFolder: choice.folder } : {}),
        });
        queued.push(progress.id);
      }
      emitTransfers();
      return queued;
    },
    acknowledgeMessages: async (profileId, ids) => {
      // Recorded reports were acknowledged to MESH when they arrived: here the person only marks them read.
      const recorded = new Set((await waitingReports(profileId)).map((report) => report.reportMessageId));
      const reportIds = ids.filter((id) => recorded.has(id));
      await acknowledgedReports.add(profileId, reportIds);
      const others = ids.filter((id) => !recorded.has(id));
      const results = others.length > 0 ? await activity.acknowledge(profileId, others) : [];
      if (reportIds.length > 0) events.emit('inbox-changed', { profileId });
      void emitMailboxes();
      return {
        acknowledged: [...reportIds, ...results.filter((r) => r.ok).map((r) => r.messageId)],
        failed: results
          .filter((r) => !r.ok)
          .map((r) => ({ messageId: r.messageId, message: r.error?.message ?? 'MESH did not accept the acknowledgement.' })),
      };
    },
    showInFolder: async (path) => {
      if (!platform.showInFolder)
        throw new AppError({
          code: 'invalid-argument',
          message: `Showing files is not available in the browser preview. The file is at ${path}.`,
        });
      await platform.showInFolder(path);
      return null;
    },
    openFile: async (path) => {
      if (!platform.openFile)
        throw new AppError({
          code: 'invalid-argument',
          message: `Opening files is not available in the browser preview. The file is at ${path}.`,
        });
      // Only a file this app saved, so the window cannot be used to start anything else on the computer.
      const saved = new Set(
        queue.list().flatMap((transfer) => (transfer.kind === 'download' && transfer.savedPath ? [transfer.savedPath] : [])),
      );
      for (const mailbox of mailboxes.list()) {
        for (const item of await activity.inbox(mailbox.id).catch(() => [])) if (item.savedPath) saved.add(item.savedPath);
      }
      if (!saved.has(path))
        throw new AppError({
          code: 'invalid-argument',
          message: 'MESH Desktop only opens files it has saved for you. Use Show in folder instead.',
        });
      if (runsAsProgram(basename(path)))
        throw new AppError({
          code: 'invalid-argument',
          message: `MESH Desktop does not open programs or scripts it received (${basename(path)}). Use Show in folder, and ask your IT team before running it.`,
        });
      const problem = await platform.openFile(path);
      if (problem)
        throw new AppError({ code: 'invalid-argument', message: `The file could not be opened: ${problem}. Use Show in folder instead.` });
      return null;
    },
    chooseFolder: async (request) => {
      if (!platform.chooseFolder) return null;
      return platform.chooseFolder(request?.title ?? 'Choose a folder');
    },
    listSent: async (profileId) => {
      mailboxes.get(profileId);
      const records = await activity.sends(profileId);
      return records.map((record) => sentItemView(record, queue.get(record.transferId), parties)).reverse();
    },
    refreshSent: async (profileId, messageId) => {
      const records = await activity.refreshTracking(profileId, { onDemand: true, ...(messageId ? { messageIds: [messageId] } : {}) });
      return records.map((record) => sentItemView(record, queue.get(record.transferId), parties));
    },
    lookupMailboxes: (profileId, ods, workflow) =>
      withClient(profileId, async (client) => {
        const matches = await client.lookupEndpoint(ods, workflow);
        const parties_ = matches.map((m) => ({ mailboxId: m.mailboxId, ...(m.mailboxName ? { name: m.mailboxName } : {}) }));
        parties_.forEach((p) => parties.learn(p));
        return parties_;
      }),
    searchWorkflow: (profileId, workflow) =>
      withClient(profileId, async (client) => {
        const matches = await client.searchWorkflow(workflow);
        const found = matches.map((m) => ({ mailboxId: m.mailboxId, ...(m.mailboxName ? { name: m.mailboxName } : {}) }));
        found.forEach((p) => parties.learn(p));
        return found;
      }),
    recentWorkflows: async (profileId) => {
      const sent = await activity.sentHistory(profileId).catch(() => []);
      const recent = [...(recentWorkflowsByProfile.get(profileId) ?? []), ...sent.map((s) => s.workflowId).reverse()];
      return [...new Set(recent)].slice(0, 10);
    },
    sendMessage: async (request) => {
      const mailbox = mailboxes.get(request.profileId);
      const reason = mailboxes.unusableReason(mailbox);
      if (reason) throw new AppError({ code: 'not-configured', message: reason });
      const file = files.resolve(request.fileRef);
      const recipients = [...new Set(request.recipients.map((r) => r.trim().toUpperCase()))];
      const records: string[] = [];
      for (const to of recipients) {
        const progress = await queue.enqueueUpload({
          profileId: request.profileId,
          filePath: file.path,
          to,
          workflowId: request.workflowId,
          fileName: file.name,
          // Compression pays for itself on the text-heavy files NHS staff send; MESH decompresses nothing itself.
          compress: file.size > 1024 * 1024,
          // People sending from the window expect the recipient to be able to check the file; the extra read
          // is small next to the journey over the network.
          checksum: true,
          ...(request.subject ? { subject: request.subject } : {}),
          ...(request.localId ? { localId: request.localId } : {}),
          ...(parties.describe(to).name ? { recipientName: parties.describe(to).name! } : {}),
        });
        records.push(progress.id);
      }
      recentWorkflowsByProfile.set(
        request.profileId,
        [request.workflowId, ...(recentWorkflowsByProfile.get(request.profileId) ?? [])].slice(0, 10),
      );
      if (file.staged) {
        // The staged copy must outlive every upload that reads it.
        void Promise.all(records.map((id) => queue.settled(id))).then(() => files.release(request.fileRef));
      }
      emitTransfers();
      events.emit('sent-changed', { profileId: request.profileId });
      const history = await activity.sends(request.profileId);
      return history.filter((r) => records.includes(r.transferId)).map((r) => sentItemView(r, queue.get(r.transferId), parties));
    },
    folderModeStatus: () => folderRunner.view(),
    listTransfers: () => queue.list().map((p) => transferView(p)),
    pauseTransfer: async (id) => transferView(await queue.pause(id)),
    resumeTransfer: async (id) => transferView(await queue.resume(id)),
    cancelTransfer: async (id) => {
      const outcome = await queue.cancel(id);
      const view = transferView(outcome.progress);
      return outcome.cancelled ? view : { ...view, note: outcome.reason ?? view.note ?? 'This transfer could not be cancelled.' };
    },
    retryTransfer: async (id, choice) => transferView(await queue.retry(id, choice?.sendAgain ? { sendAgain: true } : {})),
    listActivity: async (filter, page = { offset: 0, limit: ACTIVITY_PAGE_LIMIT }) => {
      const { entries, summary, total, report } = await readActivity(filter);
      return {
        entries: pageOfActivity(entries, page).map(toActivityEntry),
        offset: page.offset,
        matched: entries.length,
        total,
        summary,
        verified: { ok: report.ok, sentence: describeReport(report) },
      };
    },
    exportActivity: async (filter, format = 'csv') => {
      const { entries } = await readActivity(filter);
      // The file lists oldest first, as the command line's export does.
      const ordered = [...entries].reverse();
      const text =
        format === 'csv'
          ? entriesToCsv(ordered)
          : entriesToJson(ordered, { from: filter?.from ?? ordered[0]?.at ?? '', to: filter?.to ?? ordered.at(-1)?.at ?? '' });
      const stamp = new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-');
      const fileName = `mesh-activity-${stamp}.${format}`;
      // Without a native dialog (the preview) the window offers the text as a download instead.
      if (!platform.chooseFolder)
        return { kind: 'text', fileName, mimeType: format === 'csv' ? 'text/csv' : 'application/json', text, entries: ordered.length };
      const folder = await platform.chooseFolder('Choose where to save the activity export');
      if (!folder) return { kind: 'cancelled' };
      const path = join(folder, fileName);
      await writeFile(path, text, { encoding: 'utf8', flag: 'wx' });
      return { kind: 'saved', path, entries: ordered.length };
    },
    registerFilePath: (path) => files.registerPath(path),
  };

  function emitTransfers() {
    events.emit(
      'transfers-changed',
      queue.list().map((p) => transferView(p)),
    );
  }

  const searchedWorkflows = new Set<string>();
  /** Learns sender names from MESH's workflow search, once per workflow. */
  async function learnSenders(profileId: string, workflows: string[]) {
    for (const workflow of new Set(workflows)) {
      if (searchedWorkflows.has(workflow)) continue;
      searchedWorkflows.add(workflow);
      await withClient(profileId, (client) => client.searchWorkflow(workflow))
        .then((matches) =>
          matches.forEach((m) => parties.learn({ mailboxId: m.mailboxId, ...(m.mailboxName ? { name: m.mailboxName } : {}) })),
        )
        .catch(() => undefined);
    }
  }

  return {
    handlers,
    events,
    dispatch: createDispatcher(handlers, log),
    files,
    shutdown: async () => {
      policyWatch.stop();
      await folderRunner.stop();
      await transfers.shutdown();
      dropClients();
      await training.stop();
      await audit.flush();
    },
  };
}
