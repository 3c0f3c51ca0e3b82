#!/usr/bin/env node
// `npm test`: type-checking, lint, unit tests and the end-to-end suite, in
// that order, with one summary at the end. Every step runs even if an
// earlier one failed, so one run shows everything that is wrong.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { stripVTControlCharacters } from 'node:util';

// The main-process code runs on the Node inside Electron; tests on another major test a runtime no user has.
const wanted = JSON.parse(readFileSync(join(process.cwd(), 'package.json'), 'utf8')).engines.node;
console.log(`Node ${process.version} (package.json wants ${wanted})`);
if (!new RegExp(`^>=${process.versions.node.split('.')[0]}\\.`).test(wanted)) {
  console.warn(`Warning: these tests should run on Node ${wanted}; README.md, "Set up and run", says how to get it.`);
}

const reports = join(process.cwd(), 'test-results');
rmSync(reports, { recursive: true, force: true });
mkdirSync(reports, { recursive: true });
const vitestJson = join(reports, 'vitest.json');
const playwrightJson = join(reports, 'playwright.json');

const steps = [
  { name: 'Type-check', cmd: ['npm', 'run', '--silent', 'typecheck'] },
  { name: 'Lint and format', cmd: ['npm', 'run', '--silent', 'lint'] },
  { name: 'Build', cmd: ['node', 'scripts/build.mjs'] },
  {
    name: 'Unit and integration tests (vitest)',
    cmd: [
      'node',
      'scripts/with-keyring.mjs',
      'npx',
      'vitest',
      'run',
      '--reporter=default',
      '--reporter=json',
      `--outputFile.json=${vitestJson}`,
    ],
  },
  {
    name: 'End-to-end tests (Playwright)',
    cmd: ['node', 'scripts/with-keyring.mjs', 'npx', 'playwright', 'test', '--reporter=list,json'],
    env: { PLAYWRIGHT_JSON_OUTPUT_NAME: playwrightJson },
  },
];

const results = [];
for (const step of steps) {
  console.log(`\n=== ${step.name} ===`);
  const started = Date.now();
  const run = spawnSync(step.cmd[0], step.cmd.slice(1), { stdio: 'inherit', env: { ...process.env, ...step.env } });
  results.push({ name: step.name, ok: run.status === 0, seconds: (Date.now() - started) / 1000 });
}

let passed = 0;
let failed = 0;
let skipped = 0;
/** Each failed test as one line, so the end of a long CI log names what failed without scrolling back. */
const failures = [];
const firstLine = (text) =>
  stripVTControlCharacters(String(text ?? ''))
    .trim()
    .split('\n', 1)[0]
    .slice(0, 300);
if (existsSync(vitestJson)) {
  const v = JSON.parse(readFileSync(vitestJson, 'utf8'));
  passed += v.numPassedTests ?? 0;
  failed += v.numFailedTests ?? 0;
  skipped += (v.numPendingTests ?? 0) + (v.numTodoTests ?? 0);
  for (const file of v.testResults ?? []) {
    const where = relative(process.cwd(), file.name ?? '');
    const failedTests = (file.assertionResults ?? []).filter((t) => t.status === 'failed');
    for (const t of failedTests) failures.push(`${where} › ${t.fullName ?? t.title}: ${firstLine(t.failureMessages?.[0])}`);
    // A file that failed outside any test (an import error, a hook) has no failed test to name.
    if (file.status === 'failed' && failedTests.length === 0) failures.push(`${where}: ${firstLine(file.message)}`);
  }
}
/** Playwright's suites nest; a spec with an unexpected outcome is a failure. */
function playwrightFailures(suite, file) {
  const here = suite.file ?? file;
  for (const spec of suite.specs ?? []) {
    for (const test of spec.tests ?? []) {
      if (test.status !== 'unexpected') continue;
      const last = (test.results ?? []).at(-1);
      failures.push(`${here} › ${spec.title}: ${firstLine(last?.error?.message ?? last?.errors?.[0]?.message)}`);
    }
  }
  for (const child of suite.suites ?? []) playwrightFailures(child, here);
}
if (existsSync(playwrightJson)) {
  const report = JSON.parse(readFileSync(playwrightJson, 'utf8'));
  const s = report.stats ?? {};
  passed += (s.expected ?? 0) + (s.flaky ?? 0);
  failed += s.unexpected ?? 0;
  skipped += s.skipped ?? 0;
  for (const suite of report.suites ?? []) playwrightFailures(suite, suite.file);
}

console.log('\n=== Summary ===');
for (const r of results) console.log(`${r.ok ? 'PASS' : 'FAIL'}  ${r.name} (${r.seconds.toFixed(0)} s)`);
const allOk = results.every((r) => r.ok);
if (passed + failed === 0) console.log('No test ran: something is wrong with the test set-up.');
for (const failure of failures) console.log(`Failed: ${failure}`);
console.log(`Tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(allOk && passed > 0 ? 0 : 1);
