// reg.exe's printed output, parsed as Windows prints it (fixtures keep its CRLF
// line ends, four-space separators and hexadecimal numbers).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixtureRegistryReader, noRegistry, parseRegQuery, registryReaderFor, regQueryOutcome } from '../../../main/settings/reg-query';

const fixture = (name: string) => readFileSync(join(__dirname, 'fixtures', 'registry', name), 'utf8');
const ROOT = 'HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\MESH Desktop';

describe('parseRegQuery', () => {
  it('reads every key of a /s listing in order, including keys with no values', () => {
    const keys = parseRegQuery(fixture('hklm-every-setting.txt'));
    expect(keys.map((key) => key.path.slice(ROOT.length))).toEqual([
      '',
      '\\AllowedEnvironments',
      '\\Environments',
      '\\ExtraCaFiles',
      '\\Lock',
      '\\Mailboxes',
      '\\Mailboxes\\1',
      '\\Mailboxes\\1\\Certificate',
      '\\Mailboxes\\1\\FolderMode',
      '\\Mailboxes\\2',
      '\\Mailboxes\\2\\FolderMode',
      '\\Mailboxes\\2\\FolderMode\\PlainFileDefaults',
      '\\Proxy',
      '\\Updates',
    ]);
    expect(keys.find((key) => key.path.endsWith('\\Mailboxes'))?.values).toEqual([]);
  });

  it('decodes REG_SZ, REG_EXPAND_SZ (unexpanded, as printed) and REG_DWORD in hexadecimal', () => {
    const [root] = parseRegQuery(fixture('hklm-every-setting.txt'));
    expect(root!.values).toEqual([
      { name: 'DefaultDownloadFolder', type: 'REG_EXPAND_SZ', data: '%ProgramData%\\MESH Desktop\\received' },
      { name: 'MinimumPollIntervalMinutes', type: 'REG_DWORD', data: 15 },
    ]);
  });

  it('splits REG_MULTI_SZ on the \\0 reg.exe prints between strings', () => {
    const [root] = parseRegQuery(fixture('hklm-wrong-types.txt'));
    expect(root!.values).toContainEqual({ name: 'DefaultDownloadFolder', type: 'REG_MULTI_SZ', data: ['D:\\one', 'D:\\two'] });
  });

  it('keeps an empty string, an empty list, binary data and names with spaces', () => {
    const text = [
      '',
      'HKEY_CURRENT_USER\\SOFTWARE\\Policies\\MESH Desktop',
      '    Empty    REG_SZ    ',
      '    Also empty    REG_SZ',
      '    None    REG_MULTI_SZ    ',
      '    Blob    REG_BINARY    0102AB',
      '    Big    REG_QWORD    0x100000000',
      '    Spaced  out  name    REG_SZ    a  value  with  spaces  ',
      '',
    ].join('\r\n');
    expect(parseRegQuery(text)[0]!.values).toEqual([
      { name: 'Empty', type: 'REG_SZ', data: '' },
      { name: 'Also empty', type: 'REG_SZ', data: '' },
      { name: 'None', type: 'REG_MULTI_SZ', data: [] },
      { name: 'Blob', type: 'REG_BINARY', data: '0102AB' },
      { name: 'Big', type: 'REG_QWORD', data: 4294967296 },
      { name: 'Spaced  out  name', type: 'REG_SZ', data: 'a  value  with  spaces  ' },
    ]);
  });

  it('reads LF-only text and ignores lines that are neither keys nor values', () => {
    const keys = parseRegQuery(`${ROOT}\n    A    REG_DWORD    0x1\nEnd of search: 1 match(es) found.\n`);
    expect(keys).toEqual([{ path: ROOT, values: [{ name: 'A', type: 'REG_DWORD', data: 1 }] }]);
  });

  it('gives nothing for empty output', () => {
    expect(parseRegQuery('')).toEqual([]);
    expect(parseRegQuery('\r\n\r\n')).toEqual([]);
  });
});

describe('regQueryOutcome', () => {
  it('is found when reg.exe exits 0', () => {
    expect(regQueryOutcome(0, 'text', '')).toEqual({ status: 'found', output: 'text' });
  });

  it('is missing for exit code 1 with the message Windows prints for a missing key', () => {
    expect(regQueryOutcome(1, '', fixture('missing-key.stderr.txt'))).toEqual({ status: 'missing' });
  });

  it('is unreadable for any other failure, with the detail for the log', () => {
    expect(regQueryOutcome(1, '', 'ERROR: Access is denied.')).toEqual({
      status: 'unreadable',
      detail: 'reg.exe exited with 1: ERROR: Access is denied.',
    });
    expect(regQueryOutcome('ENOENT', '', 'spawn reg.exe ENOENT')).toMatchObject({ status: 'unreadable' });
  });
});

describe('registryReaderFor', () => {
  it('reads nothing on Linux and macOS', async () => {
    expect(registryReaderFor('linux', {})).toBe(noRegistry);
    expect(registryReaderFor('darwin', { MESH_DESKTOP_TEST_REGISTRY: '/tmp/x' })).toBe(noRegistry);
    expect(await noRegistry.query('HKLM')).toEqual({ status: 'missing' });
  });

  it('uses the stand-in folder only in test mode', () => {
    expect(registryReaderFor('linux', { MESH_DESKTOP_TEST_REGISTRY: '/tmp/x' })).toBe(noRegistry);
    expect(registryReaderFor('linux', { MESH_DESKTOP_TEST_MODE: '1', MESH_DESKTOP_TEST_REGISTRY: '/tmp/x' }).standIn).toBe(true);
  });

  it('never uses the stand-in on Windows, whatever the environment says', () => {
    const reader = registryReaderFor('win32', { MESH_DESKTOP_TEST_MODE: '1', MESH_DESKTOP_TEST_REGISTRY: '/tmp/x' });
    expect(reader.standIn).toBeUndefined();
  });
});

describe('fixtureRegistryReader', () => {
  it('reads <hive>.txt, and a missing file is a missing key', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'registry-stand-in-'));
    try {
      writeFileSync(join(folder, 'HKLM.txt'), fixture('hklm-out-of-range.txt'));
      const reader = fixtureRegistryReader(folder);
      expect(await reader.query('HKLM')).toEqual({ status: 'found', output: fixture('hklm-out-of-range.txt') });
      expect(await reader.query('HKCU')).toEqual({ status: 'missing' });
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
