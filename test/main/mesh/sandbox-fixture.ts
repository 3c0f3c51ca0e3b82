/**
 * Starts the MESH sandbox over mutual TLS with the test PKI and builds
 * MeshClients for its mailboxes, so integration tests read as what they test.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MeshClient, type MeshClientOptions } from '../../../main/mesh/client';
import { ADMIN_TOKEN_HEADER, startSandbox } from '../../../main/sandbox';
import type { RunningSandbox, SandboxOptions } from '../../../main/sandbox';
import { createTestPki, type TestPki } from '../../support/pki';

export const SHARED_KEY = 'TestKey';
export const SENDER = 'X26ABC1';
export const RECIPIENT = 'X26ABC2';
export const THIRD = 'X26ABC3';
export const WORKFLOW = 'TEST_WORKFLOW';

export const MAILBOXES: SandboxOptions['mailboxes'] = [
  { mailbox_id: SENDER, mailbox_name: 'TESTMB1', ods_code: 'X26', org_code: 'X26', org_name: 'Test Org 1', password: 'password' },
  { mailbox_id: RECIPIENT, mailbox_name: 'TESTMB2', ods_code: 'X26', org_code: 'X26', org_name: 'Test Org 2', password: 'password' },
  { mailbox_id: THIRD, mailbox_name: 'TESTMB3', ods_code: 'X27', org_code: 'X27', org_name: 'Test Org 3', password: 'password' },
];

export const WORKFLOWS: SandboxOptions['workflows'] = [
  { workflow_id: WORKFLOW, senders: [SENDER], receivers: [RECIPIENT] },
  { workflow_id: 'TEST_WORKFLOW_ACK', senders: [RECIPIENT], receivers: [SENDER, THIRD] },
  { workflow_id: 'TEST_WORKFLOW2', senders: [SENDER], receivers: [SENDER, RECIPIENT, THIRD] },
];

/** Fast retries so fault tests take milliseconds. */
export const FAST_RETRY = { retries: 4, baseDelayMs: 5, maxDelayMs: 20, maxRetryAfterMs: 50 };

export interface MeshTestbed {
  pki: TestPki;
  sandbox: RunningSandbox;
  /** A scratch folder removed by close(). */
  dir: string;
  /** A client for a sandbox mailbox with the good client certificate; overrides win. */
  client(mailboxId?: string, overrides?: Partial<MeshClientOptions>): MeshClient;
  close(): Promise<void>;
}

let sharedPki: Promise<TestPki> | undefined;

/** One PKI per test file: key generation is the slow part. */
export function testPki(): Promise<TestPki> {
  sharedPki ??= createTestPki();
  return sharedPki;
}

/** Starts a sandbox with mutual TLS (client certificates required unless overridden). */
export async function startTestbed(options: Partial<SandboxOptions> = {}): Promise<MeshTestbed> {
  const pki = await testPki();
  const sandbox = await startSandbox({
    tls: { cert: pki.server.certPem, key: pki.server.keyPem, clientCa: pki.ca.certPem, clientCertificates: 'required' },
    sharedKey: SHARED_KEY,
    mailboxes: MAILBOXES,
    workflows: WORKFLOWS,
    store: { kind: 'memory' },
    ...options,
  });
  const dir = await mkdtemp(join(tmpdir(), 'mesh-client-test-'));
  const clients: MeshClient[] = [];
  return {
    pki,
    sandbox,
    dir,
    client(mailboxId = SENDER, overrides = {}) {
      const client = new MeshClient({
        baseUrl: sandbox.url,
        mailboxId,
        password: 'password',
        sharedKey: SHARED_KEY,
        tls: {
          clientCertificate: { kind: 'pem', certificatePem: pki.client.certPem, privateKeyPem: pki.client.keyPem },
          environmentCaPems: [pki.ca.certPem],
          useSystemStore: false,
        },
        proxy: 'direct',
        clientVersion: '0.0.0-test',
        retry: FAST_RETRY,
        allowSmallChunks: true,
        tempDir: dir,
        ...overrides,
      });
      clients.push(client);
      return client;
    },
    async close() {
      for (const client of clients) client.close();
      await sandbox.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Calls a sandbox admin endpoint, with its admin token, over the same mutual TLS (plain node:https, not our client). */
export async function adminRequest(
  bed: MeshTestbed,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; json: unknown }> {
  const { request } = await import('node:https');
  const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
  return new Promise((resolve, reject) => {
    const req = request(
      new URL(path, bed.sandbox.url),
      {
        method,
        ca: bed.pki.ca.certPem,
        cert: bed.pki.client.certPem,
        key: bed.pki.client.keyPem,
        headers: {
          ...(bed.sandbox.adminToken ? { [ADMIN_TOKEN_HEADER]: bed.sandbox.adminToken } : {}),
          ...(payload ? { 'content-type': 'application/json', 'content-length': String(payload.length) } : {}),
        },
      },
      (res) => {
        const parts: Buffer[] = [];
        res.on('data', (part: Buffer) => parts.push(part));
        res.on('end', () => {
          const text = Buffer.concat(parts).toString('utf8');
          let json: unknown = text;
          try {
            json = JSON.parse(text);
          } catch {
            // not JSON: keep the text
          }
          resolve({ status: res.statusCode ?? 0, json });
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}
