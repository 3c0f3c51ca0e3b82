/**
 * Starts a MESH sandbox for a test: HTTPS with client certificates from a
 * fresh test PKI, NHS sandbox's three test mailboxes and workflows.
 */
import { startSandbox } from '../../main/sandbox/index';
import type { RunningSandbox, SandboxMailbox, SandboxOptions, SandboxWorkflow } from '../../main/sandbox/index';
import { type TestPki, createTestPki } from './pki';

export const TEST_SHARED_KEY = 'TestKey';
export const TEST_PASSWORD = 'password';

/** NHS mesh-sandbox's canned mailboxes (store/data/mailboxes.jsonl). */
export const TEST_MAILBOXES: SandboxMailbox[] = [
  {
    mailbox_id: 'X26ABC1',
    mailbox_name: 'TESTMB1',
    ods_code: 'X26',
    org_code: 'X26',
    org_name: 'NHS England',
    billing_entity: 'England',
    password: TEST_PASSWORD,
    active: true,
  },
  {
    mailbox_id: 'X26ABC2',
    mailbox_name: 'TESTMB2',
    ods_code: 'X26',
    org_code: 'X26',
    org_name: 'NHS England',
    billing_entity: 'Wales',
    password: TEST_PASSWORD,
    active: true,
  },
  {
    mailbox_id: 'X26ABC3',
    mailbox_name: 'TESTMB3',
    ods_code: 'X27',
    org_code: 'X27',
    org_name: 'NHS England',
    billing_entity: 'England',
    password: TEST_PASSWORD,
    active: true,
  },
];

/** NHS mesh-sandbox's canned workflows (store/data/workflows.jsonl). */
export const TEST_WORKFLOWS: SandboxWorkflow[] = [
  { workflow_id: 'TEST_WORKFLOW', senders: ['X26ABC1'], receivers: ['X26ABC2'] },
  { workflow_id: 'TEST_WORKFLOW_ACK', senders: ['X26ABC2'], receivers: ['X26ABC1', 'X26ABC3'] },
  { workflow_id: 'TEST_WORKFLOW2', senders: ['X26ABC1'], receivers: ['X26ABC1', 'X26ABC2', 'X26ABC3'] },
];

export interface TestSandbox {
  sandbox: RunningSandbox;
  pki: TestPki;
  sharedKey: string;
  /** TLS options a client needs: the X26ABC1 client certificate and the CA that signed the server. */
  clientTls: { cert: string; key: string; ca: string };
}

let sharedPki: Promise<TestPki> | undefined;

/** One PKI per test file (process): certificate generation is the slow part. */
export function testPki(): Promise<TestPki> {
  sharedPki ??= createTestPki();
  return sharedPki;
}

/** Starts a sandbox over mutual TLS; options override the defaults. */
export async function startTestSandbox(overrides: Partial<SandboxOptions> = {}): Promise<TestSandbox> {
  const pki = await testPki();
  const options: SandboxOptions = {
    sharedKey: TEST_SHARED_KEY,
    mailboxes: TEST_MAILBOXES,
    workflows: TEST_WORKFLOWS,
    tls: { cert: pki.server.certPem, key: pki.server.keyPem, clientCa: pki.ca.certPem },
    ...overrides,
  };
  const sandbox = await startSandbox(options);
  return {
    sandbox,
    pki,
    sharedKey: options.sharedKey,
    clientTls: { cert: pki.client.certPem, key: pki.client.keyPem, ca: pki.ca.certPem },
  };
}
