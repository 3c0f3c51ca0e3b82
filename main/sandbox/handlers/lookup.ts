/**
 * Unauthenticated directory endpoints: endpoint lookup by ODS code and
 * workflow, and workflow search (mesh-api.md §2.11–§2.12).
 */
import { randomUUID } from 'node:crypto';
import type { RequestContext } from '../context';
import { sendJson } from '../http-io';
import { V2_MEDIA_TYPE } from '../mesh-errors';
import type { SandboxMailbox } from '../types';

function resultsV2(mailboxes: SandboxMailbox[]) {
  return { results: mailboxes.map((mailbox) => ({ mailbox_id: mailbox.mailbox_id, mailbox_name: mailbox.mailbox_name })) };
}

/** GET /messageexchange/endpointlookup/{ods}/{workflow}. */
export async function handleEndpointLookup(ctx: RequestContext): Promise<void> {
  const found = ctx.core.mailroom.lookupEndpoint(ctx.params.ods ?? '', ctx.params.workflow ?? '');
  if (ctx.apiVersion < 2) {
    sendJson(ctx.res, 200, {
      query_id: `${ctx.core.clock
        .now()
        .toISOString()
        .replace(/[-:T.Z]/g, '')}_${randomUUID().slice(0, 6).toUpperCase()}`,
      results: found.map((mailbox) => ({
        address: mailbox.mailbox_id,
        description: mailbox.mailbox_name,
        endpoint_type: 'MESH',
      })),
    });
    return;
  }
  sendJson(ctx.res, 200, resultsV2(found), V2_MEDIA_TYPE);
}

/** GET /messageexchange/workflowsearch/{workflow}. */
export async function handleWorkflowSearch(ctx: RequestContext): Promise<void> {
  const found = ctx.core.mailroom.workflowReceivers(ctx.params.workflow ?? '');
  sendJson(ctx.res, 200, resultsV2(found), ctx.apiVersion < 2 ? 'application/json' : V2_MEDIA_TYPE);
}
