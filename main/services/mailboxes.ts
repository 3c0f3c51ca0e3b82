import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { homedir } from 'node:os';
import type {
  CertificateInput,
  CertificateSummary,
  ConnectionStep,
  ConnectionTestResult,
  MailboxField,
  MailboxPatch,
  MailboxSettings,
  NewMailboxInput,
} from '../contract/types';
import { CERTIFICATE_FILE_NAMES, certificateFolder, importCertificate, removeImportedCertificate } from '../certs/import';
import { inspectCertificate, type CertificateInfo } from '../certs/inspect';
import type { AuditMailbox } from '../audit/entry';
import type { AuditRecorder } from '../audit/recorder';
import { certificateWarning } from '../certs/expiry';
import { loadCertificateMaterial, type CertificateInput as CertsInput } from '../certs/material';
import type { Logger } from '../log/logger';
import type { MeshClientOptions } from '../mesh/client';
import { shouldBypassProxy } from '../mesh/proxy';
import type { SecretStore } from '../secrets/keychain';
import { managedByPolicyError, type EffectiveMailbox } from '../settings/effective';
import type { SettingsStore } from '../settings/store';
import { AppError, toAppError } from '../shared/errors';
import { APP_VERSION } from '../shared/version';

/** Where a TRAINING mailbox connects: the in-app sandbox, when it runs. */
export interface TrainingEndpoint {
  url(): string | undefined;
  sharedKey: string;
  passwordFor(mailboxId: string): string | undefined;
}

/** Converts the window's certificate choice to the certificate module's input. */
function toCertsInput(input: CertificateInput): CertsInput {
  return input.kind === 'pem'
    ? {
        kind: 'pem',
        certFile: input.certificatePath,
        keyFile: input.keyPath,
        ...(input.passphrase ? { passphrase: input.passphrase } : {}),
      }
    : { kind: 'pfx', file: input.path, ...(input.passphrase ? { passphrase: input.passphrase } : {}) };
}

/**
 * Where a mailbox's certificate is read from: the files IT's policy names, or
 * the copy imported into the data folder. A policy certificate without a key
 * file is a .pfx/.p12 bundle, or a PEM file holding the key as well.
 */
export function certificateFilesFor(mailbox: EffectiveMailbox, dataFolder: string): CertsInput | undefined {
  const fromPolicy = mailbox.policyCertificate;
  if (fromPolicy) {
    if (fromPolicy.keyFile) return { kind: 'pem', certFile: fromPolicy.file, keyFile: fromPolicy.keyFile };
    return /\.(pfx|p12)$/i.test(fromPolicy.file)
      ? { kind: 'pfx', file: fromPolicy.file }
      : { kind: 'pem', certFile: fromPolicy.file, keyFile: fromPolicy.file };
  }
  if (!mailbox.certificate) return undefined;
  const folder = certificateFolder(dataFolder, mailbox.id);
  return mailbox.certificate.kind === 'pem'
    ? { kind: 'pem', certFile: join(folder, CERTIFICATE_FILE_NAMES.certificate), keyFile: join(folder, CERTIFICATE_FILE_NAMES.privateKey) }
    : { kind: 'pfx', file: join(folder, CERTIFICATE_FILE_NAMES.pfx) };
}

/** Says that the certificate IT's policy names could not be used, for the person and for IT. */
function policyCertificateError(mailbox: EffectiveMailbox, cause: unknown): AppError {
  const error = toAppError(cause);
  if (error.code === 'certificate-passphrase-wrong') {
    return new AppError({
      code: 'not-configured',
      message: `The certificate your IT team set for ${mailbox.displayName} needs its password. Enter it in Settings, under this mailbox's certificate.`,
      detail: error.detail ?? error.message,
      cause,
    });
  }
  return new AppError({
    code: error.code === 'file-not-found' ? 'file-not-found' : 'certificate-unreadable',
    message: `The certificate your IT team set for ${mailbox.displayName} (${mailbox.policyCertificate?.file}) cannot be used: ${error.message} Contact your IT service desk.`,
    detail: error.detail ?? error.message,
    cause,
  });
}

