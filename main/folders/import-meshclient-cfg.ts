/**
 * Moving from the NHS Java MESH Client: reads its meshclient.cfg into MESH
 * Desktop mailbox profiles with folder mode on each Client's InterfaceRoot.
 * Passwords (ClientAuthentication) and the shared secret (AuthenticationKey)
 * go to the keychain, never to settings. The Java keystore cannot be read
 * here, so the report says exactly how to export it for `mesh-desktop cert import`.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { SecretStore } from '../secrets/keychain';
import { BUILT_IN_ENVIRONMENT_URLS, type MailboxEnvironment } from '../settings/environments';
import { MAX_POLL_INTERVAL_MINUTES, MIN_POLL_INTERVAL_MINUTES } from '../settings/schema';
import type { SettingsStore } from '../settings/store';
import { AppError, toAppError } from '../shared/errors';

/** One `<Client>` block. */
export interface MeshClientMailbox {
  mailboxId: string;
  password?: string;
  interfaceRoot: string;
  mailboxType?: string;
}

/** What meshclient.cfg says, secrets included (they go straight to the keychain). */
export interface MeshClientConfig {
  primaryUrl?: string;
  keyStorePath?: string;
  keyStorePassword?: string;
  authenticationKey?: string;
  proxyPath?: string;
  /** Minutes. */
  pollPeriod?: number;
  clients: MeshClientMailbox[];
}

const parser = new XMLParser({ ignoreAttributes: true, parseTagValue: false, trimValues: true, isArray: (name) => name === 'Client' });

function text(value: unknown): string | undefined {
  if (typeof value === 'string') return value.trim() === '' ? undefined : value.trim();
  return undefined;
}

/** Reads meshclient.cfg XML; a clear reason when it is not one. */
export function parseMeshClientConfig(xml: string): { ok: true; config: MeshClientConfig } | { ok: false; reason: string } {
  const source = xml.replace(/^\uFEFF/, '');
  const valid = XMLValidator.validate(source);
  if (valid !== true) return { ok: false, reason: `meshclient.cfg is not valid XML (line ${valid.err.line}: ${valid.err.msg})` };
  const root = (parser.parse(source) as Record<string, unknown>)['MESHConfig'] as Record<string, unknown> | undefined;
  if (!root || typeof root !== 'object') return { ok: false, reason: 'This is not a meshclient.cfg: it has no MESHConfig element.' };
  const clients: MeshClientMailbox[] = [];
  for (const block of (root['Client'] as Array<Record<string, unknown>> | undefined) ?? []) {
    const mailboxId = text(block['ClientIdentity'])?.toUpperCase();
    const interfaceRoot = text(block['InterfaceRoot']);
    if (!mailboxId || !interfaceRoot) continue;
    const password = text(block['ClientAuthentication']);
    const mailboxType = text(block['MailboxType']);
    clients.push({ mailboxId, interfaceRoot, ...(password ? { password } : {}), ...(mailboxType ? { mailboxType } : {}) });
  }
  if (clients.length === 0) return { ok: false, reason: 'meshclient.cfg has no Client block with a ClientIdentity and an InterfaceRoot.' };
  const poll = Number(text(root['PollPeriod']));
  const config: MeshClientConfig = { clients };
  const fields: Array<[keyof MeshClientConfig, string]> = [
    ['primaryUrl', 'PrimaryURL'],
    ['keyStorePath', 'KeyStorePath'],
    ['keyStorePassword', 'KeyStorePassword'],
    ['authenticationKey', 'AuthenticationKey'],
    ['proxyPath', 'ProxyPath'],
  ];
  for (const [key, name] of fields) {
    const value = text(root[name]);
    if (value !== undefined) (config as unknown as Record<string, unknown>)[key] = value;
  }
  if (Number.isFinite(poll) && poll > 0) config.pollPeriod = poll;
  return { ok: true, config };
}

/** Which MESH Desktop environment a PrimaryURL is (by host), else CUSTOM with that address. */
export function environmentForUrl(primaryUrl: string | undefined): { environment: MailboxEnvironment; customUrl?: string } {
  if (!primaryUrl) return { environment: 'LIVE' };
  let host: string;
  let origin: string;
  try {
    const url = new URL(primaryUrl);
    host = url.host.toLowerCase();
    origin = url.origin;
  } catch {
    return { environment: 'CUSTOM', customUrl: primaryUrl };
  }
  for (const environment of ['INT', 'DEP', 'LIVE'] as const) {
    const known = BUILT_IN_ENVIRONMENT_URLS[environment];
    if (known && new URL(known).host.toLowerCase() === host) return { environment };
  }
  return { environment: 'CUSTOM', customUrl: origin };
}

