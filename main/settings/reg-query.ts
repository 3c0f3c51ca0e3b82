/**
 * Reads a registry key the way an administrator would: `reg.exe query <key> /s`.
 * Everything but the few lines that run reg.exe is a pure function over its
 * printed output, so it is tested on any machine with fixtures in the exact
 * format Windows prints, and no native module is needed.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';

/** The two hives Group Policy writes MESH Desktop's policy to. */
export type RegistryHive = 'HKLM' | 'HKCU';

/** How reg.exe names each hive in its output. */
export const HIVE_NAMES: Readonly<Record<RegistryHive, string>> = {
  HKLM: 'HKEY_LOCAL_MACHINE',
  HKCU: 'HKEY_CURRENT_USER',
};

/** One value as reg.exe printed it, its data decoded by type. */
export type RegistryValue =
  | { name: string; type: 'REG_SZ' | 'REG_EXPAND_SZ'; data: string }
  | { name: string; type: 'REG_DWORD' | 'REG_QWORD'; data: number }
  | { name: string; type: 'REG_MULTI_SZ'; data: string[] }
  /** REG_BINARY, REG_NONE and anything newer: the text as printed. */
  | { name: string; type: string; data: string };

export interface RegistryKey {
  /** The full path as printed, e.g. `HKEY_LOCAL_MACHINE\SOFTWARE\Policies\MESH Desktop\Mailboxes\1`. */
  path: string;
  values: RegistryValue[];
}

// Four spaces separate name, type and data. The name is matched lazily so a name
// with single spaces in it ("MESH Desktop") stays whole; an empty string value
// prints nothing (or only the separator) after its type.
const VALUE_LINE = /^ {4}(.*?) {4}(REG_[A-Z0-9_]+)(?: {4}(.*))?$/;

function decodeValue(name: string, type: string, text: string): RegistryValue {
  switch (type) {
    case 'REG_SZ':
    case 'REG_EXPAND_SZ':
      return { name, type, data: text };
    case 'REG_DWORD':
    case 'REG_QWORD': {
      // reg.exe prints numbers in hexadecimal, like 0x1e.
      const match = /^0x([0-9a-f]+)$/i.exec(text.trim());
      // Anything else cannot come from reg.exe; NaN lets the reader refuse it as "not a number".
      return { name, type, data: match ? Number.parseInt(match[1]!, 16) : Number.NaN };
    }
    case 'REG_MULTI_SZ':
      // The strings are printed joined by the two characters \0; an empty list prints nothing.
      return { name, type, data: text === '' ? [] : text.split('\\0') };
    default:
      return { name, type, data: text };
  }
}

/** Parses what `reg.exe query <key> /s` prints into its keys and their values, in order. */
export function parseRegQuery(output: string): RegistryKey[] {
  const keys: RegistryKey[] = [];
  let current: RegistryKey | undefined;
  for (const line of output.split(/\r?\n/)) {
    if (line.startsWith('HKEY_')) {
      current = { path: line.trimEnd(), values: [] };
      keys.push(current);
      continue;
    }
    const match = current ? VALUE_LINE.exec(line) : null;
    if (!current || !match) continue;
    const [, name = '', type = '', data = ''] = match;
    current.values.push(decodeValue(name, type, data));
  }
  return keys;
}

/** What one query found: the key's text, no key at all, or a failure to read it. */
export type RegistryQueryOutcome = { status: 'found'; output: string } | { status: 'missing' } | { status: 'unreadable'; detail: string };

/**
 * Classifies reg.exe's exit. It exits 1 for every failure; "unable to find"
 * (ERROR: The system was unable to find the specified registry key or value.)
 * is the usual one and means no policy was ever set. The words are translated
 * on other Windows languages, where a missing key reads as unreadable; both
 * mean no policy, so only the log line differs.
 */
export function regQueryOutcome(exitCode: number | string, stdout: string, stderr: string): RegistryQueryOutcome {
  if (exitCode === 0) return { status: 'found', output: stdout };
  const message = `${stderr}\n${stdout}`.trim();
  if (exitCode === 1 && /unable to find the specified registry key/i.test(message)) return { status: 'missing' };
  return { status: 'unreadable', detail: `reg.exe exited with ${exitCode}: ${message || 'no message'}` };
}

/** Reads the MESH Desktop policy key of one hive. */
export interface RegistryReader {
  query(hive: RegistryHive): Promise<RegistryQueryOutcome>;
  /** True for the test stand-in, which must never outrank a real policy (see machine-policy.ts). */
  readonly standIn?: boolean;
}

/** The key Group Policy writes MESH Desktop's settings to, below each hive. */
export const POLICY_KEY = 'SOFTWARE\\Policies\\MESH Desktop';

// A fixed path first: %SystemRoot% comes from the person's own environment, and a
// reg.exe of their choosing could answer "no policy".
function regExePath(env: Record<string, string | undefined>): string {
  const fixed = 'C:\\Windows\\System32\\reg.exe';
  if (existsSync(fixed)) return fixed;
  return path.win32.join(env['SystemRoot'] ?? 'C:\\Windows', 'System32', 'reg.exe');
}

/** The Windows reader: runs reg.exe, hidden, and classifies what it printed. */
export function regExeReader(env: Record<string, string | undefined> = process.env): RegistryReader {
  const regExe = regExePath(env);
  return {
    query: (hive) =>
      new Promise((resolve) => {
        const args = ['query', `${HIVE_NAMES[hive]}\\${POLICY_KEY}`, '/s'];
        execFile(regExe, args, { windowsHide: true, timeout: 20_000, maxBuffer: 8 * 1024 * 1024 }, (error, stdout, stderr) => {
          const code = error ? ((error as { code?: number | string }).code ?? -1) : 0;
          resolve(regQueryOutcome(code, stdout, stderr || (error?.message ?? '')));
        });
      }),
  };
}

/**
 * A stood-in registry for end-to-end tests: `<folder>/HKLM.txt` and
 * `<folder>/HKCU.txt` hold what reg.exe would print; a missing file is a
 * missing key.
 */
export function fixtureRegistryReader(folder: string): RegistryReader {
  return {
    standIn: true,
    query: async (hive) => {
      try {
        return { status: 'found', output: await readFile(path.join(folder, `${hive}.txt`), 'utf8') };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { status: 'missing' };
        return { status: 'unreadable', detail: String(error) };
      }
    },
  };
}

/** A reader for platforms without a registry. */
export const noRegistry: RegistryReader = { query: () => Promise.resolve({ status: 'missing' }) };

/**
 * The registry this process should read: reg.exe on Windows; elsewhere none,
 * except that tests may stand one in with MESH_DESKTOP_TEST_REGISTRY while
 * MESH_DESKTOP_TEST_MODE=1. The stand-in is never used on Windows, so it can
 * never hide the real registry's policy.
 */
export function registryReaderFor(platform: NodeJS.Platform, env: Record<string, string | undefined>): RegistryReader {
  if (platform === 'win32') return regExeReader(env);
  const folder = env['MESH_DESKTOP_TEST_MODE'] === '1' ? env['MESH_DESKTOP_TEST_REGISTRY'] : undefined;
  return folder ? fixtureRegistryReader(folder) : noRegistry;
}
