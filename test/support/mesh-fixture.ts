// The one way tests start the MESH emulator: over real TLS that asks for a
// client certificate, with test certificates generated at test time and
// written to files, as a person would have them. It runs as the app runs it:
// Host and Origin checked, admin endpoints behind a per-run token
// (adminHeaders() carries it). Options choose what the tests differ in:
// mailboxes and workflows (the app's set or NHS mesh-sandbox's), the store,
// gzip, faults, the client-certificate mode, and whether the certificates
// are this fixture's own or the test file's shared set.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ADMIN_TOKEN_HEADER,
  DEMO_MAILBOXES,
  DEMO_WORKFLOWS,
  startSandbox,
  type ClientCertificateMode,
  type RunningSandbox,
  type SandboxMailbox,
  type SandboxOptions,
  type SandboxWorkflow,
} from '../../main/sandbox';
import { MeshClient, type MeshClientOptions } from '../../main/mesh/client';
import type { SocketTarget } from './hostile-sockets';
import { createTestPki, type TestPki, type TestPkiFiles } from './pki';

export const SHARED_KEY = 'TestKey';
export const TEST_PASSWORD = 'password';
/** Fast retries for clients of the emulator, so fault tests take milliseconds. */
export const FAST_RETRY = { retries: 4, baseDelayMs: 5, maxDelayMs: 20, maxRetryAfterMs: 50 };

/** The app's test mailboxes: named as a person would see them. */
export const TEST_MAILBOXES: SandboxMailbox[] = [
  {
    mailbox_id: 'X26ABC1',
    mailbox_name: 'Riverside Surgery',
    ods_code: 'X26',
    org_code: 'X26',
    org_name: 'Riverside Surgery',
    password: TEST_PASSWORD,
  },
  {
    mailbox_id: 'X26ABC2',
    mailbox_name: 'County Hospital Pathology',
    ods_code: 'X26',
    org_code: 'X26',
    org_name: 'County Hospital',
    password: TEST_PASSWORD,
  },
  {
    mailbox_id: 'X27ABC3',
    mailbox_name: 'Hilltop Care Home',
    ods_code: 'X27',
    org_code: 'X27',
    org_name: 'Hilltop Care Home',
    password: TEST_PASSWORD,
  },
];

export const TEST_WORKFLOWS: SandboxWorkflow[] = [
  { workflow_id: 'TEST_WORKFLOW', senders: ['X26ABC1'], receivers: ['X26ABC2'] },
  { workflow_id: 'TEST_WORKFLOW_ACK', senders: ['X26ABC2'], receivers: ['X26ABC1', 'X27ABC3'] },
];

// NHS mesh-sandbox's canned mailboxes and workflows (its store/data/*.jsonl), for tests of the emulator and the
// MESH client: taken from the emulator's demo data, which carries them, so the two never drift apart.
const NHS_SANDBOX_MAILBOX_IDS = ['X26ABC1', 'X26ABC2', 'X26ABC3'];
export const NHS_SANDBOX_MAILBOXES: SandboxMailbox[] = DEMO_MAILBOXES.filter((m) => NHS_SANDBOX_MAILBOX_IDS.includes(m.mailbox_id));
export const NHS_SANDBOX_WORKFLOWS: SandboxWorkflow[] = DEMO_WORKFLOWS.filter((w) => w.workflow_id.startsWith('TEST_WORKFLOW'));

export interface MeshFixtureOptions extends Partial<SandboxOptions> {
  /**
   * 'fresh' (the default): certificates made for this fixture alone.
   * 'shared': the test file's one set (sharedTestPki), for files that start
   * many emulators; signing certificates is the slow part.
   */
  pki?: 'fresh' | 'shared';
  /** How the emulator treats client certificates; default 'required'. Ignored when `tls` is given. */
  clientCertificates?: ClientCertificateMode;
}

export interface MeshFixture {
  sandbox: RunningSandbox;
  pki: TestPki;
  files: TestPkiFiles;
  folder: string;
  sharedKey: string;
  /** The good client certificate and the CA that signed the server's, for raw HTTPS requests. */
  clientTls: { cert: string; key: string; ca: string };
  /** Environment variables for the command line, as mailbox `mailboxId`. */
  cliEnv(mailboxId: string): NodeJS.ProcessEnv;
  /** MeshClient options for `mailboxId` with the client certificate. */
  clientOptions(mailboxId: string): MeshClientOptions;
  /** Where raw sockets reach the emulator; with TLS, the CA and the good client certificate. */
  socketTarget: SocketTarget;
  /** The header admin requests need (empty when the emulator was started with admin open). */
  adminHeaders(): Record<string, string>;
  /** A real MeshClient handshake as `mailboxId` (default X26ABC1): rejects unless the emulator answers it. */
  handshake(mailboxId?: string): Promise<void>;
  close(): Promise<void>;
}

