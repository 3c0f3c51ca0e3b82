import { describe, expect, it } from 'vitest';
import {
  MAX_FILE_NAME_BYTES,
  isReservedWindowsName,
  runsAsProgram,
  meshHeaderFileName,
  numberedFileName,
  safeFileName,
} from '../../../main/transfers/safe-file-name';

const ID = '20200601122152994285_D59900';
const bytes = (text: string) => Buffer.byteLength(text, 'utf8');

describe('safeFileName keeps names inside the folder', () => {
  it.each([
    ['..\\..\\Windows\\evil.exe', 'evil.exe'],
    ['../../.bashrc', 'bashrc'],
    ['/etc/passwd', 'passwd'],
    ['C:\\x', 'x'],
    ['C:x', 'x'],
    ['c:/Users/Public/run.bat', 'run.bat'],
    ['\\\\server\\share\\x', 'x'],
    ['//server/share/report.csv', 'report.csv'],
    ['\\\\?\\C:\\Windows\\System32\\cmd.exe', 'cmd.exe'],
    ['folder/..', ''],
    ['..', ''],
    ['.', ''],
  ])('%j → %j (or the fallback)', (input, expected) => {
    expect(safeFileName(input, ID)).toBe(expected === '' ? `${ID}.dat` : expected);
  });

  it('never returns anything with a separator, a drive or a parent reference', () => {
    const hostile = ['a/b', 'a\\b', '../x', '..\\x', 'C:\\..\\x', 'x/../../y', '\u202e/etc', '\\\\.\\pipe\\x'];
    for (const name of hostile) {
      const safe = safeFileName(name, ID);
      expect(safe).not.toMatch(/[\\/:]/);
      expect(safe.startsWith('.')).toBe(false);
    }
  });
});

describe('safeFileName avoids Windows device names', () => {
  it.each([
    'CON',
    'con',
    'Con.txt',
    'con.txt',
    'PRN',
    'aux.csv',
    'NUL',
    'nul.tar.gz',
    'COM1',
    'com9.log',
    'LPT1',
    'lpt5.txt',
    'COM¹',
    'CONIN$',
    'CON .txt',
  ])('%j is prefixed', (name) => {
    const safe = safeFileName(name, ID);
    expect(safe.startsWith('_')).toBe(true);
    expect(isReservedWindowsName(safe)).toBe(false);
  });

  it('leaves names that merely start like a device alone', () => {
    expect(safeFileName('console.log', ID)).toBe('console.log');
    expect(safeFileName('COM10.txt', ID)).toBe('COM10.txt');
    expect(safeFileName('auxiliary.csv', ID)).toBe('auxiliary.csv');
  });
});

describe('safeFileName removes what Windows refuses or what disguises a name', () => {
  it('replaces <>:"|?* with underscores', () => {
    expect(safeFileName('a<b>c:d"e|f?g*h.txt', ID)).toBe('a_b_c_d_e_f_g_h.txt');
  });

  it('removes control characters', () => {
    expect(safeFileName('re\u0000po\u0007rt\u001f.csv', ID)).toBe('report.csv');
    expect(safeFileName('line\nbreak\r.txt', ID)).toBe('linebreak.txt');
    expect(safeFileName('del\u007f.txt', ID)).toBe('del.txt');
    expect(safeFileName('c1\u0085.txt', ID)).toBe('c1.txt');
  });

  it('removes right-to-left overrides that fake an extension', () => {
    expect(safeFileName('invoice\u202efdp.exe', ID)).toBe('invoicefdp.exe');
    expect(safeFileName('zero\u200bwidth.txt', ID)).toBe('zerowidth.txt');
  });

  it('drops trailing dots and spaces, and leading dots', () => {
    expect(safeFileName('report.csv...', ID)).toBe('report.csv');
    expect(safeFileName('report.csv . . ', ID)).toBe('report.csv');
    expect(safeFileName('  spaced.txt  ', ID)).toBe('spaced.txt');
    expect(safeFileName('...hidden', ID)).toBe('hidden');
  });

  it('keeps ordinary names, including non-English ones', () => {
    expect(safeFileName('Discharge summary 2024-05-01.pdf', ID)).toBe('Discharge summary 2024-05-01.pdf');
    expect(safeFileName('Résumé – Llandudno.docx', ID)).toBe('Résumé – Llandudno.docx');
  });

  it('never takes the names MESH Desktop uses for its own files', () => {
    expect(safeFileName('x.mesh.part', ID)).toBe('x_mesh.part');
    expect(safeFileName('X.MESH.JSON', ID)).toBe('X_MESH.JSON');
    expect(safeFileName('report.part', ID)).toBe('report.part');
  });
});

