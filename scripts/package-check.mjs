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
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const work = mkdtempSync(join(tmpdir(), 'mesh-package-'));
// `--config FILE` checks another electron-builder configuration (the tests use it to show the check can fail).
const configArg = process.argv.indexOf('--config');
const configFile = configArg === -1 ? join(root, 'electron-builder.yml') : process.argv[configArg + 1];
const config = yaml.load(readFileSync(configFile, 'utf8'));
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

let failed = false;

function writeConfig(settings) {
  const file = join(work, 'electron-builder.yml');
  writeFileSync(file, yaml.dump(settings));
  return file;
}

try {
  await build({
    projectDir: root,
    targets: Platform.LINUX.createTarget('dir'),
    publish: 'never',
    // Only overrides: electron-builder loads electron-builder.yml itself and merges these in.
    // The whole configuration, as one file, so a checked variant (--config) replaces electron-builder.yml.
    config: writeConfig({
      ...config,
      electronDist,
      directories: { ...config.directories, output: join(work, 'dist') },
      ...(standIn ? { afterPack: null } : {}),
    }),
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
  // The window's entry, and the command line's bundle (the packed app runs `mesh-desktop <command>` from it too).
  const needed = ['/package.json', '/out/main/electron.mjs', '/out/main/cli.mjs', '/out/preload/electron.cjs', '/out/renderer/index.html'];
  const missing = needed.filter((f) => !files.includes(f));
  const unpacked = join(work, 'dist', 'linux-unpacked');
  // keytar is native: it must sit outside app.asar, where the process can load it.
  const keytarNode = 'resources/app.asar.unpacked/node_modules/keytar/build/Release/keytar.node';
  if (!existsSync(join(unpacked, keytarNode))) missing.push(`${keytarNode} (the keychain's native module, outside app.asar)`);
  else console.log(`  ${keytarNode}`);
  // On Linux the executable is the command: the deb links /usr/bin/mesh-desktop to it, and the AppImage runs it.
  const executable = config.linux?.executableName ?? config.executableName;
  if (executable !== 'mesh-desktop' || !existsSync(join(unpacked, executable)))
    missing.push('mesh-desktop (the executable, which is the command on Linux)');
  else console.log(`  ${executable} (the command: /usr/bin/mesh-desktop in the deb)`);
  // Windows cannot be packed here (its executable is edited in place), so check what its install folder would get.
  const windowsFiles = (config.win?.extraFiles ?? []).flatMap((entry) => {
    const from = join(root, typeof entry === 'string' ? entry : entry.from);
    const to = typeof entry === 'string' ? '.' : (entry.to ?? '.');
    const filters = typeof entry === 'string' ? ['**/*'] : (entry.filter ?? ['**/*']);
    return existsSync(from)
      ? readdirSync(from, { recursive: true })
          .map(String)
          .filter((file) => filters.some((filter) => path.matchesGlob(file, filter)))
          .map((file) => join(to, file).replace(/\\/g, '/'))
      : [];
  });
  for (const wrapper of ['mesh-desktop.cmd', 'bin/mesh-desktop.cmd']) {
    if (!windowsFiles.includes(wrapper)) missing.push(`Windows: ${wrapper} (the command-line wrapper, from win.extraFiles)`);
    else console.log(`  Windows install folder: ${wrapper}`);
  }
  for (const [what, file] of [
    ['nsis.include', config.nsis?.include],
    ['msiProjectCreated', config.msiProjectCreated],
  ]) {
    if (!file || !existsSync(join(root, file))) missing.push(`Windows: ${what} (the installers' PATH option)`);
  }
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
    failed = true;
  } else {
    console.log('Packed file list is clean: the built app and its runtime dependencies only.');
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
// Explicitly: something electron-builder loads resets process.exitCode, so a failed check used to exit 0.
process.exit(failed ? 1 : 0);
