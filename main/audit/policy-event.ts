/**
 * IT's machine policy coming into force, as an audit entry: which settings it
 * set and where it was read from (never the values, which can name proxies
 * and certificate files IT would rather keep to the policy itself).
 */
import type { PolicyLoadResult } from '../settings/policy';
import type { AuditEvent } from './recorder';

/** The entry for a policy applied at start or on a change. */
export function auditEventOfPolicy(result: PolicyLoadResult, when: 'start' | 'change'): AuditEvent {
  const at = when === 'start' ? 'in force when MESH Desktop started' : 'applied after it changed';
  if (result.status === 'absent') {
    return { action: 'policy-applied', outcome: 'ok', reason: `No machine policy is set (looked in ${result.path}); ${at}.` };
  }
  if (result.status === 'broken') {
    return {
      action: 'policy-applied',
      outcome: 'failed',
      code: result.problem.error.code,
      reason: `The machine policy in ${result.path} cannot be used, so MESH Desktop will not connect until it is fixed: ${result.problem.reason}`,
    };
  }
  const keys = Object.keys(result.policy).sort();
  const mailboxes = result.policy.mailboxes?.map((m) => `${m.mailboxId} (${m.environment})`) ?? [];
  return {
    action: 'policy-applied',
    outcome: 'ok',
    reason:
      `Machine policy from ${result.path} ${at}: it sets ${keys.length > 0 ? keys.join(', ') : 'nothing'}` +
      `${mailboxes.length > 0 ? `; mailboxes ${mailboxes.join(', ')}` : ''}.`,
  };
}

/** Where policy puts the audit trail and how long it keeps it (nothing set: the data folder, kept for good). */
export function auditPlacement(result: PolicyLoadResult): { folder?: string; retentionDays?: number } {
  if (result.status !== 'ok') return {};
  return {
    ...(result.policy.auditFolder ? { folder: result.policy.auditFolder } : {}),
    ...(result.policy.auditRetentionDays !== undefined ? { retentionDays: result.policy.auditRetentionDays } : {}),
  };
}