let sharedPki: Promise<TestPki> | undefined;

/** One test PKI per test file (process), written to a folder removed when the process ends. */
export function sharedTestPki(): Promise<TestPki> {
  if (!sharedPki) {
    const folder = mkdtempSync(join(tmpdir(), 'mesh-pki-'));
    process.once('exit', () => rmSync(folder, { recursive: true, force: true }));
    sharedPki = createTestPki(folder);
  }
  return sharedPki;
}

/** Starts the emulator with TLS and client certificates (required unless options say otherwise). */
export async function startMeshFixture(options: MeshFixtureOptions = {}): Promise<MeshFixture> {
  const { pki: pkiKind = 'fresh', clientCertificates = 'required', ...sandboxOptions } = options;
  const folder = mkdtempSync(join(tmpdir(), 'mesh-fixture-'));
  const pki = pkiKind === 'shared' ? await sharedTestPki() : await createTestPki(join(folder, 'pki'));
  const files = pki.files!;
  const settings: SandboxOptions = {
    sharedKey: SHARED_KEY,
    mailboxes: TEST_MAILBOXES,
    workflows: TEST_WORKFLOWS,
    tls: { cert: pki.server.certPem, key: pki.server.keyPem, clientCa: pki.ca.certPem, clientCertificates },
    store: { kind: 'disk', dir: join(folder, 'store') },
    ...sandboxOptions,
  };
  const sandbox = await startSandbox(settings);
  const password = (mailboxId: string) => settings.mailboxes.find((m) => m.mailbox_id === mailboxId)?.password ?? TEST_PASSWORD;
  const clientOptions = (mailboxId: string): MeshClientOptions => ({
    baseUrl: sandbox.url,
    mailboxId,
    password: password(mailboxId),
    sharedKey: settings.sharedKey,
    clientVersion: 'test',
    allowSmallChunks: true,
    retry: { baseDelayMs: 5, maxDelayMs: 20 },
    tls: {
      clientCertificate: { kind: 'pem', certificatePem: pki.client.certPem, privateKeyPem: pki.client.keyPem },
      extraCaPems: [pki.ca.certPem],
      useSystemStore: false,
    },
  });
  const hostname = new URL(sandbox.url).hostname.replace(/^\[|\]$/g, '');
  return {
    sandbox,
    pki,
    files,
    folder,
    sharedKey: settings.sharedKey,
    clientTls: { cert: pki.client.certPem, key: pki.client.keyPem, ca: pki.ca.certPem },
    cliEnv: (mailboxId) => ({
      PATH: process.env.PATH,
      MESH_URL: sandbox.url,
      MESH_MAILBOX: mailboxId,
      MESH_PASSWORD: password(mailboxId),
      MESH_SHARED_KEY: settings.sharedKey,
      MESH_CERT: files.clientCert,
      MESH_KEY: files.clientKey,
      MESH_CA: files.caCert,
      // The command line keeps its transfer journal here, not in the real user folder.
      MESH_DESKTOP_DATA_DIR: join(folder, 'cli-data'),
    }),
    clientOptions,
    socketTarget: {
      host: hostname,
      port: sandbox.port,
      ...(sandbox.url.startsWith('https:') ? { tls: { ca: pki.ca.certPem, cert: pki.client.certPem, key: pki.client.keyPem } } : {}),
    },
    adminHeaders: (): Record<string, string> => (sandbox.adminToken === undefined ? {} : { [ADMIN_TOKEN_HEADER]: sandbox.adminToken }),
    handshake: async (mailboxId = 'X26ABC1') => {
      const client = new MeshClient({ ...clientOptions(mailboxId), retry: { retries: 0 } });
      try {
        await client.handshake();
      } finally {
        client.close();
      }
    },
    close: async () => {
      await sandbox.close();
      rmSync(folder, { recursive: true, force: true });
    },
  };
}

/** The emulator as NHS mesh-sandbox ships it (its mailboxes and workflows, messages in memory), on the test file's shared certificates. */
export function startNhsSandboxFixture(options: MeshFixtureOptions = {}): Promise<MeshFixture> {
  return startMeshFixture({
    pki: 'shared',
    mailboxes: NHS_SANDBOX_MAILBOXES,
    workflows: NHS_SANDBOX_WORKFLOWS,
    store: { kind: 'memory' },
    ...options,
  });
}