/** The keytool command that turns the Java client's keystore into a PFX MESH Desktop can import. */
export function keytoolCommand(keyStorePath: string, pfxPath: string): string {
  return `keytool -importkeystore -srckeystore "${keyStorePath}" -srcstoretype JKS -destkeystore "${pfxPath}" -deststoretype PKCS12`;
}

/** What an import did and what is left for a person. */
export interface ImportReport {
  imported: Array<{ mailboxId: string; profileId: string; folder: string; passwordSaved: boolean }>;
  skipped: Array<{ mailboxId: string; reason: string }>;
  /** Steps a person must take, each a full sentence (with commands where there are some). */
  needsPerson: string[];
}

/** Adds a folder-mode mailbox profile for each Client of `config`; secrets go to the keychain. */
export async function importMeshClientConfig(config: MeshClientConfig, store: SettingsStore, secrets: SecretStore): Promise<ImportReport> {
  const report: ImportReport = { imported: [], skipped: [], needsPerson: [] };
  const { environment, customUrl } = environmentForUrl(config.primaryUrl);
  const pollIntervalMinutes = Math.min(MAX_POLL_INTERVAL_MINUTES, Math.max(MIN_POLL_INTERVAL_MINUTES, Math.round(config.pollPeriod ?? 30)));
  for (const client of config.clients) {
    if (client.mailboxType && client.mailboxType.toUpperCase() !== 'MESH') {
      report.skipped.push({ mailboxId: client.mailboxId, reason: `MailboxType is ${client.mailboxType}, not MESH.` });
      continue;
    }
    try {
      const profile = await store.addMailbox({
        environment,
        ...(customUrl ? { customUrl } : {}),
        mailboxId: client.mailboxId,
        displayName: client.mailboxId,
        downloadFolder: `${client.interfaceRoot.replace(/[\\/]+$/, '')}${client.interfaceRoot.includes('\\') ? '\\' : '/'}IN`,
        pollIntervalMinutes,
        folderMode: { enabled: true, folder: client.interfaceRoot },
      });
      let passwordSaved = false;
      if (client.password) {
        try {
          await secrets.set({ kind: 'mailbox-password', profileId: profile.id }, client.password);
          passwordSaved = true;
        } catch (error) {
          report.needsPerson.push(
            `The password of ${client.mailboxId} could not be saved in the keychain (${toAppError(error).message}). Enter it in MESH Desktop's mailbox settings.`,
          );
        }
      } else {
        report.needsPerson.push(`meshclient.cfg has no password for ${client.mailboxId}. Enter it in MESH Desktop's mailbox settings.`);
      }
      report.imported.push({ mailboxId: client.mailboxId, profileId: profile.id, folder: client.interfaceRoot, passwordSaved });
    } catch (error) {
      report.skipped.push({ mailboxId: client.mailboxId, reason: toAppError(error).message });
    }
  }
  if (config.authenticationKey && environment !== 'TRAINING') {
    await secrets
      .set({ kind: 'environment-shared-secret', environment }, config.authenticationKey)
      .catch((error: unknown) =>
        report.needsPerson.push(`The MESH shared secret could not be saved in the keychain (${toAppError(error).message}).`),
      );
  }
  if (report.imported.length > 0) {
    const keystore = config.keyStorePath ?? 'mesh.keystore';
    for (const item of report.imported) {
      report.needsPerson.push(
        `The Java client's certificate for ${item.mailboxId} is in a Java keystore, which MESH Desktop cannot read. With Java's keytool (it came with the Java client's Java), export it to a PFX file — you will be asked for the keystore password (KeyStorePassword in meshclient.cfg) and a new password for the PFX:\n` +
          `    ${keytoolCommand(keystore, `${item.mailboxId}.pfx`)}\n` +
          `  then import it (the PFX password goes in MESH_PFX_PASSPHRASE):\n` +
          `    mesh-desktop cert import ${item.mailboxId} --pfx ${item.mailboxId}.pfx\n` +
          `  and delete the PFX file once imported.`,
      );
    }
  }
  if (config.proxyPath) {
    report.needsPerson.push(
      `The Java client read proxy settings from ${config.proxyPath}; set the same proxy in MESH Desktop's settings (or leave it on the system proxy).`,
    );
  }
  report.needsPerson.push(
    'Stop the Java MESH Client before starting `mesh-desktop run`: two programs working the same folders would send files twice.',
  );
  return report;
}

/** Refuses a config file that is not one, with the reason. */
export function requireConfig(xml: string): MeshClientConfig {
  const parsed = parseMeshClientConfig(xml);
  if (!parsed.ok) throw new AppError({ code: 'invalid-argument', message: parsed.reason });
  return parsed.config;
}
