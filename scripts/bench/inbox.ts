// Issue 6 benchmark: the real renderer build (out/renderer) with the real
// InboxView, in Debian's Chromium (the e2e launch arguments), showing an inbox
// of 5,000 messages beside a baseline of 50 measured in the same run.
//   first render: from the bridge answering listInbox (mark set just before the
//     answer is parsed) to the frame holding the first message row being painted;
//     also from navigation start to that paint
//   scrolling: frame times (requestAnimationFrame), Long Animation Frames and
//     long tasks while the whole list scrolls, once by scrollTop steps (a fixed
//     distance every frame) and once by mouse-wheel events sent as fast as
//     Playwright delivers them. The baseline scrolls for as many frames/events,
//     turning back at its ends, so both lists do the same amount of scrolling.
// The page talks to a bench-only bridge (_inbox-bridge.ts: window.mesh from the
// real createMeshApi, answering from generated InboxItems); _inbox-probe.ts
// takes the measurements. Nothing is asserted but that every message is in the
// list (aria-rowcount) and that scrolling reached the last one.
//   npm run bench -- inbox [--messages 5000] [--baseline 50] [--runs 2] [--loads 3]
import { build } from 'esbuild';
import { createReadStream, writeFileSync } from 'node:fs';
import { cp, readFile, rm, stat } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus, loadavg } from 'node:os';
import { extname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium, type Browser, type Page } from 'playwright-core';
import playwrightConfig from '../../playwright.config';
import { CONTENT_SECURITY_POLICY } from '../../main/shared/csp';
import { resolveInside } from '../../main/shared/paths';
import { INBOX_ANSWERED_MARK } from './_inbox-bridge';
import { FIRST_ROW_PAINTED_MARK, type FrameRecording } from './_inbox-probe';

const { values } = parseArgs({
  options: {
    messages: { type: 'string', default: '5000' },
    baseline: { type: 'string', default: '50' },
    runs: { type: 'string', default: '2' },
    loads: { type: 'string', default: '3' },
  },
  strict: false,
});
const bigCount = Number(values.messages);
const baselineCount = Number(values.baseline);
const runs = Number(values.runs);
const loads = Number(values.loads);
const root = process.cwd();
const builtRenderer = join(root, 'out/renderer');
const pageFolder = join(root, '.bench', 'inbox-page');
/** A private copy of the build, so a rebuild by someone else mid-run cannot pull assets from under the page. */
const rendererFolder = join(pageFolder, 'renderer');

/** The list's fixed row height (renderer/src/components/VirtualTable.tsx ROW_HEIGHT). */
const ROW_HEIGHT = 44;
/** scrollTop pass: pixels per frame (about 14,000 px/s at 60 Hz, a quick fling). */
const STEP_PIXELS = 240;
/** Wheel pass: pixels per wheel event (one notch). */
const WHEEL_PIXELS = 120;
const LONG_FRAME_MS = 50;
/** Both lists scroll as far as it takes to see the whole big list once. */
const stepFrames = Math.ceil((bigCount * ROW_HEIGHT) / STEP_PIXELS) + 2;
const wheelEvents = Math.ceil((bigCount * ROW_HEIGHT) / WHEEL_PIXELS) + 2;

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.woff2': 'font/woff2',
};

interface FrameStats {
  frames: number;
  medianMs: number;
  p95Ms: number;
  maxMs: number;
  over50: number;
  longAnimationFrames: number;
  longestAnimationFrameMs: number;
  /** Of all long animation frames together: time in scripts, and in style and layout. */
  longFrameScriptMs: number;
  longFrameStyleAndLayoutMs: number;
  longFrameTotalMs: number;
  longTasks: number;
  longestTaskMs: number;
  seconds: number;
  reachedLastRow: boolean;
}

interface LoadResult {
  answeredToPaintMs: number;
  navigationToPaintMs: number;
  rowsInFirstFrame: number;
}

interface PageResult {
  run: number;
  messages: number;
  loads: LoadResult[];
  stepScroll: FrameStats;
  wheelScroll: FrameStats;
  pageErrors: string[];
  /** The machine's 1-minute load average when this page started: the machine is shared, so read figures against it. */
  loadAverage: number;
}

