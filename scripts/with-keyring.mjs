#!/usr/bin/env node
// Runs a command with a real Secret Service (gnome-keyring under its own D-Bus
// session) so that keytar talks to a real keychain in tests, as it will on a
// user's machine. On Windows and macOS the OS keychain is always there, and
// where a session bus already exists we use it as it is.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const command = process.argv.slice(2);
if (command.length === 0) {
  console.error('usage: with-keyring.mjs <command> [args…]');
  process.exit(2);
}

const alreadyHaveKeyring = process.platform !== 'linux' || process.env.MESH_DESKTOP_KEYRING_READY === '1';
if (alreadyHaveKeyring) {
  const result = spawnSync(command[0], command.slice(1), { stdio: 'inherit', shell: process.platform === 'win32' });
  process.exit(result.status ?? 1);
}

const have = (bin) => spawnSync('sh', ['-c', `command -v ${bin}`]).status === 0;
if (!have('dbus-run-session') || !have('gnome-keyring-daemon')) {
  console.error('The tests need a real keychain: install the Debian packages dbus and gnome-keyring (see .ci/run), then try again.');
  process.exit(1);
}

// A private HOME keeps the test keyring away from the developer's own.
const home = mkdtempSync(join(tmpdir(), 'mesh-desktop-keyring-'));
const quoted = command.map((arg) => `'${arg.replace(/'/g, `'\\''`)}'`).join(' ');
const script = `echo -n test-keyring | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1; exec ${quoted}`;
const result = spawnSync('dbus-run-session', ['--', 'sh', '-c', script], {
  stdio: 'inherit',
  env: { ...process.env, HOME: home, MESH_DESKTOP_KEYRING_READY: '1', XDG_DATA_HOME: join(home, '.local/share') },
});
rmSync(home, { recursive: true, force: true });
process.exit(result.status ?? 1);
