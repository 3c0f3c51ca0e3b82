#!/usr/bin/env node
// `npm start`: runs the desktop app where the Electron binary is present.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';

const require = createRequire(import.meta.url);

/** The Electron executable: ELECTRON_PATH, or the one the electron package installed. */
function findElectron() {
  if (process.env.ELECTRON_PATH) return existsSync(process.env.ELECTRON_PATH) ? process.env.ELECTRON_PATH : undefined;
  try {
    // The electron package's main export is the binary's path, and throws when it was never downloaded.
    const path = require('electron');
    return typeof path === 'string' && existsSync(path) ? path : undefined;
  } catch {
    return undefined;
  }
}

const electron = findElectron();
if (!electron) {
  console.error(
    'The Electron binary is not installed on this machine, so the desktop window cannot open: run `npm run preview` to use MESH Desktop in your browser instead.',
  );
  process.exit(1);
}
const child = spawn(electron, ['.', ...process.argv.slice(2)], { stdio: 'inherit' });
child.on('exit', (code) => process.exit(code ?? 0));
