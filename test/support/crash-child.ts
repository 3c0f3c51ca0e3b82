/**
 * The child side of the crash harness: a crash test's child script reads its
 * configuration, reaches the emulator with a MESH client built from it, and
 * reports in JSON lines. Bundled into each child by crash-harness.
 */
import { readFileSync } from 'node:fs';
import { MeshTransferClient } from '../../main/mesh/local-id-tracking';
import type { MeshClientOptions } from '../../main/mesh/client';

/** How a child reaches the emulator; crash-harness's childConnection fills it from the fixture. */
export interface ChildConnection {
  baseUrl: string;
  mailboxId: string;
  password: string;
  sharedKey: string;
  clientCertFile: string;
  clientKeyFile: string;
  caCertFile: string;
}

/** The configuration the harness passed in `variable`. */
export function childConfig<T extends ChildConnection>(variable: string): T {
  return JSON.parse(process.env[variable] ?? '') as T;
}

/** A transfer client for the child's mailbox with the certificate files, fast retries; overrides win. */
export function childClient(connection: ChildConnection, overrides: Partial<MeshClientOptions> = {}): MeshTransferClient {
  return new MeshTransferClient({
    baseUrl: connection.baseUrl,
    mailboxId: connection.mailboxId,
    password: connection.password,
    sharedKey: connection.sharedKey,
    clientVersion: 'crash-test',
    proxy: 'direct',
    allowSmallChunks: true,
    retry: { retries: 4, baseDelayMs: 5, maxDelayMs: 20, maxRetryAfterMs: 50 },
    tls: {
      clientCertificate: {
        kind: 'pem',
        certificatePem: readFileSync(connection.clientCertFile),
        privateKeyPem: readFileSync(connection.clientKeyFile),
      },
      extraCaPems: [readFileSync(connection.caCertFile)],
      useSystemStore: false,
    },
    ...overrides,
  });
}

/** One JSON line on stdout for the harness; {started: true} arms its kill. */
export function report(message: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(message)}\n`);
}
