/**
 * Redaction happens before anything is written, so a secret that slips into a
 * log call never reaches the disk. Keys are matched by name; values are also
 * scanned for MESH tokens and PEM private keys, which can hide inside strings.
 */
const SECRET_KEY = /pass(word|phrase)?|secret|shared.?key|authori[sz]ation|token|cookie|private.?key|^key$/i;
const MESH_TOKEN = /NHSMESH\s+[^\s"',]+/gi;
const PEM_PRIVATE_KEY = /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g;
const URL_CREDENTIALS = /(\b[a-z][a-z0-9+.-]*:\/\/)[^\s/@:]+:[^\s/@]+@/gi;

export const REDACTED = '[redacted]';

/** Removes tokens, private keys and URL credentials from a string. */
export function redactText(text: string): string {
  return text.replace(MESH_TOKEN, `NHSMESH ${REDACTED}`).replace(PEM_PRIVATE_KEY, REDACTED).replace(URL_CREDENTIALS, `$1${REDACTED}@`);
}

/** A deep copy with every secret-looking field replaced; safe to serialise. */
export function redact(value: unknown, depth = 0): unknown {
  if (depth > 8) return '[too deep]';
  if (typeof value === 'string') return redactText(value);
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Error) return { name: value.name, message: redactText(value.message) };
  if (Array.isArray(value)) return value.map((item) => redact(item, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    out[key] = SECRET_KEY.test(key) && item !== undefined && item !== null && item !== '' ? REDACTED : redact(item, depth + 1);
  }
  return out;
}