const SHOWN_LOCKS: readonly MailboxField[] = [
  'displayName',
  'downloadFolder',
  'pollIntervalMinutes',
  'acknowledge',
  'folderMode',
  'certificate',
];

/** The default place for received files: Documents\MESH Desktop\<mailbox>. */
export function defaultDownloadFolder(mailboxId: string, base?: string): string {
  return join(base ?? join(homedir(), 'Documents', 'MESH Desktop'), mailboxId.toUpperCase());
}

/**
 * Mailbox profiles with their secrets and certificates: adds and removes them
 * as one unit (a half-added mailbox is rolled back), and builds the
 * connection options a MeshClient needs from settings, keychain and files.
 */
export class MailboxService {
  private readonly certificateCache = new Map<string, CertificateSummary | undefined>();

  constructor(
    private readonly options: {
      dataFolder: string;
      store: SettingsStore;
      secrets: SecretStore;
      training: TrainingEndpoint;
      log: Logger;
      /** The system proxy for a URL, where the shell can tell (Electron). */
      resolveProxy?: (url: string) => Promise<string | undefined>;
      /** Where adding and removing mailboxes and importing certificates is recorded. */
      audit?: AuditRecorder;
    },
  ) {}

  /** The mailbox ID and environment of a profile, as the audit trail names them. */
  auditMailbox(profileId: string): AuditMailbox | undefined {
    const mailbox = this.list().find((m) => m.id === profileId);
    if (!mailbox) return undefined;
    return {
      id: mailbox.mailboxId,
      environment: mailbox.environment === 'CUSTOM' && mailbox.customUrl ? `CUSTOM ${mailbox.customUrl}` : mailbox.environment,
    };
  }

  private async recordCertificate(profileId: string, info: CertificateInfo): Promise<void> {
    await this.options.audit?.record({
      action: 'certificate-imported',
      outcome: 'ok',
      profileId,
      certificate: {
        subject: info.subject.commonName ?? info.subject.distinguishedName,
        notAfter: info.notAfter.toISOString(),
        fingerprint: info.fingerprintSha256,
      },
    });
  }

  /** Every mailbox as policy and settings make it now. */
  list(): EffectiveMailbox[] {
    return this.options.store.effective.settings.mailboxes;
  }

  /** One mailbox, or a clear error. */
  get(profileId: string): EffectiveMailbox {
    const mailbox = this.list().find((m) => m.id === profileId);
    if (!mailbox) throw new AppError({ code: 'not-configured', message: 'That mailbox is no longer set up on this computer.' });
    return mailbox;
  }

  /** Why a mailbox cannot connect now, or undefined when it can. */
  unusableReason(mailbox: EffectiveMailbox): string | undefined {
    if (mailbox.environment === 'TRAINING') {
      // Training mailboxes talk to the in-app sandbox, whose address is only known once it runs.
      const allowed = this.options.store.effective.managed.allowedEnvironments?.value;
      if (allowed && !allowed.includes('TRAINING')) return mailbox.unusableReason;
      return this.options.training.url() ? undefined : 'The training sandbox is not running. Start it from the first-run screen.';
    }
    return mailbox.usable ? undefined : mailbox.unusableReason;
  }

