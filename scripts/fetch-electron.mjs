#!/usr/bin/env node
// Electron's own install script downloads its binary from outside the npm
// registry. Where that works (a developer's PC), fetch it; where it cannot
// (locked-down build machines), carry on without it: everything but the
// desktop window itself runs under plain Node, and `npm start` says so.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
if (process.env.ELECTRON_SKIP_BINARY_DOWNLOAD || process.env.CI) process.exit(0);
let installScript;
try {
  installScript = join(dirname(require.resolve('electron/package.json')), 'install.js');
} catch {
  process.exit(0);
}
if (!existsSync(installScript)) process.exit(0);
const run = spawnSync(process.execPath, [installScript], { stdio: 'pipe', timeout: 120_000 });
if (run.status === 0) console.log('Electron binary installed.');
else console.log('The Electron binary could not be downloaded here; use `npm run preview` to run MESH Desktop in a browser.');
