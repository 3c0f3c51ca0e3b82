// Issue 22 benchmark: the Activity view over a long audit trail, in the real
// preview (out/main/preview.mjs: the real services and bridge, main in its own
// process as in the app) in Debian's Chromium, beside a baseline trail of
// 1,000 entries measured in the same run.
//   The trail is written straight to disk in the trail's own format (canonical
//   JSON, each entry hash-chained to the one before, monthly files of at most
//   8 MiB, head.json), so the app verifies every entry as it would a real one.
//   Measured per trail, with frame times, Long Animation Frames and long tasks
//   recorded in the page (the inbox benchmark's probe):
//     open     click Activity → the first row painted (main reads and checks the whole trail first)
//     filter   type a word into Search → the count shows the matches; then choose a direction
//     scroll   the list scrolled by steps (240 px a frame), then flung to the end: rows arrive page by page
// Nothing is asserted but that every entry is counted and the last row arrives.
//   npm run bench -- activity [--entries 100000] [--baseline 1000] [--runs 2]
import { build } from 'esbuild';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium, type Browser, type Page } from 'playwright-core';
import playwrightConfig from '../../playwright.config';
import { canonicalJson, entryHash } from '../../main/audit/canonical';
import { AUDIT_FORMAT_VERSION, GENESIS_HASH, type AuditAction } from '../../main/audit/entry';
import { auditFileName } from '../../main/audit/trail';
import type { FrameRecording } from './_inbox-probe';
import { seededRandom } from './_seeded';

const { values } = parseArgs({
  options: {
    entries: { type: 'string', default: '100000' },
    baseline: { type: 'string', default: '1000' },
    runs: { type: 'string', default: '2' },
  },
  strict: false,
});
const bigCount = Number(values.entries);
const baselineCount = Number(values.baseline);
const runs = Number(values.runs);
const root = process.cwd();
const work = mkdtempSync(join(process.env.BENCH_DIR ?? tmpdir(), 'mesh-bench-activity-'));
const probeFile = join(work, 'probe.js');
const LONG_FRAME_MS = 50;
const STEP_PIXELS = 240;
const STEP_FRAMES = 600;
const MAX_FILE_BYTES = 8 * 1024 * 1024;

const MAILBOXES = ['X26ABC1', 'X26ABC2', 'RX1RA001'];
const PARTIES = ['X26OT123', 'RX1RA001', 'YGM24GPX', 'X26HC004', 'A91023OT'];
const WORKFLOWS = ['PATH_MEDRPT_V3', 'RAD_REPORT', 'GPFED_CONSULT_REPORT', 'TOC_FHIR_IP_DISCH'];
const ACTIONS: AuditAction[] = [
  'message-sent',
  'message-received',
  'message-acknowledged',
  'message-sent',
  'message-received',
  'send-failed',
];

/** `count` entries over the last year, written as the trail writes them; returns the data folder. */
async function writeTrail(count: number): Promise<string> {
  const dataFolder = join(work, `data-${count}`);
  const folder = join(dataFolder, 'audit');
  await mkdir(folder, { recursive: true });
  const random = seededRandom(count);
  const start = Date.now() - 365 * 24 * 60 * 60_000;
  const step = (365 * 24 * 60 * 60_000) / count;
  const files = new Map<string, string[]>();
  let file = '';
  let size = 0;
  let prev = GENESIS_HASH;
  for (let seq = 1; seq <= count; seq++) {
    const at = new Date(start + seq * step);
    const action = ACTIONS[Math.floor(random() * ACTIONS.length)]!;
    const mailbox = MAILBOXES[Math.floor(random() * MAILBOXES.length)]!;
    const party = PARTIES[Math.floor(random() * PARTIES.length)]!;
    const sent = action === 'message-sent' || action === 'send-failed';
    const fileName = `letter-${String(seq).padStart(6, '0')}.pdf`;
    const body = {
      v: AUDIT_FORMAT_VERSION,
      seq,
      at: at.toISOString(),
      local: at.toISOString().replace('Z', '+00:00'),
      zone: 'Europe/London',
      actor: { account: 'NHS\\jbloggs', host: 'PC-0417', via: random() < 0.7 ? 'window' : 'folder-mode', pid: 4242 },
      action,
      outcome: action === 'send-failed' ? 'failed' : 'ok',
      mailbox: { id: mailbox, environment: 'LIVE' },
      message: {
        messageId: `${at.toISOString().replace(/\D/g, '').slice(0, 17)}_${seq.toString(16).toUpperCase().padStart(6, '0')}`,
        from: sent ? mailbox : party,
        to: sent ? party : mailbox,
        workflowId: WORKFLOWS[Math.floor(random() * WORKFLOWS.length)]!,
        subject: `Letter ${seq}`,
        fileName,
        size: Math.floor(random() * 5_000_000) + 200,
        sha256: entryHash({ seq }).slice(0, 64),
        ...(action === 'message-received' ? { savedTo: `C:\\Users\\jbloggs\\MESH\\${mailbox}\\${fileName}` } : {}),
      },
      ...(action === 'send-failed' ? { reason: 'The recipient mailbox was not found.', code: 'EPL-151' } : {}),
      prev,
    };
    const hash = entryHash(body);
    const line = `${canonicalJson({ ...body, hash })}\n`;
    prev = hash;
    const bytes = Buffer.byteLength(line);
    const month = body.at.slice(0, 7);
    // A new file each month, and when one would pass 8 MiB, as the trail's writer does.
    if (!file.startsWith(`audit-${month}`) || size + bytes > MAX_FILE_BYTES) {
      const part = file.startsWith(`audit-${month}`) ? Number(file.slice(14, 17)) + 1 : 1;
      file = auditFileName(Number(month.slice(0, 4)), Number(month.slice(5, 7)), part);
      size = 0;
    }
    size += bytes;
    const lines = files.get(file) ?? [];
    lines.push(line);
    files.set(file, lines);
  }
  for (const [name, lines] of files) await writeFile(join(folder, name), lines.join(''), { mode: 0o600 });
  await writeFile(join(folder, 'head.json'), `${JSON.stringify({ seq: count, hash: prev, file })}\n`);
  return dataFolder;
}