  /** Adds a mailbox with its password, shared secret and certificate; all or nothing. */
  async add(input: NewMailboxInput): Promise<EffectiveMailbox> {
    const { store, secrets, dataFolder } = this.options;
    const profile = await store.addMailbox({
      environment: input.environment,
      mailboxId: input.mailboxId,
      displayName: input.displayName,
      ...(input.customUrl ? { customUrl: input.customUrl } : {}),
      ...(input.downloadFolder
        ? { downloadFolder: input.downloadFolder }
        : { downloadFolder: store.effective.settings.defaultDownloadFolder ?? defaultDownloadFolder(input.mailboxId) }),
      ...(input.acknowledge ? { acknowledge: input.acknowledge } : {}),
      ...(input.pollIntervalMinutes ? { pollIntervalMinutes: input.pollIntervalMinutes } : {}),
    });
    try {
      if (input.environment !== 'TRAINING') {
        await secrets.set({ kind: 'mailbox-password', profileId: profile.id }, input.password);
        if (input.sharedKey) await secrets.set({ kind: 'environment-shared-secret', environment: input.environment }, input.sharedKey);
      }
      if (input.certificate) {
        const imported = await importCertificate({
          dataDir: dataFolder,
          profileId: profile.id,
          input: toCertsInput(input.certificate),
          secrets,
          ...(input.environment !== 'CUSTOM' && input.environment !== 'TRAINING' ? { environment: input.environment } : {}),
        });
        const updated = await store.updateMailbox(profile.id, { certificate: imported.certificate });
        await this.recordAdded(profile.id);
        await this.recordCertificate(profile.id, imported.info);
        return updated;
      }
      await this.recordAdded(profile.id);
      return this.get(profile.id);
    } catch (error) {
      // Nothing half-added stays behind: no profile without its secrets.
      await this.forget(profile.id).catch((cleanup: unknown) => this.options.log.warn('Could not roll back a mailbox', { error: cleanup }));
      throw error;
    }
  }

  /** Changes a mailbox; a new password or certificate replaces the old one. */
  async update(profileId: string, patch: MailboxPatch): Promise<EffectiveMailbox> {
    const { store, secrets, dataFolder } = this.options;
    const current = this.get(profileId);
    if (patch.certificate && current.policyCertificate) {
      throw managedByPolicyError(
        'mailboxes',
        `Your organisation set ${current.displayName}'s certificate, so it cannot be replaced here. Contact your IT service desk if it needs to change.`,
      );
    }
    if (patch.certificatePassphrase !== undefined) await this.setPolicyCertificatePassphrase(current, patch.certificatePassphrase);
    if (patch.password) await secrets.set({ kind: 'mailbox-password', profileId }, patch.password);
    if (patch.sharedKey && current.environment !== 'TRAINING') {
      await secrets.set({ kind: 'environment-shared-secret', environment: current.environment }, patch.sharedKey);
    }
    let certificate;
    if (patch.certificate) {
      const env = current.environment;
      const imported = await importCertificate({
        dataDir: dataFolder,
        profileId,
        input: toCertsInput(patch.certificate),
        secrets,
        ...(env !== 'CUSTOM' && env !== 'TRAINING' ? { environment: env } : {}),
      });
      certificate = imported.certificate;
      this.certificateCache.delete(profileId);
      await this.recordCertificate(profileId, imported.info);
    }
    const fields = {
      ...(patch.displayName !== undefined ? { displayName: patch.displayName } : {}),
      ...(patch.downloadFolder !== undefined ? { downloadFolder: patch.downloadFolder } : {}),
      ...(patch.pollIntervalMinutes !== undefined ? { pollIntervalMinutes: patch.pollIntervalMinutes } : {}),
      ...(patch.acknowledge !== undefined ? { acknowledge: patch.acknowledge } : {}),
      ...(patch.folderMode !== undefined ? { folderMode: patch.folderMode } : {}),
      ...(certificate ? { certificate } : {}),
    };
    return Object.keys(fields).length > 0 ? store.updateMailbox(profileId, fields) : this.get(profileId);
  }

  /** Keeps the password of IT's certificate in the keychain, once it is shown to open the files. */
  private async setPolicyCertificatePassphrase(mailbox: EffectiveMailbox, passphrase: string): Promise<void> {
    const files = mailbox.policyCertificate ? certificateFilesFor(mailbox, this.options.dataFolder) : undefined;
    if (!files) {
      throw new AppError({
        code: 'invalid-argument',
        message: 'Only a certificate your IT team set takes its password on its own. To change this certificate, replace it.',
      });
    }
    try {
      await loadCertificateMaterial({ ...files, passphrase });
    } catch (error) {
      const problem = toAppError(error);
      if (problem.code === 'certificate-passphrase-wrong') {
        throw new AppError({
          code: 'certificate-passphrase-wrong',
          message: 'That password does not open the certificate your IT team set. Check it and try again (passwords are case-sensitive).',
          detail: problem.detail ?? problem.message,
          cause: error,
        });
      }
      throw policyCertificateError(mailbox, error);
    }
    await this.options.secrets.set({ kind: 'certificate-passphrase', profileId: mailbox.id }, passphrase);
    this.certificateCache.delete(mailbox.id);
  }

