/**
 * The sandbox's URL map: NHS's MESH API paths, NHS sandbox admin paths, and
 * this sandbox's own admin paths. Matching is by path segments; admin routes
 * come first so that "admin" is never taken for a mailbox id.
 */

export type RouteName =
  | 'health'
  | 'resetAll'
  | 'resetMailbox'
  | 'createReport'
  | 'addMessageEvent'
  | 'mailboxDetails'
  | 'messageDetails'
  | 'faults'
  | 'removeFault'
  | 'clock'
  | 'expire'
  | 'endpointLookup'
  | 'workflowSearch'
  | 'handshake'
  | 'inboxList'
  | 'inboxCount'
  | 'download'
  | 'head'
  | 'downloadChunk'
  | 'acknowledge'
  | 'send'
  | 'sendChunk'
  | 'tracking'
  | 'trackingByLocalId'
  | 'update';

interface RouteDefinition {
  name: RouteName;
  methods: readonly string[];
  /** Segments; ':name' captures a parameter. */
  pattern: readonly string[];
  /** Admin and health routes take no Authorization and ignore faults. */
  admin?: boolean;
}

const route = (name: RouteName, methods: string[], path: string, admin = false): RouteDefinition => ({
  name,
  methods,
  pattern: path.split('/').filter((segment) => segment !== ''),
  admin,
});

// Health answers anyone who may reach the sandbox (MESH clients ping it); every other admin route changes or reveals state.
const OPEN_ADMIN_ROUTES = new Set<RouteName>(['health']);

const ROUTES: readonly RouteDefinition[] = [
  ...['/health', '/_status', '/_ping', '/healthcheck', '/messageexchange/_ping', '/messageexchange/deepping'].map((path) =>
    route('health', ['GET'], path, true),
  ),
  route('resetAll', ['DELETE'], '/admin/reset', true),
  route('resetAll', ['DELETE'], '/messageexchange/admin/reset', true),
  route('resetMailbox', ['DELETE'], '/admin/reset/:mailbox', true),
  route('resetMailbox', ['DELETE'], '/messageexchange/admin/reset/:mailbox', true),
  route('createReport', ['POST'], '/messageexchange/admin/report', true),
  route('createReport', ['POST'], '/admin/report', true),
  route('addMessageEvent', ['POST'], '/admin/message/:message/event', true),
  route('addMessageEvent', ['POST'], '/messageexchange/admin/message/:message/event', true),
  route('mailboxDetails', ['GET'], '/admin/mailbox/:mailbox', true),
  route('mailboxDetails', ['GET'], '/messageexchange/admin/mailbox/:mailbox', true),
  route('mailboxDetails', ['GET'], '/messageexchange/mailbox/:mailbox', true),
  route('messageDetails', ['GET'], '/admin/message/:message', true),
  route('messageDetails', ['GET'], '/messageexchange/admin/message/:message', true),
  route('faults', ['GET', 'POST', 'DELETE'], '/admin/faults', true),
  route('removeFault', ['DELETE'], '/admin/faults/:fault', true),
  route('clock', ['GET', 'POST'], '/admin/clock', true),
  route('expire', ['POST'], '/admin/expire', true),
  route('endpointLookup', ['GET'], '/messageexchange/endpointlookup/:ods/:workflow'),
  route('workflowSearch', ['GET'], '/messageexchange/workflowsearch/:workflow'),
  route('handshake', ['GET', 'POST'], '/messageexchange/:mailbox'),
  route('inboxList', ['GET'], '/messageexchange/:mailbox/inbox'),
  route('inboxCount', ['GET'], '/messageexchange/:mailbox/count'),
  route('download', ['GET'], '/messageexchange/:mailbox/inbox/:message'),
  route('head', ['HEAD'], '/messageexchange/:mailbox/inbox/:message'),
  route('downloadChunk', ['GET'], '/messageexchange/:mailbox/inbox/:message/:chunk'),
  route('acknowledge', ['PUT'], '/messageexchange/:mailbox/inbox/:message/status/acknowledged'),
  route('send', ['POST'], '/messageexchange/:mailbox/outbox'),
  route('tracking', ['GET'], '/messageexchange/:mailbox/outbox/tracking'),
  route('trackingByLocalId', ['GET'], '/messageexchange/:mailbox/outbox/tracking/:localId'),
  route('sendChunk', ['POST'], '/messageexchange/:mailbox/outbox/:message/:chunk'),
  route('update', ['POST'], '/messageexchange/:mailbox/update'),
];

export type RouteMatch =
  | {
      kind: 'found';
      name: RouteName;
      params: Record<string, string>;
      admin: boolean;
      /** True for admin routes that want the sandbox's admin token (all but health). */
      needsAdminToken: boolean;
    }
  | { kind: 'method-not-allowed'; allowed: string[] }
  | { kind: 'not-found' };

function matchPattern(pattern: readonly string[], segments: readonly string[]): Record<string, string> | undefined {
  if (pattern.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  for (let index = 0; index < pattern.length; index++) {
    const expected = pattern[index]!;
    const actual = segments[index]!;
    if (expected.startsWith(':')) params[expected.slice(1)] = actual;
    else if (expected !== actual) return undefined;
  }
  return params;
}

/** Finds the route for a method and decoded path segments. */
export function matchRoute(method: string, segments: readonly string[]): RouteMatch {
  const allowed = new Set<string>();
  for (const definition of ROUTES) {
    const params = matchPattern(definition.pattern, segments);
    if (!params) continue;
    if (definition.methods.includes(method)) {
      const admin = definition.admin ?? false;
      return { kind: 'found', name: definition.name, params, admin, needsAdminToken: admin && !OPEN_ADMIN_ROUTES.has(definition.name) };
    }
    for (const allowedMethod of definition.methods) allowed.add(allowedMethod);
  }
  return allowed.size > 0 ? { kind: 'method-not-allowed', allowed: [...allowed] } : { kind: 'not-found' };
}

/** Splits a URL path into decoded segments; undefined when an escape is malformed. */
export function pathSegments(pathname: string): string[] | undefined {
  try {
    return pathname
      .split('/')
      .filter((segment) => segment !== '')
      .map((segment) => decodeURIComponent(segment));
  } catch {
    return undefined;
  }
}
