/**
 * Pure rules for a mailbox's OUT folder: which names make a message (a
 * `.dat` and `.ctl` with the same base name, or a plain file), which names to
 * leave alone (temporary and hidden files), and when a file has stopped
 * changing so it is safe to take.
 */

/** One look at a file. */
export interface Observation {
  size: number;
  mtimeMs: number;
  seenAtMs: number;
}

/** What we know of a file across looks: the first look with its current size and time, and the latest. */
export interface Tracked {
  since: Observation;
  latest: Observation;
}

/** When a file counts as finished being written. */
export interface SettleRule {
  /** Unchanged across two looks at least this far apart (default 1 s). */
  minGapMs: number;
  /** Not modified for at least this long (default 1 s): the Java client ignores files younger than about a second. */
  minAgeMs: number;
  /**
   * A file whose modification time is in the future (a network share's clock
   * ahead of ours) counts as old enough once unchanged for this long.
   */
  skewedAfterMs: number;
}

export const DEFAULT_SETTLE_RULE: SettleRule = { minGapMs: 1000, minAgeMs: 1000, skewedAfterMs: 10_000 };

/** Folds a new look into what we knew: a changed size or time starts the wait again. */
export function observe(previous: Tracked | undefined, now: Observation): Tracked {
  if (previous && previous.since.size === now.size && previous.since.mtimeMs === now.mtimeMs) return { since: previous.since, latest: now };
  return { since: now, latest: now };
}

/** True when the file has stopped changing under `rule`. */
export function isSettled(tracked: Tracked, rule: SettleRule = DEFAULT_SETTLE_RULE): boolean {
  const unchangedFor = tracked.latest.seenAtMs - tracked.since.seenAtMs;
  if (unchangedFor < rule.minGapMs) return false;
  const age = tracked.latest.seenAtMs - tracked.latest.mtimeMs;
  return age >= rule.minAgeMs || unchangedFor >= rule.skewedAfterMs;
}

/** Names never sent: hidden files, Office lock files, partial downloads, editors' temporary files, Windows' own. */
export function isIgnoredName(name: string): boolean {
  const lower = name.toLowerCase();
  if (lower.startsWith('.') || lower.startsWith('~$') || lower.startsWith('~')) return true;
  if (lower === 'thumbs.db' || lower === 'desktop.ini') return true;
  return /\.(tmp|temp|part|partial|crdownload|download|swp|lock)$/.test(lower);
}

/** What a group of names in OUT amounts to. */
export type OutItem =
  | { kind: 'pair'; base: string; data: string; control: string }
  | { kind: 'data-only'; base: string; data: string }
  | { kind: 'control-only'; base: string; control: string }
  | { kind: 'plain'; file: string };

function splitExtension(name: string): { base: string; ext: string } {
  const dot = name.lastIndexOf('.');
  if (dot <= 0) return { base: name, ext: '' };
  return { base: name.slice(0, dot), ext: name.slice(dot + 1).toLowerCase() };
}

/**
 * Groups the file names in OUT: `x.dat` with `x.ctl` (extensions in any
 * case) is a pair; a lone `.dat` or `.ctl` waits for its partner; anything
 * else is a plain file. Ignored names are left out. Sorted by name.
 */
export function classifyOutFiles(names: readonly string[]): OutItem[] {
  const data = new Map<string, string>();
  const control = new Map<string, string>();
  const items: OutItem[] = [];
  for (const name of [...names].sort()) {
    if (isIgnoredName(name)) continue;
    const { base, ext } = splitExtension(name);
    if (ext === 'dat') data.set(base, name);
    else if (ext === 'ctl') control.set(base, name);
    else items.push({ kind: 'plain', file: name });
  }
  for (const [base, name] of data) {
    const partner = control.get(base);
    items.push(partner ? { kind: 'pair', base, data: name, control: partner } : { kind: 'data-only', base, data: name });
  }
  for (const [base, name] of control) if (!data.has(base)) items.push({ kind: 'control-only', base, control: name });
  return items.sort((a, b) => nameOf(a).localeCompare(nameOf(b)));
}

function nameOf(item: OutItem): string {
  return item.kind === 'plain' ? item.file : item.kind === 'control-only' ? item.control : item.data;
}

/**
 * Names for a message placed in SENT or FAILED that take nothing already
 * there: `x.dat` + `x.ctl`, else `x_2.dat` + `x_2.ctl`, and so on. A plain
 * file keeps its name and gets `<name>.ctl`.
 */
export function placementNames(
  item: { data: string; control?: string },
  taken: (name: string) => boolean,
): { data: string; control: string } {
  for (let attempt = 1; ; attempt++) {
    const suffix = attempt === 1 ? '' : `_${attempt}`;
    let data: string;
    let control: string;
    if (item.control) {
      const dataParts = splitExtension(item.data);
      const controlParts = splitExtension(item.control);
      data = `${dataParts.base}${suffix}.${item.data.slice(dataParts.base.length + 1)}`;
      control = `${controlParts.base}${suffix}.${item.control.slice(controlParts.base.length + 1)}`;
    } else {
      const parts = splitExtension(item.data);
      data = parts.ext ? `${parts.base}${suffix}.${item.data.slice(parts.base.length + 1)}` : `${item.data}${suffix}`;
      control = `${data}.ctl`;
    }
    if (!taken(data) && !taken(control)) return { data, control };
  }
}
