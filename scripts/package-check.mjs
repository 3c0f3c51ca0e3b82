#!/usr/bin/env node
// Packaging check: builds the Linux `dir` target and inspects what went into
// app.asar. With ELECTRON_DIST pointing at an unpacked Electron (the folder
// holding the `electron` binary for Linux x64), it builds the real package,
// fuses included. Without one (this machine cannot download Electron), it
// packs against a stand-in executable with the fuse step off, which still
// runs electron-builder's real file selection and asar packing: the file list
// it checks is the one a real package would carry.
import { build, Platform } from 'electron-builder';
import asar from '@electron/asar';
import yaml from 'js-yaml';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const work = mkdtempSync(join(tmpdir(), 'mesh-package-'));
const config = yaml.load(readFileSync(join(root, 'electron-builder.yml'), 'utf8'));
let electronDist = process.env.ELECTRON_DIST;
const standIn = !electronDist;
if (standIn) {
  electronDist = join(work, 'stand-in-electron');
  mkdirSync(electronDist);
  writeFileSync(join(electronDist, 'electron'), '#!/bin/sh\necho "stand-in Electron for the packaging check"\n');
  chmodSync(join(electronDist, 'electron'), 0o755);
}

/** What app.asar may hold: the built app, package.json and runtime dependencies. */
export const ALLOWED = [
  /^\/package\.json$/,
  /^\/out\/main\/(chunks\/)?[^/]+\.mjs$/,
  /^\/out\/preload\/[^/]+\.(cjs|js)$/,
  /^\/out\/renderer\//,
  /^\/node_modules\//,
];
const FORBIDDEN = [
  /\.map$/,
  /\.tsx?$/,
  /^\/test\//,
  /^\/scripts\//,
  /^\/main\//,
  /^\/renderer\/(?!.*out)/,
  /^\/\.ci\//,
  /\.test\./,
  /^\/docs\//,
];

try {
  await build({
    projectDir: root,
    targets: Platform.LINUX.createTarget('dir'),
    publish: 'never',
    // Only overrides: electron-builder loads electron-builder.yml itself and merges these in.
    config: { electronDist, directories: { ...config.directories, output: join(work, 'dist') }, ...(standIn ? { afterPack: null } : {}) },
  });
  const archive = join(work, 'dist', 'linux-unpacked', 'resources', 'app.asar');
  const files = asar.listPackage(archive, { isPack: false }).filter((entry) => {
    try {
      return asar.statFile(archive, entry.slice(1), false).size !== undefined;
    } catch {
      return false;
    }
  });
  const own = files.filter((f) => !f.startsWith('/node_modules/'));
  const unexpected = files.filter(
    (f) => !ALLOWED.some((re) => re.test(f)) || FORBIDDEN.some((re) => re.test(f) && !f.startsWith('/node_modules/')),
  );
  console.log(`${standIn ? 'Stand-in' : 'Real'} Electron; app.asar holds ${files.length} files, ${own.length} of the app's own:`);
  for (const f of own) console.log(`  ${f}`);
  const needed = ['/package.json', '/out/main/electron.mjs', '/out/preload/electron.cjs', '/out/renderer/index.html'];
  const missing = needed.filter((f) => !files.includes(f));
  // Beside app.asar, in the install folder's resources: what IT loads into the Group Policy editor or Intune.
  const resources = join(work, 'dist', 'linux-unpacked', 'resources');
  for (const template of ['policy/mesh-desktop.admx', 'policy/en-GB/mesh-desktop.adml', 'policy/en-US/mesh-desktop.adml']) {
    if (!existsSync(join(resources, template))) missing.push(`resources/${template}`);
    else if (readFileSync(join(resources, template), 'utf8') !== readFileSync(join(root, 'resources', template), 'utf8'))
      missing.push(`resources/${template} (differs from the checked-in template)`);
    else console.log(`  resources/${template}`);
  }
  if (unexpected.length > 0 || missing.length > 0) {
    if (unexpected.length) console.error(`Files that must not be packed:\n  ${unexpected.join('\n  ')}`);
    if (missing.length) console.error(`Files the app needs but were not packed:\n  ${missing.join('\n  ')}`);
    process.exitCode = 1;
  } else {
    console.log('Packed file list is clean: the built app and its runtime dependencies only.');
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
