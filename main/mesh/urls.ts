import { AppError } from '../shared/errors';

/**
 * Builds a URL under the base: each path part is percent-encoded, query values
 * too. Empty, "." and ".." parts are refused: URL parsing would turn them into
 * a different path even when encoded.
 */
export function meshUrl(baseUrl: string, pathParts: readonly string[], query?: Record<string, string | number | undefined>): URL {
  const unsafe = pathParts.find((part) => part === '' || part === '.' || part === '..');
  if (unsafe !== undefined) {
    throw new AppError({
      code: 'invalid-argument',
      message: 'A mailbox, message or workflow ID is empty or not valid.',
      detail: `unsafe path part ${JSON.stringify(unsafe)} in ${JSON.stringify(pathParts)}`,
    });
  }
  const path = pathParts.map((part) => encodeURIComponent(part)).join('/');
  const url = new URL(`${baseUrl.replace(/\/+$/, '')}/${path}`);
  for (const [name, value] of Object.entries(query ?? {})) {
    if (value !== undefined) url.searchParams.set(name, String(value));
  }
  return url;
}

/**
 * Resolves a link MESH returned (links.next) against the base URL. MESH
 * sends paths like "/messageexchange/…" relative to its root; when the base
 * URL has a path prefix (a gateway), the prefix is kept. Links to any other
 * origin are refused: the Authorization header must not go elsewhere.
 */
export function resolveLink(baseUrl: string, link: string): URL {
  const base = new URL(baseUrl);
  const basePath = base.pathname.replace(/\/+$/, '');
  let resolved: URL;
  if (/^[a-z][a-z0-9+.-]*:/i.test(link) || link.startsWith('//')) {
    resolved = new URL(link, base);
  } else if (link.startsWith('/')) {
    const prefixed = basePath && !link.startsWith(`${basePath}/`) ? `${basePath}${link}` : link;
    resolved = new URL(prefixed, base.origin);
  } else {
    resolved = new URL(link, `${base.origin}${basePath}/`);
  }
  if (resolved.origin !== base.origin) {
    throw new AppError({
      code: 'protocol-error',
      message: 'MESH gave an answer MESH Desktop did not expect. Try again; if it keeps happening, tell your IT service desk.',
      detail: `refused link to another origin: ${resolved.origin} (base ${base.origin})`,
    });
  }
  return resolved;
}