describe('safeFileName length and fallbacks', () => {
  it('limits a 400-character name to 200 bytes and keeps the extension', () => {
    const safe = safeFileName(`${'a'.repeat(400)}.csv`, ID);
    expect(bytes(safe)).toBeLessThanOrEqual(MAX_FILE_NAME_BYTES);
    expect(safe.endsWith('.csv')).toBe(true);
    expect(safe.startsWith('aaaa')).toBe(true);
  });

  it('counts bytes, not characters, and never splits a character', () => {
    const safe = safeFileName(`${'é'.repeat(300)}.txt`, ID);
    expect(bytes(safe)).toBeLessThanOrEqual(MAX_FILE_NAME_BYTES);
    expect(safe.endsWith('.txt')).toBe(true);
    expect(safe).not.toContain('\ufffd');
    const emoji = safeFileName('😀'.repeat(100), ID);
    expect(bytes(emoji)).toBeLessThanOrEqual(MAX_FILE_NAME_BYTES);
    expect([...emoji].every((character) => character === '😀')).toBe(true);
  });

  it('treats a very long "extension" as part of the name', () => {
    const safe = safeFileName(`report.${'x'.repeat(300)}`, ID);
    expect(bytes(safe)).toBeLessThanOrEqual(MAX_FILE_NAME_BYTES);
    expect(safe.startsWith('report.')).toBe(true);
  });

  it.each([undefined, '', '   ', '...', '///', '\u0000\u0001', '???'])('%j falls back to <messageId>.dat', (name) => {
    expect(safeFileName(name, ID)).toBe(`${ID}.dat`);
  });

  it('makes a hostile message id safe in the fallback too', () => {
    expect(safeFileName('', '../../evil')).toBe('evil.dat');
    expect(safeFileName('', '')).toBe('message.dat');
    expect(safeFileName('', 'CON')).toBe('_CON.dat');
  });
});

describe('numberedFileName', () => {
  it.each([
    ['report.csv', 2, 'report (2).csv'],
    ['report.csv', 10, 'report (10).csv'],
    ['README', 3, 'README (3)'],
    ['archive.tar.gz', 2, 'archive.tar (2).gz'],
    ['report.csv', 1, 'report.csv'],
  ])('%j #%i → %j', (name, n, expected) => {
    expect(numberedFileName(name, n)).toBe(expected);
  });

  it('stays within the length limit', () => {
    const long = safeFileName(`${'b'.repeat(400)}.pdf`, ID);
    const numbered = numberedFileName(long, 123);
    expect(bytes(numbered)).toBeLessThanOrEqual(MAX_FILE_NAME_BYTES);
    expect(numbered.endsWith(' (123).pdf')).toBe(true);
  });
});

describe('meshHeaderFileName', () => {
  it('keeps plain names', () => {
    expect(meshHeaderFileName('report 2024.csv')).toBe('report 2024.csv');
  });

  it('drops accents and replaces other characters MESH headers cannot carry', () => {
    expect(meshHeaderFileName('Résumé.docx')).toBe('Resume.docx');
    expect(meshHeaderFileName('日本.txt')).toBe('__.txt');
    expect(meshHeaderFileName('tab\there.txt')).toBe('tab_here.txt');
  });

  it('limits the name to 300 characters keeping the extension', () => {
    const name = meshHeaderFileName(`${'a'.repeat(500)}.csv`);
    expect(name.length).toBe(300);
    expect(name.endsWith('.csv')).toBe(true);
  });
});

describe('runsAsProgram', () => {
  it.each([
    ['setup.exe', true],
    ['SETUP.EXE', true],
    ['invoice.pdf.exe', true],
    ['run.cmd. . ', true],
    ['script.PS1', true],
    ['shortcut.lnk', true],
    ['tool.AppImage', true],
    ['.exe', true],
    ['discharge-summary.csv', false],
    ['letter.pdf', false],
    ['results.exe.csv', false],
    ['README', false],
    ['archive.zip', false],
  ])('%j → %j', (name, expected) => {
    expect(runsAsProgram(name)).toBe(expected);
  });
});
