// A MESH emulator over real TLS that demands a client certificate, with test
// certificates generated for this run and written to files, as a person
// would have them. Shared by the command-line and engine tests. It runs as the
// app runs it: Host and Origin checked, admin endpoints behind a per-run token
// (adminHeaders() carries it).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ADMIN_TOKEN_HEADER,
  startSandbox,
  type RunningSandbox,
  type SandboxMailbox,
  type SandboxOptions,
  type SandboxWorkflow,
} from '../../main/sandbox';
import { MeshClient, type MeshClientOptions } from '../../main/mesh/client';
import type { SocketTarget } from './hostile-sockets';
import { createTestPki, type TestPki, type TestPkiFiles } from './pki';

export const SHARED_KEY = 'TestKey';

export const TEST_MAILBOXES: SandboxMailbox[] = [
  {
    mailbox_id: 'X26ABC1',
    mailbox_name: 'Riverside Surgery',
    ods_code: 'X26',
    org_code: 'X26',
    org_name: 'Riverside Surgery',
    password: 'password',
  },
  {
    mailbox_id: 'X26ABC2',
    mailbox_name: 'County Hospital Pathology',
    ods_code: 'X26',
    org_code: 'X26',
    org_name: 'County Hospital',
    password: 'password',
  },
  {
    mailbox_id: 'X27ABC3',
    mailbox_name: 'Hilltop Care Home',
    ods_code: 'X27',
    org_code: 'X27',
    org_name: 'Hilltop Care Home',
    password: 'password',
  },
];

export const TEST_WORKFLOWS: SandboxWorkflow[] = [
  { workflow_id: 'TEST_WORKFLOW', senders: ['X26ABC1'], receivers: ['X26ABC2'] },
  { workflow_id: 'TEST_WORKFLOW_ACK', senders: ['X26ABC2'], receivers: ['X26ABC1', 'X27ABC3'] },
];

export interface MeshFixture {
  sandbox: RunningSandbox;
  pki: TestPki;
  files: TestPkiFiles;
  folder: string;
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

/** Starts the emulator with TLS and required client certificates. */
export async function startMeshFixture(options: Partial<SandboxOptions> = {}): Promise<MeshFixture> {
  const folder = mkdtempSync(join(tmpdir(), 'mesh-fixture-'));
  const pki = await createTestPki(join(folder, 'pki'));
  const files = pki.files!;
  const sandbox = await startSandbox({
    sharedKey: SHARED_KEY,
    mailboxes: TEST_MAILBOXES,
    workflows: TEST_WORKFLOWS,
    tls: { cert: pki.server.certPem, key: pki.server.keyPem, clientCa: pki.ca.certPem, clientCertificates: 'required' },
    store: { kind: 'disk', dir: join(folder, 'store') },
    ...options,
  });
  const password = (mailboxId: string) => TEST_MAILBOXES.find((m) => m.mailbox_id === mailboxId)?.password ?? 'password';
  const clientOptions = (mailboxId: string): MeshClientOptions => ({
    baseUrl: sandbox.url,
    mailboxId,
    password: password(mailboxId),
    sharedKey: SHARED_KEY,
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
    cliEnv: (mailboxId) => ({
      PATH: process.env.PATH,
      MESH_URL: sandbox.url,
      MESH_MAILBOX: mailboxId,
      MESH_PASSWORD: password(mailboxId),
      MESH_SHARED_KEY: SHARED_KEY,
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