/** Starts the preview on a data folder and resolves with its link. */
async function startPreview(dataFolder: string): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [join(root, 'out/main/preview.mjs'), '--data-dir', dataFolder, '--port', '0'], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`The preview did not start:\n${output}`)), 30_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /(http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`The preview exited (${code}):\n${output}`)));
  });
  return { url, child };
}

interface Phase {
  ms: number;
  frames: number;
  over50: number;
  longAnimationFrames: number;
  longestAnimationFrameMs: number;
  longTasks: number;
  longestTaskMs: number;
}

function phaseOf(recording: FrameRecording, ms: number): Phase {
  return {
    ms,
    frames: recording.frameTimes.length,
    over50: recording.frameTimes.filter((t) => t > LONG_FRAME_MS).length,
    longAnimationFrames: recording.longAnimationFrames.length,
    longestAnimationFrameMs: Math.max(0, ...recording.longAnimationFrames.map((f) => f.duration)),
    longTasks: recording.longTasks.length,
    longestTaskMs: Math.max(0, ...recording.longTasks),
  };
}

/** Runs `action` with frames recorded, until `done` holds in the page. */
async function recorded(page: Page, action: () => Promise<void>, done: () => Promise<void>): Promise<Phase> {
  await page.evaluate(() => window.__inboxBench!.startRecording());
  const started = Date.now();
  await action();
  await done();
  const ms = Date.now() - started;
  // Two more frames, so a long frame that painted the answer is in the recording.
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
  return phaseOf(await page.evaluate(() => window.__inboxBench!.stopRecording()), ms);
}

interface Result {
  run: number;
  entries: number;
  loadAverage: number;
  open: Phase;
  search: Phase;
  direction: Phase;
  steps: Phase;
  fling: Phase;
  pageErrors: string[];
}

