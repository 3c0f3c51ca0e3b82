// What every `mesh-desktop` run and app start parses: the built main-process code in out/ (npm test builds it first).
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const out = join(import.meta.dirname, '..', '..', '..', 'out', 'main');

/** Loads the command line and every shared chunk that runs without Electron, then lists Node's own modules loaded. */
function builtinsLoadedByTheCommandLine(): string[] {
  const chunks = readdirSync(join(out, 'chunks'))
    .filter((name) => name.endsWith('.mjs'))
    .map((name) => join(out, 'chunks', name))
    .filter((file) => !/from ["']electron["']/.test(readFileSync(file, 'utf8')));
  const script = [
    `await import(${JSON.stringify(join(out, 'cli.mjs'))});`,
    `for (const file of ${JSON.stringify(chunks)}) await import(file);`,
    'console.log(JSON.stringify(process.moduleLoadList));',
  ].join('\n');
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  expect(run.stderr).toBe('');
  return JSON.parse(run.stdout) as string[];
}

describe('the built command line', () => {
  it('does not load undici: node:http comes without its lazy WebSocket exports (about 50 ms a run)', () => {
    const loaded = builtinsLoadedByTheCommandLine();
    expect(loaded).toContain('NativeModule http');
    expect(loaded.filter((name) => name.includes('undici'))).toEqual([]);
  });
});