  /** Removes a mailbox, its secrets and its certificate files. */
  async remove(profileId: string): Promise<void> {
    const mailbox = this.auditMailbox(profileId);
    this.get(profileId);
    await this.options.store.removeMailbox(profileId);
    await this.forgetSecrets(profileId);
    await this.options.audit?.record({ action: 'mailbox-removed', outcome: 'ok', ...(mailbox ? { mailbox } : {}) });
  }

  private async recordAdded(profileId: string): Promise<void> {
    const mailbox = this.auditMailbox(profileId);
    await this.options.audit?.record({ action: 'mailbox-added', outcome: 'ok', ...(mailbox ? { mailbox } : {}) });
  }

  private async forget(profileId: string): Promise<void> {
    await this.options.store.removeMailbox(profileId).catch(() => undefined);
    await this.forgetSecrets(profileId);
  }

  private async forgetSecrets(profileId: string): Promise<void> {
    this.certificateCache.delete(profileId);
    await this.options.secrets.deleteAllFor(profileId).catch(() => undefined);
    await removeImportedCertificate(this.options.dataFolder, profileId, this.options.secrets).catch(() => undefined);
  }

  /** Subject and expiry of a mailbox's certificate, for the window. */
  async certificateSummary(mailbox: EffectiveMailbox, now = new Date()): Promise<CertificateSummary | undefined> {
    const files = certificateFilesFor(mailbox, this.options.dataFolder);
    if (!files) return undefined;
    if (!this.certificateCache.has(mailbox.id)) {
      try {
        const passphrase = await this.options.secrets.get({ kind: 'certificate-passphrase', profileId: mailbox.id });
        const info = await inspectCertificate({ ...files, ...(passphrase ? { passphrase } : {}) }, { now });
        const warning = certificateWarning(info.notAfter, now);
        this.certificateCache.set(mailbox.id, {
          subject: info.subject.commonName ?? info.subject.distinguishedName,
          issuer: info.issuer.commonName ?? info.issuer.distinguishedName,
          notAfter: info.notAfter.toISOString(),
          daysUntilExpiry: info.daysUntilExpiry,
          state: info.status,
          ...(warning.level !== 'none' ? { warning: warning.message } : {}),
        });
      } catch (error) {
        this.options.log.warn('Could not read a mailbox certificate', { profileId: mailbox.id, error: toAppError(error).message });
        this.certificateCache.set(mailbox.id, undefined);
      }
    }
    return this.certificateCache.get(mailbox.id);
  }

  /** The settings view of one mailbox (no secrets: only whether a password is stored). */
  async settingsView(mailbox: EffectiveMailbox): Promise<MailboxSettings> {
    const certificate = await this.certificateSummary(mailbox);
    const hasPassword =
      mailbox.environment === 'TRAINING' ||
      (await this.options.secrets.has({ kind: 'mailbox-password', profileId: mailbox.id }).catch(() => false));
    return {
      id: mailbox.id,
      environment: mailbox.environment,
      ...(mailbox.customUrl ? { customUrl: mailbox.customUrl } : {}),
      mailboxId: mailbox.mailboxId,
      displayName: mailbox.displayName,
      downloadFolder: mailbox.downloadFolder,
      pollIntervalMinutes: mailbox.pollIntervalMinutes,
      acknowledge: mailbox.acknowledge,
      ...(mailbox.folderMode ? { folderMode: mailbox.folderMode } : {}),
      hasPassword,
      ...(certificate ? { certificate } : {}),
      ...(mailbox.policyCertificate ? { certificateFromPolicy: await this.policyCertificateView(mailbox) } : {}),
      managed: mailbox.source === 'policy',
      ...(mailbox.source === 'policy' ? { lockedFields: SHOWN_LOCKS.filter((field) => mailbox.lockedFields.includes(field)) } : {}),
    };
  }

