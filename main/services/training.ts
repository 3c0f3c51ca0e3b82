import { randomBytes } from 'node:crypto';
import { mkdir, writeFile, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../log/logger';
import { MeshClient } from '../mesh/client';
import { ADMIN_TOKEN_HEADER, DEMO_MAILBOXES, DEMO_WORKFLOWS, startSandbox, type RunningSandbox } from '../sandbox';
import { APP_VERSION } from '../shared/version';
import type { TrainingEndpoint } from './mailboxes';

/** The demo mailboxes a newcomer gets: a GP practice, a hospital and a care home. */
export const TRAINING_MAILBOX_IDS = ['B86001OT01', 'RR8OT001', 'VN1AAOT1'] as const;

/** Where a running training sandbox keeps its admin token, inside its own folder. */
export const TRAINING_ADMIN_TOKEN_FILE = 'admin-token';

/**
 * The in-app training sandbox: the same MESH emulator the tests use, on a
 * loopback port, with a few demo mailboxes and sample messages, so a newcomer
 * can send and receive at once without touching the real MESH.
 *
 * It answers only requests addressed to 127.0.0.1 or localhost and none from
 * web pages, and its admin endpoints want a token made for this run, so a page
 * in the person's browser can neither reset their training mailboxes nor inject
 * faults. The token is also written, readable by this user only, beside the
 * sandbox's store: whoever can read that folder can change the store anyway,
 * and the end-to-end tests use it to move the sandbox's clock.
 */
export class TrainingSandbox implements TrainingEndpoint {
  private running: RunningSandbox | undefined;
  private starting: Promise<RunningSandbox> | undefined;
  readonly sharedKey: string;

  constructor(private readonly options: { folder: string; log: Logger }) {
    // Local and throwaway, but still not a guessable constant another program could use.
    this.sharedKey = randomBytes(16).toString('hex');
  }

  url(): string | undefined {
    return this.running?.url;
  }

  passwordFor(mailboxId: string): string | undefined {
    return DEMO_MAILBOXES.find((m) => m.mailbox_id === mailboxId.toUpperCase())?.password;
  }

  /** The demo mailboxes the app shows, with their names. */
  mailboxes(): { mailboxId: string; displayName: string }[] {
    return TRAINING_MAILBOX_IDS.map((id) => ({
      mailboxId: id,
      displayName: DEMO_MAILBOXES.find((m) => m.mailbox_id === id)?.mailbox_name ?? id,
    }));
  }

  /** Starts the sandbox (once) and seeds the sample messages the first time. */
  async start(): Promise<RunningSandbox> {
    if (this.running) return this.running;
    this.starting ??= (async () => {
      await mkdir(this.options.folder, { recursive: true, mode: 0o700 });
      const sandbox = await startSandbox({
        sharedKey: this.sharedKey,
        mailboxes: [...DEMO_MAILBOXES],
        workflows: [...DEMO_WORKFLOWS],
        store: { kind: 'disk', dir: join(this.options.folder, 'store') },
        auth: { mode: 'full' },
        log: (line) => this.options.log.info('Training sandbox', { line }),
      });
      try {
        await writeFile(join(this.options.folder, TRAINING_ADMIN_TOKEN_FILE), sandbox.adminToken ?? '', { mode: 0o600 });
      } catch (error) {
        await sandbox.close();
        throw error;
      }
      this.running = sandbox;
      const marker = join(this.options.folder, 'seeded');
      const seeded = await readFile(marker, 'utf8').catch(() => undefined);
      if (!seeded) {
        await this.seed(sandbox);
        await writeFile(marker, new Date().toISOString());
      }
      this.options.log.info('Training sandbox started', { url: sandbox.url });
      return sandbox;
    })();
    try {
      return await this.starting;
    } finally {
      this.starting = undefined;
    }
  }

  async stop(): Promise<void> {
    const running = this.running;
    this.running = undefined;
    await running?.close();
    if (running) await rm(join(this.options.folder, TRAINING_ADMIN_TOKEN_FILE), { force: true });
  }

  private client(mailboxId: string, url: string): MeshClient {
    return new MeshClient({
      baseUrl: url,
      mailboxId,
      password: this.passwordFor(mailboxId)!,
      sharedKey: this.sharedKey,
      clientVersion: APP_VERSION,
      tls: {},
      allowSmallChunks: true,
    });
  }

  /** Sample messages: a discharge summary, a chunked report, and a non-delivery report. */
  private async seed(sandbox: RunningSandbox): Promise<void> {
    const samples = join(this.options.folder, 'samples');
    await mkdir(samples, { recursive: true });
    const hospital = this.client('RR8OT001', sandbox.url);
    const gp = this.client('B86001OT01', sandbox.url);
    try {
      const discharge = join(samples, 'discharge-summary.csv');
      await writeFile(discharge, 'ward,discharged,follow_up\nAcute Medical Unit,2026-11-20,GP review in 7 days\n');
      await hospital.sendFile(discharge, {
        to: 'B86001OT01',
        workflowId: 'TOC_FHIR_IP_DISCH',
        subject: 'Discharge summary (training sample)',
        localId: 'TRAIN-DS-001',
        fileName: 'discharge-summary.csv',
      });

      // Big enough for three chunks at the sandbox's small training chunk size.
      const chunked = join(samples, 'pathology-results.csv');
      const rows = ['test,result,units'];
      // Counted as it grows: re-joining the rows on every pass made this quadratic and froze the app for minutes.
      let length = rows[0]!.length;
      for (let i = 0; length < 2_600_000; i++) {
        const row = `SAMPLE-${i},${(i % 97) / 10},mmol/L`;
        rows.push(row);
        length += row.length + 1;
      }
      await writeFile(chunked, rows.join('\n'));
      await hospital.sendFile(
        chunked,
        {
          to: 'B86001OT01',
          workflowId: 'PATH_MEDRPT_V3',
          subject: 'Monthly pathology results (training sample, chunked)',
          localId: 'TRAIN-PATH-11',
          fileName: 'pathology-results.csv',
        },
        { chunkSize: 1024 * 1024, compress: true },
      );

      // A message from the GP that "could not be delivered", with its report.
      const referral = join(samples, 'care-plan.txt');
      await writeFile(referral, 'Care plan update (training sample).\n');
      const undelivered = await gp.sendFile(referral, {
        to: 'VN1AAOT1',
        workflowId: 'CARE_PLAN_UPDATE',
        subject: 'Care plan update',
        localId: 'TRAIN-CP-3',
        fileName: 'care-plan.txt',
      });
      const adminHeaders = {
        'content-type': 'application/json',
        ...(sandbox.adminToken ? { [ADMIN_TOKEN_HEADER]: sandbox.adminToken } : {}),
      };
      const event = await fetch(`${sandbox.url}/messageexchange/admin/message/${encodeURIComponent(undelivered)}/event`, {
        method: 'POST',
        headers: adminHeaders,
        body: JSON.stringify({
          status: 'undeliverable',
          code: '14',
          event: 'SEND',
          description: 'Message not collected by recipient after 5 days',
        }),
      });
      const report = await fetch(`${sandbox.url}/messageexchange/admin/report`, {
        method: 'POST',
        headers: adminHeaders,
        body: JSON.stringify({
          mailbox_id: 'B86001OT01',
          code: '14',
          description: 'Message not collected by recipient after 5 days',
          workflow_id: 'CARE_PLAN_UPDATE',
          subject: 'Care plan update',
          local_id: 'TRAIN-CP-3',
          status: 'error',
          linked_message_id: undelivered,
        }),
      });
      // The sample is a nicety: without it the sandbox still works, so say so in the log and carry on.
      for (const response of [event, report]) {
        if (!response.ok) this.options.log.warn('A training sample could not be set up', { url: response.url, status: response.status });
      }
    } finally {
      hospital.close();
      gp.close();
      await rm(samples, { recursive: true, force: true });
    }
  }
}