async function measure(browser: Browser, dataFolder: string, entries: number, run: number): Promise<Result> {
  const loadAverage = loadavg()[0]!;
  const { url, child } = await startPreview(dataFolder);
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await context.addInitScript({ path: probeFile });
  const page = await context.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  try {
    await page.goto(url);
    const folders = page.getByRole('navigation', { name: 'Mailboxes and folders' }).getByRole('list', { name: 'Folders' });
    await folders.getByRole('button', { name: 'Activity', exact: true }).waitFor();
    await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 500)));
    const grid = page.getByRole('grid', { name: 'Activity on this computer' });
    const countText = page.locator('.app-filters__count');
    const allListed = () =>
      // The preview records the policy it applied at start: one entry more than was written.
      page.waitForFunction((n) => Number(document.querySelector('[role="grid"]')?.getAttribute('aria-rowcount')) >= n + 1, entries, {
        timeout: 120_000,
      });
    const open = await recorded(
      page,
      () => folders.getByRole('button', { name: 'Activity', exact: true }).click(),
      async () => {
        await allListed();
        await grid
          .locator('tr.app-table__row')
          .filter({ hasText: /Letter \d+/ })
          .first()
          .waitFor({ timeout: 120_000 });
      },
    );
    const search = await recorded(
      page,
      () => page.getByRole('search').getByLabel('Search', { exact: true }).fill('Letter 77'),
      () => countText.filter({ hasText: / of / }).waitFor({ timeout: 120_000 }),
    );
    const direction = await recorded(
      page,
      async () => {
        const before = await countText.textContent();
        await page.getByRole('search').getByLabel('Direction', { exact: true }).selectOption('received');
        await page.waitForFunction((text) => document.querySelector('.app-filters__count')?.textContent !== text, before, {
          timeout: 120_000,
        });
      },
      async () => {},
    );
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await allListed();
    await grid
      .locator('tr.app-table__row')
      .filter({ hasText: /Letter \d+/ })
      .first()
      .waitFor();
    await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 500)));
    const steps = await recorded(
      page,
      () =>
        page.evaluate(
          ([step, frames]) => window.__inboxBench!.scrollInSteps(step!, frames!).then(() => undefined),
          [STEP_PIXELS, STEP_FRAMES],
        ),
      async () => {},
    );
    const fling = await recorded(
      page,
      () =>
        page.evaluate(() => {
          const list = document.querySelector('.app-table-scroll')!;
          list.scrollTop = list.scrollHeight;
        }),
      // The oldest entry is "Letter 1": its page has arrived when it is drawn.
      () => grid.locator('tr.app-table__row').getByText('Letter 1', { exact: true }).waitFor({ timeout: 120_000 }),
    );
    return { run, entries, loadAverage, open, search, direction, steps, fling, pageErrors };
  } catch (error) {
    const text = await page
      .locator('main')
      .innerText()
      .catch(() => '');
    throw new Error(`The Activity view of ${entries} entries did not get there. The page says: ${text.slice(0, 600)}`, { cause: error });
  } finally {
    await context.close();
    child.kill();
  }
}

const phaseText = (p: Phase) =>
  `${`${p.ms} ms`.padStart(9)}  ${String(p.frames).padStart(6)}  ${String(p.over50).padStart(6)}  ${`${p.longAnimationFrames} (${p.longestAnimationFrameMs.toFixed(0)} ms)`.padStart(12)}  ${`${p.longTasks} (${p.longestTaskMs.toFixed(0)} ms)`.padStart(12)}`;

try {
  await build({
    absWorkingDir: root,
    entryPoints: ['scripts/bench/_inbox-probe.ts'],
    outfile: probeFile,
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'chrome120',
    logLevel: 'warning',
  });
  const folders = new Map<number, string>();
  for (const n of [baselineCount, bigCount]) {
    const started = Date.now();
    folders.set(n, await writeTrail(n));
    console.log(`Wrote a trail of ${n} entries in ${Date.now() - started} ms.`);
  }
  const browser = await chromium.launch({ ...(playwrightConfig.use?.launchOptions ?? {}), headless: true });
  const results: Result[] = [];
  try {
    for (let run = 1; run <= runs; run++) {
      const order = run % 2 === 1 ? [bigCount, baselineCount] : [baselineCount, bigCount];
      for (const n of order) {
        results.push(await measure(browser, folders.get(n)!, n, run));
      }
    }
    console.log(
      `\nActivity view in the preview (real services, main in its own process) in Chromium ${browser.version()}, headless, 1280×800; ${cpus().length} cores.`,
    );
  } finally {
    await browser.close();
  }
  console.log(
    `A long frame is over ${LONG_FRAME_MS} ms between animation frames; LoAF = Long Animation Frames; target: none while opening and filtering.\n`,
  );
  console.log('run  entries  phase      time       frames  >50 ms  LoAF (longest)  long tasks (longest)  load avg');
  for (const r of results) {
    for (const [name, phase] of [
      ['open', r.open],
      ['search', r.search],
      ['direction', r.direction],
      ['scroll', r.steps],
      ['fling', r.fling],
    ] as const) {
      console.log(
        `${String(r.run).padStart(3)}  ${String(r.entries).padStart(7)}  ${name.padEnd(9)}  ${phaseText(phase)}  ${r.loadAverage.toFixed(1).padStart(8)}`,
      );
    }
    if (r.pageErrors.length > 0) console.log(`     errors in the page: ${r.pageErrors.join(' | ')}`);
  }
  writeFileSync(join(root, '.bench', 'activity-results.json'), JSON.stringify({ at: new Date().toISOString(), results }, null, 2));
} finally {
  rmSync(work, { recursive: true, force: true });
}
