/**
 * File names from MESH are chosen by whoever sent the message, so they are
 * untrusted input. These pure functions turn any name into one that stays
 * inside the download folder and is legal on Windows, macOS and Linux.
 */

/** Longest name we produce, in UTF-8 bytes (NTFS allows 255 UTF-16 units; this leaves room for " (99)"). */
export const MAX_FILE_NAME_BYTES = 200;

/** Extensions longer than this are treated as part of the name when shortening. */
const MAX_EXTENSION_BYTES = 24;

/**
 * Suffixes MESH Desktop uses for its own files next to received ones. A
 * received file may never take such a name, or it could be mistaken for (or
 * overwritten by) a partial download or a metadata sidecar.
 */
export const PARTIAL_SUFFIX = '.mesh.part';
export const SIDECAR_SUFFIX = '.mesh.json';
const OWN_SUFFIXES = [PARTIAL_SUFFIX, SIDECAR_SUFFIX];

/** Windows device names: reserved with any extension and in any case (CON, con.txt, Com1.tar.gz). */
const RESERVED_WINDOWS_STEMS = new Set([
  'CON',
  'PRN',
  'AUX',
  'NUL',
  'CONIN$',
  'CONOUT$',
  ...Array.from({ length: 10 }, (_, i) => `COM${i}`),
  ...Array.from({ length: 10 }, (_, i) => `LPT${i}`),
  // Windows also treats superscript digits as device numbers.
  ...['¹', '²', '³'].flatMap((digit) => [`COM${digit}`, `LPT${digit}`]),
]);

/** Characters Windows forbids in names, and the path separators of every platform. */
const FORBIDDEN_CHARACTERS = /[<>:"/\\|?*]/g;

/**
 * C0 and C1 control characters, DEL, and the invisible Unicode formatting
 * characters used to disguise names (a right-to-left override U+202E makes
 * "invoice<RLO>fdp.exe" look like "invoiceexe.pdf").
 */
/* eslint-disable no-control-regex -- matching control characters is the point */
const INVISIBLE_CHARACTERS =
  /[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb]/g;
/* eslint-enable no-control-regex */

/** True when Windows would treat the name as a device (CON, nul.txt, LPT1.tar.gz…). */
export function isReservedWindowsName(name: string): boolean {
  const stem = name
    .split('.')[0]!
    .replace(/[ .]+$/, '')
    .toUpperCase();
  return RESERVED_WINDOWS_STEMS.has(stem);
}

function utf8Length(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/** The longest prefix of text that fits in maxBytes of UTF-8, never splitting a character. */
function truncateToBytes(text: string, maxBytes: number): string {
  if (utf8Length(text) <= maxBytes) return text;
  let result = '';
  let used = 0;
  for (const character of text) {
    const size = utf8Length(character);
    if (used + size > maxBytes) break;
    result += character;
    used += size;
  }
  return result;
}

/** Splits "report.final.csv" into ["report.final", ".csv"]; a leading-dot-only name has no extension. */
export function splitExtension(name: string): [stem: string, extension: string] {
  const dot = name.lastIndexOf('.');
  if (dot <= 0) return [name, ''];
  const extension = name.slice(dot);
  if (utf8Length(extension) > MAX_EXTENSION_BYTES || !/^\.[^ ]+$/.test(extension)) return [name, ''];
  return [name.slice(0, dot), extension];
}

/** Shortens a name to maxBytes, cutting the stem and keeping the extension. */
function fitLength(name: string, maxBytes: number): string {
  if (utf8Length(name) <= maxBytes) return name;
  const [stem, extension] = splitExtension(name);
  const keptStem = truncateToBytes(stem, maxBytes - utf8Length(extension)).replace(/[ .]+$/, '');
  return keptStem === '' ? truncateToBytes(name, maxBytes).replace(/[ .]+$/, '') : keptStem + extension;
}

/** The last component of a path written with either separator, without a drive or UNC prefix. */
function lastPathComponent(name: string): string {
  const parts = name.split(/[\\/]+/);
  let last = parts[parts.length - 1] ?? '';
  // "C:evil.exe" is relative to drive C's current folder; the drive must go.
  last = last.replace(/^[A-Za-z]:/, '');
  return last;
}

/** Cleans one candidate name; returns '' when nothing usable is left. */
function cleanName(raw: string): string {
  let name = raw.normalize('NFC').replace(INVISIBLE_CHARACTERS, '');
  name = lastPathComponent(name);
  name = name.replace(FORBIDDEN_CHARACTERS, '_');
  // Leading dots make hidden files (and "." / ".." are not names); Windows drops trailing dots and spaces.
  name = name
    .trim()
    .replace(/^\.+/, '')
    .replace(/[ .]+$/, '')
    .trim();
  if (name === '' || /^_+$/.test(name)) return '';
  for (const suffix of OWN_SUFFIXES) {
    if (name.length >= suffix.length && name.slice(-suffix.length).toLowerCase() === suffix) {
      const cut = name.length - suffix.length;
      name = `${name.slice(0, cut)}_${name.slice(cut + 1)}`;
    }
  }
  if (isReservedWindowsName(name)) name = `_${name}`;
  return fitLength(name, MAX_FILE_NAME_BYTES);
}

/**
 * A safe file name for a received message: only the last path component,
 * no drive or UNC prefix, no control or invisible characters, none of
 * <>:"/\|?*, no leading dots, no trailing dots or spaces, not a Windows device
 * name, at most MAX_FILE_NAME_BYTES of UTF-8 keeping the extension, never one
 * of MESH Desktop's own suffixes. Nothing usable left → "<messageId>.dat".
 */
export function safeFileName(name: string | undefined, messageId: string): string {
  const cleaned = cleanName(name ?? '');
  if (cleaned !== '') return cleaned;
  return cleanName(messageId) === '' ? 'message.dat' : cleanName(`${messageId}.dat`);
}

/** The n-th alternative for a name that is taken: "report.csv" → "report (2).csv", within the length limit. */
export function numberedFileName(name: string, n: number): string {
  if (n <= 1) return name;
  const [stem, extension] = splitExtension(name);
  const suffix = ` (${n})`;
  const keptStem = truncateToBytes(stem, MAX_FILE_NAME_BYTES - utf8Length(suffix) - utf8Length(extension)).replace(/[ .]+$/, '');
  return `${keptStem}${suffix}${extension}`;
}

/**
 * The name to put in mex-FileName for a file we send: MESH headers carry
 * printable ASCII only, so accents are dropped ("Résumé" → "Resume") and
 * anything else becomes "_"; at most 300 characters, keeping the extension.
 */
export function meshHeaderFileName(localName: string): string {
  const ascii = localName
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^\x20-\x7e]/g, '_')
    .trim();
  if (ascii.length <= 300) return ascii === '' ? 'file.dat' : ascii;
  const [stem, extension] = splitExtension(ascii);
  return stem.slice(0, 300 - extension.length) + extension;
}

