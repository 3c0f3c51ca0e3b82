import { readFile } from 'node:fs/promises';
import { auditPlacement } from '../audit/policy-event';
import { openAuditRecorder, type AuditRecorder } from '../audit/recorder';
import { machinePolicyLoader } from '../settings/machine-policy';
import type { Logger } from '../log/logger';
import { defaultDataFolder } from '../shared/paths';
import { AppError } from '../shared/errors';
import { MESH_ENVIRONMENTS, isLoopbackHost } from '../mesh/environments';
import type { MeshClientOptions } from '../mesh/client';
import type { ClientCertificate } from '../mesh/tls';
import { APP_VERSION } from '../shared/version';

/** Connection flags shared by every protocol command (secrets come from the environment only). */
export interface ConnectionFlags {
  url?: string;
  env?: string;
  mailbox?: string;
  cert?: string;
  key?: string;
  pfx?: string;
  ca?: string[];
}

/** Flags that would put a secret in the process list and shell history. */
export const REFUSED_SECRET_FLAGS = ['password', 'shared-key', 'passphrase', 'key-passphrase', 'pfx-passphrase', 'secret'];

function usage(message: string): AppError {
  return new AppError({ code: 'invalid-argument', message });
}

const ENV_NAMES: Record<string, keyof typeof MESH_ENVIRONMENTS> = { INT: 'integration', DEP: 'deployment', LIVE: 'live' };

/** The MESH base URL from --url / MESH_URL or --env INT|DEP|LIVE. */
export function resolveBaseUrl(flags: ConnectionFlags, env: NodeJS.ProcessEnv): string {
  const url = flags.url ?? env.MESH_URL;
  const named = flags.env ?? env.MESH_ENV;
  if (url && flags.env) throw usage('Give either --url or --env, not both.');
  if (url) return url;
  if (named) {
    const id = ENV_NAMES[named.toUpperCase()];
    const baseUrl = id ? MESH_ENVIRONMENTS[id].baseUrl : undefined;
    if (!baseUrl) throw usage(`Unknown environment "${named}". Use INT, DEP or LIVE, or give --url.`);
    return baseUrl;
  }
  throw usage('Say which MESH server to use: --url https://… (or MESH_URL), or --env INT|DEP|LIVE.');
}

/** The environment the audit trail names for a command line's connection: INT, DEP or LIVE, else the server's address. */
export function auditEnvironment(flags: ConnectionFlags, env: NodeJS.ProcessEnv, baseUrl: string): string {
  const named = (flags.env ?? env.MESH_ENV)?.toUpperCase();
  return !(flags.url ?? env.MESH_URL) && named && ENV_NAMES[named] ? named : baseUrl;
}

/** Where the machine policy puts the audit trail and how long it keeps it, read as the window and folder mode read it. */
export async function cliAuditPlacement(): Promise<{ folder?: string; retentionDays?: number }> {
  return auditPlacement((await machinePolicyLoader()()).result);
}

/** The recorder a command writes the audit trail through, as the command line, for the mailbox it connects as. */
export async function cliAuditRecorder(
  context: { values: Record<string, unknown>; env: NodeJS.ProcessEnv },
  connection: MeshClientOptions,
  log: Logger,
): Promise<AuditRecorder> {
  const dataFolder = (context.values['data-dir'] as string | undefined) ?? defaultDataFolder(context.env);
  const mailbox = {
    id: connection.mailboxId.toUpperCase(),
    environment: auditEnvironment(context.values as ConnectionFlags, context.env, connection.baseUrl),
  };
  return openAuditRecorder({ dataFolder, ...(await cliAuditPlacement()), via: 'command-line', log, mailboxOf: () => mailbox });
}

async function readPem(path: string, what: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (error) {
    throw new AppError({
      code: 'file-not-found',
      message: `The ${what} file ${path} could not be read. Check the path.`,
      detail: String(error),
    });
  }
}

/** Builds the client options from flags and environment variables. */
export async function connectionFromFlags(flags: ConnectionFlags, env: NodeJS.ProcessEnv = process.env): Promise<MeshClientOptions> {
  const baseUrl = resolveBaseUrl(flags, env);
  const mailboxId = flags.mailbox ?? env.MESH_MAILBOX;
  if (!mailboxId) throw usage('Say which mailbox to use: --mailbox X26ABC1 (or MESH_MAILBOX).');
  const password = env.MESH_PASSWORD;
  if (!password)
    throw usage('Set the mailbox password in the MESH_PASSWORD environment variable (it is never accepted on the command line).');
  const sharedKey = env.MESH_SHARED_KEY;
  if (!sharedKey) throw usage('Set the environment shared secret in MESH_SHARED_KEY (NHS England gives it to you with the mailbox).');

  const certPath = flags.cert ?? env.MESH_CERT;
  const keyPath = flags.key ?? env.MESH_KEY;
  const pfxPath = flags.pfx ?? env.MESH_PFX;
  let clientCertificate: ClientCertificate | undefined;
  if (pfxPath && (certPath || keyPath)) throw usage('Give either --pfx or --cert with --key, not both.');
  if (pfxPath) {
    const passphrase = env.MESH_PFX_PASSPHRASE ?? env.MESH_KEY_PASSPHRASE;
    clientCertificate = { kind: 'pfx', pfx: await readPem(pfxPath, 'certificate (.pfx)'), ...(passphrase ? { passphrase } : {}) };
  } else if (certPath || keyPath) {
    if (!certPath || !keyPath) throw usage('Give both --cert (the certificate) and --key (its private key).');
    const passphrase = env.MESH_KEY_PASSPHRASE;
    clientCertificate = {
      kind: 'pem',
      certificatePem: await readPem(certPath, 'certificate'),
      privateKeyPem: await readPem(keyPath, 'private key'),
      ...(passphrase ? { passphrase } : {}),
    };
  }
  const caPaths = flags.ca && flags.ca.length > 0 ? flags.ca : env.MESH_CA ? env.MESH_CA.split(',').filter(Boolean) : [];
  const extraCaPems = await Promise.all(caPaths.map((path) => readPem(path, 'certificate authority')));
  const host = new URL(baseUrl).hostname;
  return {
    baseUrl,
    mailboxId,
    password,
    sharedKey,
    clientVersion: APP_VERSION,
    tls: { ...(clientCertificate ? { clientCertificate } : {}), extraCaPems },
    // Chunks under MESH's 5 MB floor only make sense against a local sandbox.
    allowSmallChunks: isLoopbackHost(host),
  };
}
