/**
 * The one way an entry is turned into bytes: JSON with object keys sorted at
 * every level, no spaces, no undefined values. Hashing needs a single spelling
 * of each entry; checking that a stored line is exactly that spelling also
 * catches edits that leave the JSON meaning the same (a space, a reordered key).
 */
import { hash as digest } from 'node:crypto';

/** Canonical JSON of a value made of objects, arrays, strings, finite numbers, booleans and null. */
export function canonicalJson(value: unknown): string {
  // Reading the trail spells every stored entry again to check it: a value already in canonical order (every
  // entry parsed from a good line is) is spelled by the engine's own JSON.stringify, several times faster.
  return isInCanonicalOrder(value) ? JSON.stringify(value) : spelledOut(value);
}

/**
 * Whether JSON.stringify spells the value exactly as `spelledOut` does: plain objects whose keys already come in
 * sorted order with none undefined, dense plain arrays, finite numbers, strings, booleans and null. Anything else
 * (a Date, a toJSON, a hole, a key out of order) takes the long way.
 */
function isInCanonicalOrder(value: unknown): boolean {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return true;
  if (typeof value === 'number') return Number.isFinite(value);
  if (typeof value !== 'object') return false;
  const prototype = Object.getPrototypeOf(value) as unknown;
  if (Array.isArray(value)) {
    if (prototype !== Array.prototype || Object.hasOwn(value, 'toJSON')) return false;
    for (let index = 0; index < value.length; index += 1) {
      if (!(index in value) || !isInCanonicalOrder(value[index])) return false;
    }
    return true;
  }
  if (prototype !== Object.prototype && prototype !== null) return false;
  const keys = Object.keys(value);
  for (let index = 0; index < keys.length; index += 1) {
    const key = keys[index]!;
    if (index > 0 && !(keys[index - 1]! < key)) return false;
    if (key === 'toJSON') return false;
    const item = (value as Record<string, unknown>)[key];
    if (item === undefined || !isInCanonicalOrder(item)) return false;
  }
  return true;
}

function spelledOut(value: unknown): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError('The audit trail holds finite numbers only.');
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map((item) => spelledOut(item)).join(',')}]`;
  if (typeof value === 'object') {
    const keys = Object.keys(value)
      .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
      .sort();
    return `{${keys.map((key) => `${JSON.stringify(key)}:${spelledOut((value as Record<string, unknown>)[key])}`).join(',')}}`;
  }
  throw new TypeError(`The audit trail cannot hold a ${typeof value}.`);
}

/** SHA-256 (hex) of an entry without its own hash: what `hash` must be. */
export function entryHash(entry: Record<string, unknown>): string {
  const { hash: _ignored, ...rest } = entry;
  void _ignored;
  // The one-shot digest: a trail read hashes every entry, and a Hash object per entry costs more than the digest.
  return digest('sha256', canonicalJson(rest), 'hex');
}
