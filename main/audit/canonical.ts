/**
 * The one way an entry is turned into bytes: JSON with object keys sorted at
 * every level, no spaces, no undefined values. Hashing needs a single spelling
 * of each entry; checking that a stored line is exactly that spelling also
 * catches edits that leave the JSON meaning the same (a space, a reordered key).
 */
import { createHash } from 'node:crypto';

/** Canonical JSON of a value made of objects, arrays, strings, finite numbers, booleans and null. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError('The audit trail holds finite numbers only.');
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item)).join(',')}]`;
  if (typeof value === 'object') {
    const keys = Object.keys(value)
      .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
      .sort();
    return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`).join(',')}}`;
  }
  throw new TypeError(`The audit trail cannot hold a ${typeof value}.`);
}

/** SHA-256 (hex) of an entry without its own hash: what `hash` must be. */
export function entryHash(entry: Record<string, unknown>): string {
  const { hash: _ignored, ...rest } = entry;
  void _ignored;
  return createHash('sha256').update(canonicalJson(rest), 'utf8').digest('hex');
}
