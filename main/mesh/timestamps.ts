/**
 * MESH writes times two ways: compact yyyyMMddHHmmss (headers, v1 tracking,
 * spec examples) and ISO-8601, often without a zone (the sandbox's
 * "2026-11-30T15:26:57.979321"). Both are UTC.
 */

function utcDate(year: number, month: number, day: number, hour: number, minute: number, second: number, ms: number): Date | undefined {
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second, ms));
  // Date.UTC rolls 31 February over into March; a real timestamp never does.
  if (
    date.getUTCFullYear() !== year ||
    date.getUTCMonth() !== month - 1 ||
    date.getUTCDate() !== day ||
    date.getUTCHours() !== hour ||
    date.getUTCMinutes() !== minute ||
    date.getUTCSeconds() !== second
  ) {
    return undefined;
  }
  return date;
}

/** Parses yyyyMMddHHmmss (UTC); undefined when it is not a real time. */
export function parseCompactTimestamp(value: string): Date | undefined {
  const match = /^\s*(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})\s*$/.exec(value);
  if (!match) return undefined;
  const [year, month, day, hour, minute, second] = match.slice(1).map(Number) as [number, number, number, number, number, number];
  return utcDate(year, month, day, hour, minute, second, 0);
}

/** Parses ISO-8601 date-times; no zone means UTC. Fractions beyond milliseconds are dropped. */
export function parseIsoTimestamp(value: string): Date | undefined {
  const match = /^\s*(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?\s*$/i.exec(value);
  if (!match) return undefined;
  const [, y, mo, d, h, mi, s, fraction, zone] = match;
  const ms = fraction ? Number(fraction.slice(0, 3).padEnd(3, '0')) : 0;
  const local = utcDate(Number(y), Number(mo), Number(d), Number(h), Number(mi), Number(s ?? '0'), ms);
  if (!local) return undefined;
  if (!zone || zone.toUpperCase() === 'Z') return local;
  const zoneMatch = /^([+-])(\d{2}):?(\d{2})?$/.exec(zone);
  if (!zoneMatch) return undefined;
  const offsetMinutes = (zoneMatch[1] === '-' ? -1 : 1) * (Number(zoneMatch[2]) * 60 + Number(zoneMatch[3] ?? '0'));
  return new Date(local.getTime() - offsetMinutes * 60_000);
}

/** Parses either MESH timestamp format; undefined for anything else. */
export function parseMeshDateTime(value: string | undefined | null): Date | undefined {
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  return parseCompactTimestamp(value) ?? parseIsoTimestamp(value);
}
