/**
 * The authorisation step shared by every mailbox endpoint.
 */
import { authenticate } from '../authenticate';
import type { RequestContext } from '../context';
import { headerValue } from '../send-headers';
import type { SandboxMailbox } from '../types';

/** The mailbox the request may act as; throws the sandbox's 403 otherwise. */
export function authorisedMailbox(ctx: RequestContext): SandboxMailbox {
  const { core } = ctx;
  const pathMailboxId = (ctx.params.mailbox ?? '').toUpperCase();
  const input: Parameters<typeof authenticate>[0] = {
    authorization: headerValue(ctx.req.headers, 'authorization'),
    pathMailboxId,
    findMailbox: (id) => core.mailroom.findMailbox(id),
    sharedKey: core.sharedKey,
    mode: core.authMode,
    checkTimestamp: core.checkTimestamp,
    now: core.clock.now(),
  };
  if (core.replayGuard) input.replayGuard = core.replayGuard;
  const result = authenticate(input);
  if (!result.ok) {
    core.log(`403 ${ctx.req.method} ${ctx.url.pathname}: ${result.reason}`);
    throw result.error;
  }
  return result.mailbox;
}