  /** Where IT's certificate is, and whether it still needs its password, for Settings. */
  private async policyCertificateView(mailbox: EffectiveMailbox): Promise<NonNullable<MailboxSettings['certificateFromPolicy']>> {
    const policy = mailbox.policyCertificate!;
    const view = { path: policy.file, ...(policy.keyFile ? { keyPath: policy.keyFile } : {}) };
    const passphrase =
      (await this.options.secrets.get({ kind: 'certificate-passphrase', profileId: mailbox.id }).catch(() => null)) ?? undefined;
    try {
      await loadCertificateMaterial({ ...certificateFilesFor(mailbox, this.options.dataFolder)!, ...(passphrase ? { passphrase } : {}) });
      return { ...view, needsPassphrase: false };
    } catch (error) {
      const problem = policyCertificateError(mailbox, error);
      return { ...view, needsPassphrase: toAppError(error).code === 'certificate-passphrase-wrong', problem: problem.message };
    }
  }

  /** Everything a MeshClient needs for this mailbox, read from settings, keychain and the data folder. */
  async connectionFor(profileId: string): Promise<MeshClientOptions> {
    const mailbox = this.get(profileId);
    const reason = this.unusableReason(mailbox);
    if (reason) throw new AppError({ code: 'not-configured', message: reason });
    const { secrets, training, dataFolder, store } = this.options;
    if (mailbox.environment === 'TRAINING') {
      const password = training.passwordFor(mailbox.mailboxId);
      if (!password)
        throw new AppError({ code: 'not-configured', message: `${mailbox.mailboxId} is not one of the training sandbox's mailboxes.` });
      return {
        baseUrl: training.url()!,
        mailboxId: mailbox.mailboxId,
        password,
        sharedKey: training.sharedKey,
        clientVersion: APP_VERSION,
        tls: {},
        allowSmallChunks: true,
      };
    }
    const password = await secrets.get({ kind: 'mailbox-password', profileId });
    if (!password)
      throw new AppError({ code: 'not-configured', message: `No password is saved for ${mailbox.displayName}. Enter it in Settings.` });
    const sharedKey = await secrets.get({ kind: 'environment-shared-secret', environment: mailbox.environment });
    if (!sharedKey) {
      throw new AppError({
        code: 'not-configured',
        message: `The shared secret for the ${mailbox.environment} environment is not saved. NHS England sends it with your mailbox details; enter it in Settings.`,
      });
    }
    const passphrase = (await secrets.get({ kind: 'certificate-passphrase', profileId })) ?? undefined;
    let clientCertificate: MeshClientOptions['tls']['clientCertificate'];
    const files = certificateFilesFor(mailbox, dataFolder);
    if (files && mailbox.policyCertificate) {
      // IT's files are checked before connecting, so a missing file or password is said in words, not as a TLS failure.
      await loadCertificateMaterial({ ...files, ...(passphrase ? { passphrase } : {}) }).catch((error: unknown) => {
        throw policyCertificateError(mailbox, error);
      });
    }
    if (files) {
      clientCertificate =
        files.kind === 'pem'
          ? {
              kind: 'pem',
              certificatePem: await readFile(files.certFile),
              privateKeyPem: await readFile(files.keyFile),
              ...(passphrase ? { passphrase } : {}),
            }
          : { kind: 'pfx', pfx: await readFile(files.file), ...(passphrase ? { passphrase } : {}) };
    }
    const caFiles = [...store.effective.settings.extraCaFiles, ...mailbox.extraCaFiles];
    const extraCaPems = await Promise.all(
      caFiles.map((file) =>
        readFile(file).catch((error: unknown) => {
          throw new AppError({
            code: 'file-not-found',
            message: `The certificate authority file ${file} could not be read. Check it in Settings.`,
            detail: String(error),
          });
        }),
      ),
    );
    const proxy = store.effective.settings.proxy;
    let proxyChoice: MeshClientOptions['proxy'] = 'environment';
    if (proxy.mode === 'none') proxyChoice = 'direct';
    if (proxy.mode === 'system' && this.options.resolveProxy) {
      const systemProxy = await this.options.resolveProxy(mailbox.baseUrl!).catch(() => undefined);
      const proxyPassword = systemProxy ? await secrets.get({ kind: 'proxy-password' }) : undefined;
      if (systemProxy)
        proxyChoice = {
          url: systemProxy,
          ...(proxy.username ? { username: proxy.username } : {}),
          ...(proxyPassword ? { password: proxyPassword } : {}),
        };
    }
    if (proxy.mode === 'manual' && proxy.url) {
      const host = new URL(mailbox.baseUrl!).hostname;
      if (shouldBypassProxy(host, proxy.noProxy)) {
        proxyChoice = 'direct';
      } else {
        const proxyPassword = proxy.username ? await secrets.get({ kind: 'proxy-password' }) : undefined;
        proxyChoice = {
          url: proxy.url,
          ...(proxy.username ? { username: proxy.username } : {}),
          ...(proxyPassword ? { password: proxyPassword } : {}),
        };
      }
    }
    return {
      baseUrl: mailbox.baseUrl!,
      mailboxId: mailbox.mailboxId,
      password,
      sharedKey,
      clientVersion: APP_VERSION,
      tls: { ...(clientCertificate ? { clientCertificate } : {}), extraCaPems },
      proxy: proxyChoice,
      ...(store.effective.settings.chunkSizeMiB ? { chunkSize: store.effective.settings.chunkSizeMiB * 1024 * 1024 } : {}),
    };
  }
}

