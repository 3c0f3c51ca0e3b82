import { isIP } from 'node:net';
import { AppError } from '../shared/errors';

/** The MESH environments NHS England runs, plus an address the person types in. */
export type MeshEnvironmentId = 'integration' | 'deployment' | 'live' | 'custom';

/** One certificate authority certificate the server's chain needs to be trusted. */
export interface CaCertificateNeeded {
  commonName: string;
  role: 'root' | 'intermediate';
}

/** What MESH Desktop knows about an environment. */
export interface MeshEnvironment {
  id: MeshEnvironmentId;
  label: string;
  /** Undefined for 'custom': the person supplies it. */
  baseUrl?: string;
  /** The NHS CA certificates that make the server's certificate trusted. */
  caCertificates: CaCertificateNeeded[];
  /** A sentence telling a person which CA files to get and where NHS publishes them. */
  caInstructions: string;
}

const NHS_PKI_SITE = 'https://pki.nhs.uk/';

const PTL_CHAIN: CaCertificateNeeded[] = [
  { commonName: 'NHS PTL Root Authority G2', role: 'root' },
  { commonName: 'NHS INT Authentication G2', role: 'intermediate' },
];

const LIVE_CHAIN: CaCertificateNeeded[] = [
  { commonName: 'NHS Root Authority G2', role: 'root' },
  { commonName: 'NHS Authentication G2', role: 'intermediate' },
];

function instructionsFor(environmentName: string, chain: CaCertificateNeeded[]): string {
  const [root, intermediate] = chain;
  return (
    `To connect to ${environmentName}, MESH Desktop needs two NHS certificate authority files: ` +
    `"${root?.commonName}" and "${intermediate?.commonName}". ` +
    `NHS England publishes them at ${NHS_PKI_SITE}; download both (PEM or .cer) and add them in Settings.`
  );
}

/** Every known environment, keyed by id. The CA files are not shipped: NHS publishes them. */
export const MESH_ENVIRONMENTS: Readonly<Record<MeshEnvironmentId, MeshEnvironment>> = {
  integration: {
    id: 'integration',
    label: 'Integration (INT, path to live)',
    baseUrl: 'https://msg.intspineservices.nhs.uk',
    caCertificates: PTL_CHAIN,
    caInstructions: instructionsFor('the Integration environment', PTL_CHAIN),
  },
  deployment: {
    id: 'deployment',
    label: 'Deployment (DEP)',
    baseUrl: 'https://msg.depspineservices.nhs.uk',
    caCertificates: PTL_CHAIN,
    caInstructions: instructionsFor('the Deployment environment', PTL_CHAIN),
  },
  live: {
    id: 'live',
    label: 'Live (production)',
    baseUrl: 'https://mesh-sync.spineservices.nhs.uk',
    caCertificates: LIVE_CHAIN,
    caInstructions: instructionsFor('live MESH', LIVE_CHAIN),
  },
  custom: {
    id: 'custom',
    label: 'Another address',
    caCertificates: [],
    caInstructions:
      'For another MESH address, add the certificate authority file that signed its server certificate in Settings; ask whoever runs that server for it.',
  },
};

/** The environment whose published address matches this URL (by origin), or 'custom'. */
export function environmentForUrl(url: string): MeshEnvironment {
  let origin: string;
  try {
    origin = new URL(url).origin;
  } catch {
    return MESH_ENVIRONMENTS.custom;
  }
  for (const environment of Object.values(MESH_ENVIRONMENTS)) {
    if (environment.baseUrl && new URL(environment.baseUrl).origin === origin) return environment;
  }
  return MESH_ENVIRONMENTS.custom;
}

/** True for localhost, 127.0.0.0/8 and ::1 (also as an IPv4-mapped IPv6 address). */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '')
    .toLowerCase();
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  if (isIP(host) === 6) {
    if (host === '::1' || host === '0:0:0:0:0:0:0:1') return true;
    // URL parsing turns ::ffff:127.0.0.1 into ::ffff:7f00:1.
    const mapped = /^(?:0{0,4}:){0,5}:?ffff:([0-9a-f]{1,4}):[0-9a-f]{1,4}$/.exec(host);
    if (mapped?.[1]) return parseInt(mapped[1], 16) >> 8 === 0x7f;
    const dotted = /^(?:0{0,4}:){0,5}:?ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(host);
    if (dotted?.[1]) return dotted[1].startsWith('127.');
  }
  return false;
}

function invalidUrl(message: string, detail: string): AppError {
  return new AppError({ code: 'invalid-argument', message, detail });
}

/**
 * Checks a MESH base URL: https, or plain http only for this computer (loopback);
 * no credentials, query or fragment. Returns the problem, or undefined when fine.
 */
export function validateBaseUrl(url: string): AppError | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    return invalidUrl('The MESH address is not a web address. It should look like https://mesh.example.nhs.uk.', `unparseable: ${url}`);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    return invalidUrl('The MESH address must start with https://.', `protocol ${parsed.protocol}`);
  }
  if (parsed.protocol === 'http:' && !isLoopbackHost(parsed.hostname)) {
    return invalidUrl(
      'The MESH address must start with https://. Plain http:// is only allowed for a test server on this computer.',
      `http to non-loopback host ${parsed.hostname}`,
    );
  }
  if (parsed.username || parsed.password) {
    return invalidUrl('The MESH address must not contain a user name or password.', 'credentials in URL');
  }
  if (parsed.search || parsed.hash) {
    return invalidUrl('The MESH address must not contain "?" or "#" parts.', `search=${parsed.search} hash=${parsed.hash}`);
  }
  return undefined;
}

/** The validated base URL without a trailing slash; throws the AppError from validateBaseUrl. */
export function normaliseBaseUrl(url: string): string {
  const problem = validateBaseUrl(url);
  if (problem) throw problem;
  const parsed = new URL(url.trim());
  return `${parsed.origin}${parsed.pathname.replace(/\/+$/, '')}`;
}
