import type { Socket } from 'node:net';
import { BlockList, isIP } from 'node:net';
import type { AgentOptions } from 'node:https';
import { HttpsProxyAgent } from 'hpagent';
import { AppError } from '../shared/errors';

/** An HTTP CONNECT proxy as the person (or IT policy, or the system) configured it. */
export interface ProxySettings {
  /** http://host:port (or https://); a bare host:port is read as http. */
  url: string;
  username?: string;
  password?: string;
}

function stripHost(host: string): string {
  return host
    .trim()
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '')
    .toLowerCase();
}

/** Splits "host:port" / "[v6]:port" / "v6" into host and optional port. */
function splitHostPort(entry: string): { host: string; port?: number } {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
  if (bracketed?.[1]) return bracketed[2] ? { host: bracketed[1], port: Number(bracketed[2]) } : { host: bracketed[1] };
  if (isIP(entry) === 6 || entry.includes('/')) return { host: entry };
  const hostPort = /^(.*):(\d+)$/.exec(entry);
  if (hostPort?.[1] !== undefined && hostPort[2]) return { host: hostPort[1], port: Number(hostPort[2]) };
  return { host: entry };
}

function matchesAddressEntry(entryHost: string, target: string): boolean | undefined {
  const targetFamily = isIP(target);
  const [address, prefixText] = entryHost.split('/');
  const entryFamily = isIP(address ?? '');
  if (entryFamily === 0) return undefined;
  if (targetFamily === 0) return false;
  const list = new BlockList();
  const type = entryFamily === 4 ? 'ipv4' : 'ipv6';
  if (prefixText === undefined) list.addAddress(address as string, type);
  else {
    const prefix = Number(prefixText);
    if (!Number.isInteger(prefix) || prefix < 0 || prefix > (entryFamily === 4 ? 32 : 128)) return false;
    list.addSubnet(address as string, prefix, type);
  }
  return list.check(target, targetFamily === 4 ? 'ipv4' : 'ipv6');
}

/**
 * True when NO_PROXY says to connect to host directly. Follows curl: entries
 * split by commas or spaces; "*" matches everything; "example.nhs.uk",
 * ".example.nhs.uk" and "*.example.nhs.uk" match the domain and its
 * subdomains; IP addresses and CIDR ranges match IP literals; an entry with
 * ":port" only matches that port.
 */
export function shouldBypassProxy(host: string, noProxy: string | undefined, port?: number): boolean {
  if (!noProxy) return false;
  const target = stripHost(host);
  for (const rawEntry of noProxy.split(/[\s,]+/)) {
    const entry = rawEntry.trim().toLowerCase();
    if (entry === '') continue;
    if (entry === '*') return true;
    const { host: entryHostRaw, port: entryPort } = splitHostPort(entry);
    if (entryPort !== undefined && port !== undefined && entryPort !== port) continue;
    const entryHost = stripHost(entryHostRaw);
    const addressMatch = matchesAddressEntry(entryHost, target);
    if (addressMatch !== undefined) {
      if (addressMatch) return true;
      continue;
    }
    const domain = entryHost.replace(/^\*?\./, '');
    if (domain === '') continue;
    if (target === domain || target.endsWith(`.${domain}`)) return true;
  }
  return false;
}

function firstSet(env: NodeJS.ProcessEnv, names: string[]): string | undefined {
  for (const name of names) {
    const value = env[name]?.trim();
    if (value) return value;
  }
  return undefined;
}

/**
 * The proxy the environment variables choose for an https URL: https_proxy /
 * HTTPS_PROXY (then all_proxy / ALL_PROXY), unless no_proxy / NO_PROXY
 * matches the host. Undefined means connect directly.
 */
export function proxyFromEnvironment(env: NodeJS.ProcessEnv, targetUrl: string): ProxySettings | undefined {
  const target = new URL(targetUrl);
  const proxyUrl = firstSet(env, ['https_proxy', 'HTTPS_PROXY', 'all_proxy', 'ALL_PROXY']);
  if (!proxyUrl) return undefined;
  const port = target.port ? Number(target.port) : target.protocol === 'https:' ? 443 : 80;
  if (shouldBypassProxy(target.hostname, firstSet(env, ['no_proxy', 'NO_PROXY']), port)) return undefined;
  return { url: proxyUrl };
}

/** The proxy URL with credentials folded in (as hpagent reads them); throws an AppError when unusable. */
export function proxyUrlWithCredentials(settings: ProxySettings): URL {
  const text = /^[a-z][a-z0-9+.-]*:\/\//i.test(settings.url.trim()) ? settings.url.trim() : `http://${settings.url.trim()}`;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new AppError({
      code: 'invalid-argument',
      message: 'The proxy address is not valid. It should look like http://proxy.example.nhs.uk:8080.',
      detail: `unparseable proxy URL`,
    });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new AppError({
      code: 'invalid-argument',
      message: 'The proxy address must start with http:// or https://.',
      detail: `proxy protocol ${url.protocol}`,
    });
  }
  if (settings.username !== undefined) url.username = encodeURIComponent(settings.username);
  if (settings.password !== undefined) url.password = encodeURIComponent(settings.password);
  return url;
}

/** Marks an error as raised while opening the proxy tunnel, so it can be told apart from MESH's own. */
export interface ProxyPhaseError extends Error {
  code?: string;
  proxyPhase: true;
  proxyStatus?: number;
}

function tagProxyError(error: Error): ProxyPhaseError {
  const tagged = error as ProxyPhaseError;
  tagged.proxyPhase = true;
  const status = /^Bad response: (\d{3})$/.exec(error.message);
  if (status?.[1]) {
    tagged.proxyStatus = Number(status[1]);
    tagged.code ??= 'ERR_PROXY_CONNECT';
  }
  return tagged;
}

type ConnectionCallback = (error: Error | null, socket: Socket | null) => void;
type CreateConnection = (options: unknown, callback: ConnectionCallback) => void;

/** An agent that tunnels TLS to MESH through the proxy, with our TLS options applied inside the tunnel. */
export function createProxyAgent(settings: ProxySettings, agentOptions: AgentOptions): HttpsProxyAgent {
  const agent = new HttpsProxyAgent({ ...agentOptions, proxy: proxyUrlWithCredentials(settings) });
  // hpagent reports tunnel failures as plain errors; tag them so they read as proxy problems.
  const withCreateConnection = agent as unknown as { createConnection: CreateConnection };
  const openTunnel = withCreateConnection.createConnection.bind(agent);
  withCreateConnection.createConnection = (options, callback) => {
    openTunnel(options, (error, socket) => callback(error ? tagProxyError(error) : null, socket));
  };
  return agent;
}