/**
 * Extensions that Windows (or a Linux desktop) runs rather than opens: a program,
 * a script, an installer, a shortcut or a control-panel item. A received file with
 * one of these is never opened by MESH Desktop; the person is sent to the folder
 * and to their IT team instead, as Outlook does with blocked attachments.
 */
const RUNNABLE_EXTENSIONS = new Set(
  [
    ...['exe', 'com', 'bat', 'cmd', 'pif', 'scr', 'cpl', 'msc', 'msi', 'msp', 'mst', 'appx', 'msix', 'appref-ms', 'application'],
    ...['ps1', 'psm1', 'psd1', 'ps1xml', 'psc1', 'vb', 'vbs', 'vbe', 'js', 'jse', 'wsf', 'wsh', 'ws', 'wsc', 'hta', 'jar'],
    ...['lnk', 'url', 'scf', 'inf', 'reg', 'chm', 'hlp', 'gadget', 'dll', 'ocx', 'sys', 'xll', 'library-ms', 'settingcontent-ms'],
    ...['sh', 'bash', 'py', 'pyw', 'pl', 'rb', 'desktop', 'appimage', 'run', 'bin', 'command', 'app', 'pkg', 'dmg'],
  ].map((extension) => `.${extension}`),
);

/** Whether opening the file would run it (by its last extension, in any case, ignoring trailing dots and spaces). */
export function runsAsProgram(name: string): boolean {
  const trimmed = name.replace(/[. ]+$/u, '').toLowerCase();
  const dot = trimmed.lastIndexOf('.');
  if (dot < 0) return false;
  return RUNNABLE_EXTENSIONS.has(trimmed.slice(dot));
}
