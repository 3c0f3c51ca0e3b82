/**
 * Who may talk to the sandbox. A request must be addressed to the sandbox's
 * own loopback address (Host) and must not come from a web page of another
 * site (Origin); admin endpoints also want the per-run admin token. A web page
 * that reaches 127.0.0.1 through DNS rebinding still names its own host in
 * Host, and a cross-site form post carries its Origin, so both are refused
 * before anything runs. MESH clients send no Origin at all.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** The header admin requests carry their token in (compared case-insensitively, as all header names). */
export const ADMIN_TOKEN_HEADER = 'X-Sandbox-Admin-Token';

/** Why a request is refused: the status and a sentence for whoever reads the answer or the log. */
export interface Refusal {
  status: 403 | 421;
  detail: string;
}

/** A fresh admin token: 32 random bytes, URL-safe, so it can be pasted into a header or a shell. */
export function newAdminToken(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * The Host values the sandbox answers to: 127.0.0.1, localhost, [::1] and the
 * address it listens on, each with its port (and without one when the port is
 * the scheme's default, as clients then leave it out). None of these names can
 * be pointed elsewhere by someone else's DNS.
 */
export function allowedHosts(listenAddress: string, port: number, scheme: 'http' | 'https'): string[] {
  const names = new Set(['127.0.0.1', 'localhost', '[::1]', listenAddress.includes(':') ? `[${listenAddress}]` : listenAddress]);
  const defaultPort = scheme === 'https' ? 443 : 80;
  const hosts: string[] = [];
  for (const name of names) {
    hosts.push(`${name.toLowerCase()}:${port}`);
    if (port === defaultPort) hosts.push(name.toLowerCase());
  }
  return hosts;
}

/** The refusal for a request's Host and Origin headers, or undefined when both are this sandbox's own. */
export function hostOrOriginRefusal(host: string | undefined, origin: string | undefined, allowed: readonly string[]): Refusal | undefined {
  // Host names are case-insensitive; nothing else about the value is.
  if (host === undefined || !allowed.includes(host.toLowerCase())) {
    return { status: 421, detail: 'This MESH sandbox only answers requests addressed to its own loopback address.' };
  }
  if (origin !== undefined) {
    const lowered = origin.toLowerCase();
    if (!allowed.some((entry) => lowered === `http://${entry}` || lowered === `https://${entry}`)) {
      return { status: 403, detail: 'This MESH sandbox does not answer requests from web pages.' };
    }
  }
  return undefined;
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/** True when the header holds exactly the admin token; compared in constant time, whatever the lengths. */
export function adminTokenMatches(given: string | string[] | undefined, expected: string): boolean {
  if (typeof given !== 'string' || given === '') return false;
  // Equal-length digests let timingSafeEqual compare without revealing the token's length.
  return timingSafeEqual(digest(given), digest(expected));
}

/** A header value made safe to quote in a log line: short, on one line. */
export function describeHeader(value: string | undefined): string {
  if (value === undefined) return '(none)';
  const shown = value.length > 80 ? `${value.slice(0, 80)}… (${value.length} characters)` : value;
  return JSON.stringify(shown);
}
