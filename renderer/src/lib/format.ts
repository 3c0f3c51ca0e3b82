/**
 * Numbers, sizes, times and durations in the words NHS staff read every day:
 * en-GB dates, Windows-style file sizes, and "about 3 minutes" rather than 183 s.
 */

const UNITS = ['KB', 'MB', 'GB', 'TB'] as const;

/** A file size as Windows Explorer shows it ("1.5 MB"); a dash when unknown. */
export function formatBytes(bytes: number | undefined): string {
  if (bytes === undefined || !Number.isFinite(bytes) || bytes < 0) return '—';
  if (bytes < 1024) return bytes === 1 ? '1 byte' : `${Math.round(bytes)} bytes`;
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  // One decimal place below 10 keeps small sizes honest; above it the decimal is noise.
  const shown = value < 10 ? (Math.round(value * 10) / 10).toFixed(1).replace(/\.0$/, '') : String(Math.round(value));
  return `${shown} ${UNITS[unit]}`;
}

/** A transfer rate ("4.5 MB per second"). */
export function formatRate(bytesPerSecond: number | undefined): string | undefined {
  if (bytesPerSecond === undefined || !Number.isFinite(bytesPerSecond) || bytesPerSecond <= 0) return undefined;
  return `${formatBytes(bytesPerSecond)} per second`;
}

/** Parses an ISO time, or undefined when absent or not a time. */
export function parseTime(iso: string | undefined): Date | undefined {
  if (!iso) return undefined;
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

type DateKind = 'dateTime' | 'day' | 'time';
const DATE_OPTIONS: Record<DateKind, Intl.DateTimeFormatOptions> = {
  dateTime: { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' },
  day: { dateStyle: 'short' },
  time: { hour: '2-digit', minute: '2-digit' },
};
const formatters = new Map<string, Intl.DateTimeFormat>();

/**
 * One formatter per kind and zone, kept: building an Intl.DateTimeFormat loads locale data, and the first one in a
 * page costs tens of milliseconds — paid inside the frame that opens a view unless it was built before.
 */
function formatter(kind: DateKind, timeZone: string | undefined): Intl.DateTimeFormat {
  const key = `${kind}|${timeZone ?? ''}`;
  let made = formatters.get(key);
  if (!made) {
    made = new Intl.DateTimeFormat('en-GB', { ...DATE_OPTIONS[kind], timeZone });
    formatters.set(key, made);
  }
  return made;
}

/** Builds the usual formatters ahead of need (the app calls it when the window is idle after start). */
export function prepareDateFormats(): void {
  for (const kind of Object.keys(DATE_OPTIONS) as DateKind[]) formatter(kind, undefined).format(0);
}

/** A date and time ("12 Mar 2026, 14:05"); a dash when unknown. */
export function formatDateTime(iso: string | undefined, timeZone?: string): string {
  const date = parseTime(iso);
  if (!date) return '—';
  return formatter('dateTime', timeZone).format(date);
}

/** A time of day ("14:05"), with the date too when it is not today. */
export function formatWhen(iso: string | undefined, now: Date = new Date(), timeZone?: string): string {
  const date = parseTime(iso);
  if (!date) return '—';
  const day = (d: Date) => formatter('day', timeZone).format(d);
  return day(date) === day(now) ? formatter('time', timeZone).format(date) : formatDateTime(iso, timeZone);
}

const MINUTE = 60;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

/** A rough span of time ("about 3 minutes", "less than a minute"). */
export function formatDuration(seconds: number | undefined): string | undefined {
  if (seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return undefined;
  if (seconds < 45) return 'less than a minute';
  if (seconds < 90 * MINUTE) return `about ${plural(Math.max(1, Math.round(seconds / MINUTE)), 'minute')}`;
  if (seconds < 36 * HOUR) return `about ${plural(Math.round(seconds / HOUR), 'hour')}`;
  return `about ${plural(Math.round(seconds / DAY), 'day')}`;
}

/** How long until a message expires ("in 3 days"); "expired" once the time has passed. */
export function formatExpiresIn(iso: string | undefined, now: Date = new Date()): string {
  const date = parseTime(iso);
  if (!date) return '—';
  const seconds = (date.getTime() - now.getTime()) / 1000;
  if (seconds <= 0) return 'expired';
  if (seconds < HOUR) return `in ${plural(Math.max(1, Math.floor(seconds / MINUTE)), 'minute')}`;
  if (seconds < DAY) return `in ${plural(Math.floor(seconds / HOUR), 'hour')}`;
  return `in ${plural(Math.floor(seconds / DAY), 'day')}`;
}

/** "1 message", "3 messages". */
export function countOf(count: number, singular: string, pluralWord = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : pluralWord}`;
}

/** A percentage from 0 to 100, or undefined when the total is unknown. */
export function percentOf(done: number, total: number | undefined): number | undefined {
  if (total === undefined || !Number.isFinite(total) || total <= 0) return undefined;
  return Math.min(100, Math.max(0, Math.floor((done / total) * 100)));
}
