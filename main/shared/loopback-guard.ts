/**
 * The one rule for servers the app runs on this computer's loopback address
 * (the browser preview, and the MESH emulator behind the training sandbox):
 * answer only requests addressed to our own loopback name (Host), never a web
 * page of another site (Origin), and compare secrets in constant time. A page
 * that reaches 127.0.0.1 through DNS rebinding still names its own host in
 * Host, and a cross-site request carries its Origin, so both are refused before
 * anything runs.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** A fresh per-run secret: 32 random bytes, URL-safe, so it fits a link, a cookie, a header or a shell. */
export function newSecretToken(): string {
  return randomBytes(32).toString('base64url');
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/** True when `given` is exactly the secret; compared in constant time, whatever the lengths. */
export function secretMatches(given: string | string[] | undefined | null, expected: string): boolean {
  if (typeof given !== 'string' || given === '') return false;
  // Equal-length digests let timingSafeEqual compare without revealing the secret's length.
  return timingSafeEqual(digest(given), digest(expected));
}

/** True when a Host header names one of `allowed` (host:port, lower case); host names are case-insensitive. */
export function hostAllowed(host: string | undefined, allowed: readonly string[]): boolean {
  return host !== undefined && allowed.includes(host.toLowerCase());
}

/** True when a request has no Origin (not from a page) or comes from a page served by one of `allowed`. */
export function originAllowed(origin: string | undefined, allowed: readonly string[], schemes: readonly ('http' | 'https')[]): boolean {
  if (origin === undefined) return true;
  const lowered = origin.toLowerCase();
  return allowed.some((entry) => schemes.some((scheme) => lowered === `${scheme}://${entry}`));
}