/** Builds the two browser scripts to classic scripts under .bench/inbox-page/. */
async function buildPageScripts(): Promise<void> {
  await build({
    absWorkingDir: root,
    entryPoints: { bridge: 'scripts/bench/_inbox-bridge.ts', probe: 'scripts/bench/_inbox-probe.ts' },
    outdir: pageFolder,
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'chrome120',
    logLevel: 'warning',
  });
}

/** The asset paths index.html loads, such as "./assets/index-abc.js". */
function referencedAssets(indexHtml: string): string[] {
  return [...indexHtml.matchAll(/(?:src|href)="\.\/([^"]+)"/g)].map((match) => match[1]!);
}

/** Copies out/renderer to rendererFolder, waiting out a rebuild in progress (up to a minute); returns its script's name. */
async function snapshotRenderer(): Promise<string> {
  for (let attempt = 0; attempt < 30; attempt++) {
    await rm(rendererFolder, { recursive: true, force: true });
    try {
      await cp(builtRenderer, rendererFolder, { recursive: true });
      const indexHtml = await readFile(join(rendererFolder, 'index.html'), 'utf8');
      const assets = referencedAssets(indexHtml);
      const present = await Promise.all(
        assets.map((asset) =>
          stat(join(rendererFolder, asset)).then(
            () => true,
            () => false,
          ),
        ),
      );
      if (assets.length > 0 && present.every(Boolean)) return assets.find((asset) => asset.endsWith('.js')) ?? assets[0]!;
    } catch {
      // out/renderer is being rebuilt right now: try again shortly.
    }
    await sleep(2_000);
  }
  throw new Error('out/renderer is missing or incomplete: run `npm run build` first.');
}