const STEP_ORDER: ConnectionStep[] = ['address', 'proxy', 'tls', 'server-certificate', 'client-certificate', 'password', 'mailbox'];

const STEP_PASSED: Record<ConnectionStep, string> = {
  address: 'The MESH server was found.',
  proxy: 'The network route to MESH works.',
  tls: 'A secure connection was set up.',
  'server-certificate': 'The MESH server proved who it is.',
  'client-certificate': "MESH accepted this mailbox's certificate.",
  password: 'MESH accepted the password.',
  mailbox: 'The mailbox is ready.',
};

/** Which step of the connection an error belongs to. */
export function failedStep(error: AppError): ConnectionStep {
  switch (error.code) {
    case 'name-lookup-failed':
    case 'network-unreachable':
    case 'timeout':
    case 'not-configured':
      return 'address';
    case 'proxy-failed':
      return 'proxy';
    case 'server-certificate-untrusted':
      return 'server-certificate';
    case 'tls-failed':
      return 'tls';
    case 'auth-failed':
    case 'clock-skew':
      return error.meshCode === 'EPL-151' || /does not know this mailbox/i.test(error.message) ? 'mailbox' : 'password';
    default:
      if (error.code.startsWith('client-certificate') || error.code.startsWith('certificate-')) return 'client-certificate';
      return 'mailbox';
  }
}

/** Turns the outcome of a handshake into the step-by-step result the window shows. */
export function connectionTestResult(
  outcome: { ok: true } | { ok: false; error: AppError },
  usesProxy: boolean,
  now = new Date(),
): ConnectionTestResult {
  if (outcome.ok) {
    return {
      ok: true,
      summary: 'Connected: MESH accepted this mailbox, its password and its certificate.',
      steps: STEP_ORDER.filter((s) => usesProxy || s !== 'proxy').map((step) => ({
        step,
        outcome: 'passed' as const,
        message: STEP_PASSED[step],
      })),
      testedAt: now.toISOString(),
    };
  }
  const failed = failedStep(outcome.error);
  const failedIndex = STEP_ORDER.indexOf(failed);
  return {
    ok: false,
    summary: outcome.error.message,
    steps: STEP_ORDER.filter((s) => usesProxy || s !== 'proxy' || failed === 'proxy').map((step, _i) => {
      const index = STEP_ORDER.indexOf(step);
      if (index < failedIndex) return { step, outcome: 'passed' as const, message: STEP_PASSED[step] };
      if (index === failedIndex) return { step, outcome: 'failed' as const, message: outcome.error.message };
      return { step, outcome: 'not-reached' as const, message: 'Not checked: an earlier step failed.' };
    }),
    testedAt: now.toISOString(),
  };
}
