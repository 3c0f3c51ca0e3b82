/**
 * MeshClients for the emulator's mailboxes (NHS mesh-sandbox's set, started
 * by the shared mesh fixture), so client integration tests read as what they
 * test.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MeshClient, type MeshClientOptions } from '../../../main/mesh/client';
import { ADMIN_TOKEN_HEADER } from '../../../main/sandbox';
import type { RunningSandbox } from '../../../main/sandbox';
import { FAST_RETRY, SHARED_KEY, startNhsSandboxFixture, type MeshFixtureOptions } from '../../support/mesh-fixture';
import type { TestPki } from '../../support/pki';

export { FAST_RETRY, SHARED_KEY };
export const SENDER = 'X26ABC1';
export const RECIPIENT = 'X26ABC2';
export const THIRD = 'X26ABC3';
export const WORKFLOW = 'TEST_WORKFLOW';

export interface MeshTestbed {
  pki: TestPki;
  sandbox: RunningSandbox;
  /** A scratch folder removed by close(). */
  dir: string;
  /** A client for a sandbox mailbox with the good client certificate; overrides win. */
  client(mailboxId?: string, overrides?: Partial<MeshClientOptions>): MeshClient;
  close(): Promise<void>;
}

/** Starts the emulator with mutual TLS (client certificates required unless overridden). */
export async function startTestbed(options: MeshFixtureOptions = {}): Promise<MeshTestbed> {
  const fixture = await startNhsSandboxFixture(options);
  const { pki, sandbox } = fixture;
  const dir = await mkdtemp(join(tmpdir(), 'mesh-client-test-'));
  const clients: MeshClient[] = [];
  return {
    pki,
    sandbox,
    dir,
    client(mailboxId = SENDER, overrides = {}) {
      const client = new MeshClient({
        ...fixture.clientOptions(mailboxId),
        proxy: 'direct',
        clientVersion: '0.0.0-test',
        retry: FAST_RETRY,
        tempDir: dir,
        ...overrides,
      });
      clients.push(client);
      return client;
    },
    async close() {
      for (const client of clients) client.close();
      await fixture.close();
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