/** Serves the renderer snapshot with the probe and the bench bridge loaded first, under the app's Content-Security-Policy. */
async function startPageServer(): Promise<{ server: Server; origin: string }> {
  const indexHtml = await readFile(join(rendererFolder, 'index.html'), 'utf8');
  const pageHtml = indexHtml.replace(
    '<head>',
    '<head>\n    <script src="/__bench/probe.js"></script>\n    <script src="/__bench/bridge.js"></script>',
  );
  const headers = { 'Content-Security-Policy': CONTENT_SECURITY_POLICY, 'Cache-Control': 'no-store' };
  const server = createServer((req, res) => {
    void (async () => {
      const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
      const benchScript = /^\/__bench\/(probe|bridge)\.js$/.exec(path);
      const file = benchScript ? join(pageFolder, `${benchScript[1]}.js`) : resolveInside(rendererFolder, decodeURIComponent(path));
      const info = file && path !== '/' ? await stat(file).catch(() => undefined) : undefined;
      if (!file || !info?.isFile()) {
        res.writeHead(200, { ...headers, 'Content-Type': TYPES['.html']! });
        return res.end(pageHtml);
      }
      res.writeHead(200, { ...headers, 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' });
      createReadStream(file).pipe(res);
    })().catch(() => res.writeHead(500).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

/** Summarises one recording. */
function frameStats(recording: FrameRecording, seconds: number, reachedLastRow: boolean): FrameStats {
  const sorted = [...recording.frameTimes].sort((a, b) => a - b);
  return {
    frames: sorted.length,
    medianMs: percentile(sorted, 0.5),
    p95Ms: percentile(sorted, 0.95),
    maxMs: sorted[sorted.length - 1] ?? 0,
    over50: sorted.filter((ms) => ms > LONG_FRAME_MS).length,
    longAnimationFrames: recording.longAnimationFrames.length,
    longestAnimationFrameMs: Math.max(0, ...recording.longAnimationFrames.map((f) => f.duration)),
    longFrameScriptMs: recording.longAnimationFrames.reduce((sum, f) => sum + f.scriptMs, 0),
    longFrameStyleAndLayoutMs: recording.longAnimationFrames.reduce((sum, f) => sum + f.styleAndLayoutMs, 0),
    longFrameTotalMs: recording.longAnimationFrames.reduce((sum, f) => sum + f.duration, 0),
    longTasks: recording.longTasks.length,
    longestTaskMs: Math.max(0, ...recording.longTasks),
    seconds,
    reachedLastRow,
  };
}

async function markTime(page: Page, name: string): Promise<number> {
  return page.evaluate((mark) => performance.getEntriesByName(mark, 'mark')[0]?.startTime ?? Number.NaN, name);
}

/** Opens the inbox with `count` messages and measures the time to its first painted row. */
async function loadInbox(page: Page, origin: string, count: number): Promise<LoadResult> {
  await page.goto(`${origin}/?messages=${count}`);
  await page
    .waitForFunction((mark) => performance.getEntriesByName(mark, 'mark').length > 0, FIRST_ROW_PAINTED_MARK, { timeout: 60_000 })
    .catch(async (error: unknown) => {
      const text = (
        await page
          .locator('body')
          .innerText()
          .catch(() => '')
      ).slice(0, 300);
      throw new Error(`No message row was painted for ${count} messages within 60 s. The page says: ${text}`, { cause: error });
    });
  const answered = await markTime(page, INBOX_ANSWERED_MARK);
  const painted = await markTime(page, FIRST_ROW_PAINTED_MARK);
  const rowCount = Number(await page.locator('[role="grid"]').first().getAttribute('aria-rowcount'));
  if (rowCount !== count + 1) throw new Error(`The list holds ${rowCount - 1} messages, not ${count}.`);
  const rowsInFirstFrame = await page.evaluate(() => document.querySelectorAll('tr.app-table__row').length);
  return { answeredToPaintMs: painted - answered, navigationToPaintMs: painted, rowsInFirstFrame };
}

/** Lets the page go quiet (fonts, the first effects) before a scroll is measured. */
async function settle(page: Page): Promise<void> {
  await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 500)));
}

async function stepScroll(page: Page, count: number): Promise<FrameStats> {
  await page.evaluate(() => window.__inboxBench!.startRecording());
  const outcome = await page.evaluate(([step, frames]) => window.__inboxBench!.scrollInSteps(step!, frames!), [STEP_PIXELS, stepFrames]);
  const recording = await page.evaluate(() => window.__inboxBench!.stopRecording());
  return frameStats(recording, outcome.milliseconds / 1000, outcome.lastRowIndexAtBottom === count + 1);
}

async function wheelScroll(page: Page, count: number): Promise<FrameStats> {
  const box = await page.locator('.app-table-scroll').boundingBox();
  if (!box) throw new Error('The message list has no size.');
  await page.evaluate(() => {
    document.querySelector('.app-table-scroll')!.scrollTop = 0;
  });
  await settle(page);
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.evaluate(() => window.__inboxBench!.startRecording());
  const started = performance.now();
  let direction = 1;
  let reachedLastRow = false;
  for (let i = 0; i < wheelEvents; i++) {
    await page.mouse.wheel(0, direction * WHEEL_PIXELS);
    // Look where the list is now and then (not every event: that would slow the wheel down).
    if (i % 25 === 24 || i === wheelEvents - 1) {
      const where = await page.evaluate(() => window.__inboxBench!.scroller());
      if (where.scrollTop >= where.maxScrollTop - 1) {
        if (!reachedLastRow) {
          await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
          reachedLastRow = (await page.evaluate(() => window.__inboxBench!.lastRenderedRowIndex())) === count + 1;
        }
        direction = -1;
      } else if (where.scrollTop <= 0) direction = 1;
    }
  }
  const seconds = (performance.now() - started) / 1000;
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
  const recording = await page.evaluate(() => window.__inboxBench!.stopRecording());
  return frameStats(recording, seconds, reachedLastRow);
}

async function measurePage(browser: Browser, origin: string, run: number, count: number): Promise<PageResult> {
  const loadAverage = loadavg()[0]!;
  const context = await browser.newContext({ viewport: playwrightConfig.use?.viewport ?? { width: 1280, height: 800 } });
  const page = await context.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  try {
    const results: LoadResult[] = [];
    for (let i = 0; i < loads; i++) results.push(await loadInbox(page, origin, count));
    await settle(page);
    const step = await stepScroll(page, count);
    const wheel = await wheelScroll(page, count);
    return { run, messages: count, loads: results, stepScroll: step, wheelScroll: wheel, pageErrors, loadAverage };
  } finally {
    await context.close();
  }
}

const median = (values: number[]) =>
  percentile(
    [...values].sort((a, b) => a - b),
    0.5,
  );
const ms = (value: number) => `${value.toFixed(1)} ms`;

function printResults(results: PageResult[]): void {
  console.log(
    `Inbox in the real renderer (out/renderer, real InboxView) in ${playwrightConfig.use?.launchOptions?.executablePath ?? 'Chromium'} ${browserVersion}, headless, ${loads} page loads per list per run; renderer build ${rendererBuild}.`,
  );
  console.log(`Targets: first render under 200 ms; no frames over ${LONG_FRAME_MS} ms while scrolling.`);
  console.log(`The machine is shared (${cpus().length} cores): "load avg" is its 1-minute load average as each list started.\n`);
  console.log('First render (answer → first row painted is the figure against the target; navigation → painted includes loading the app)');
  console.log('run  messages  answer→painted (each load)              median     navigation→painted median  rows drawn  load avg');
  for (const r of results) {
    const each = r.loads.map((l) => l.answeredToPaintMs.toFixed(1)).join(', ');
    console.log(
      `${String(r.run).padStart(3)}  ${String(r.messages).padStart(8)}  ${each.padEnd(38)}  ${ms(median(r.loads.map((l) => l.answeredToPaintMs))).padStart(9)}  ${ms(median(r.loads.map((l) => l.navigationToPaintMs))).padStart(25)}  ${String(r.loads[0]?.rowsInFirstFrame ?? 0).padStart(10)}  ${r.loadAverage.toFixed(1).padStart(8)}`,
    );
  }
  for (const [label, pick, how] of [
    ['scrollTop steps', (r: PageResult) => r.stepScroll, `${STEP_PIXELS} px every frame, ${stepFrames} frames`],
    [
      'mouse wheel',
      (r: PageResult) => r.wheelScroll,
      `${wheelEvents} wheel events of ${WHEEL_PIXELS} px, as fast as Playwright sends them`,
    ],
  ] as const) {
    console.log(`\nScrolling by ${label} (${how}); frame time = gap between animation frames`);
    console.log(
      'run  messages  frames  median    p95      max       >50 ms  LoAF (longest)     long tasks (longest)  LoAF time: script / style+layout / total  seconds  saw last row',
    );
    for (const r of results) {
      const s = pick(r);
      console.log(
        `${String(r.run).padStart(3)}  ${String(r.messages).padStart(8)}  ${String(s.frames).padStart(6)}  ${ms(s.medianMs).padStart(7)}  ${ms(s.p95Ms).padStart(7)}  ${ms(s.maxMs).padStart(8)}  ${String(s.over50).padStart(6)}  ${`${s.longAnimationFrames} (${ms(s.longestAnimationFrameMs)})`.padStart(16)}  ${`${s.longTasks} (${ms(s.longestTaskMs)})`.padStart(20)}  ${`${s.longFrameScriptMs.toFixed(0)} / ${s.longFrameStyleAndLayoutMs.toFixed(0)} / ${s.longFrameTotalMs.toFixed(0)} ms`.padStart(40)}  ${s.seconds.toFixed(1).padStart(7)}  ${s.reachedLastRow ? 'yes' : 'NO'}`,
      );
    }
  }
  const big = results.filter((r) => r.messages === bigCount);
  const worstFirst = Math.max(...big.flatMap((r) => r.loads.map((l) => l.answeredToPaintMs)));
  const longFrames = big.reduce((n, r) => n + r.stepScroll.over50 + r.wheelScroll.over50, 0);
  console.log(
    `\n${bigCount} messages: worst first render ${ms(worstFirst)} (target < 200 ms); ${longFrames} frames over ${LONG_FRAME_MS} ms across all scroll passes (target 0).`,
  );
  const errors = results.flatMap((r) => r.pageErrors);
  if (errors.length > 0) console.log(`Errors thrown in the page: ${errors.join(' | ')}`);
}

const rendererBuild = await snapshotRenderer();
await buildPageScripts();
const { server, origin } = await startPageServer();
const browser = await chromium.launch({
  ...(playwrightConfig.use?.launchOptions ?? {}),
  headless: true,
});
const browserVersion = browser.version();
const results: PageResult[] = [];
try {
  for (let run = 1; run <= runs; run++) {
    // Alternate which list goes first, so a warming browser does not always favour one.
    const order = run % 2 === 1 ? [bigCount, baselineCount] : [baselineCount, bigCount];
    for (const count of order) results.push(await measurePage(browser, origin, run, count));
  }
} finally {
  await browser.close();
  server.close();
}
printResults(results);
writeFileSync(
  join(root, '.bench', 'inbox-results.json'),
  JSON.stringify({ at: new Date().toISOString(), browserVersion, stepFrames, wheelEvents, results }, null, 2),
);
