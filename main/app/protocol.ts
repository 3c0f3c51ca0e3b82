import { net, protocol } from 'electron';
import { pathToFileURL } from 'node:url';
import { APP_SCHEME } from './security';
import { resolveInside } from '../shared/paths';
import { CONTENT_SECURITY_POLICY } from '../shared/csp';

/** Must run before the app is ready: the app's own scheme is secure and standard. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: false, corsEnabled: false } },
  ]);
}

/** Serves the built renderer from `app://mesh-desktop/…`, never anything outside its folder. */
export function serveRenderer(rendererFolder: string): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const url = new URL(request.url);
    const path = url.pathname === '/' ? '/index.html' : decodeURIComponent(url.pathname);
    const file = resolveInside(rendererFolder, path);
    if (!file) return new Response('Not found', { status: 404 });
    const response = await net.fetch(pathToFileURL(file).toString());
    const headers = new Headers(response.headers);
    headers.set('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    return new Response(response.body, { status: response.status, headers });
  });
}
