/**
 * Who may talk to the sandbox: the loopback rule every local server of the app
 * follows (main/shared/loopback-guard.ts), for the sandbox's own addresses,
 * and the per-run admin token its admin endpoints want. MESH clients send no
 * Origin at all.
 */
import { hostAllowed, originAllowed } from '../shared/loopback-guard';

/** The header admin requests carry their token in (compared case-insensitively, as all header names). */
export const ADMIN_TOKEN_HEADER = 'X-Sandbox-Admin-Token';

/** Why a request is refused: the status and a sentence for whoever reads the answer or the log. */
export interface Refusal {
  status: 403 | 421;
  detail: string;
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
  if (!hostAllowed(host, allowed)) {
    return { status: 421, detail: 'This MESH sandbox only answers requests addressed to its own loopback address.' };
  }
  if (!originAllowed(origin, allowed, ['http', 'https'])) {
    return { status: 403, detail: 'This MESH sandbox does not answer requests from web pages.' };
  }
  return undefined;
}

/** A header value made safe to quote in a log line: short, on one line. */
export function describeHeader(value: string | undefined): string {
  if (value === undefined) return '(none)';
  const shown = value.length > 80 ? `${value.slice(0, 80)}… (${value.length} characters)` : value;
  return JSON.stringify(shown);
}
