/**
 * The MESH environments a mailbox can live in, and where each one is on the
 * internet (mesh-api.md §1.1). Policy may override these addresses.
 */
import { MESH_ENVIRONMENTS as MESH_CLIENT_ENVIRONMENTS } from '../mesh/environments';

/** Every environment a mailbox profile may name. CUSTOM carries its own address. */
export const MAILBOX_ENVIRONMENTS = ['INT', 'DEP', 'LIVE', 'TRAINING', 'CUSTOM'] as const;

export type MailboxEnvironment = (typeof MAILBOX_ENVIRONMENTS)[number];

/** Environments whose address comes from MESH Desktop or policy, not from the profile. */
export type NamedEnvironment = Exclude<MailboxEnvironment, 'CUSTOM'>;

export const NAMED_ENVIRONMENTS: readonly NamedEnvironment[] = ['INT', 'DEP', 'LIVE', 'TRAINING'];

/**
 * Internet base URLs, from the MESH client's own table (main/mesh/environments.ts).
 * TRAINING has no published internet address (mesh-client 3.0 dropped it), so
 * it only works when IT supplies one in policy.
 */
export const BUILT_IN_ENVIRONMENT_URLS: Readonly<Record<NamedEnvironment, string | undefined>> = {
  INT: MESH_CLIENT_ENVIRONMENTS.integration.baseUrl,
  DEP: MESH_CLIENT_ENVIRONMENTS.deployment.baseUrl,
  LIVE: MESH_CLIENT_ENVIRONMENTS.live.baseUrl,
  TRAINING: undefined,
};

/** Names people see for each environment. */
export const ENVIRONMENT_LABELS: Readonly<Record<MailboxEnvironment, string>> = {
  INT: 'Integration (INT)',
  DEP: 'Deployment (DEP)',
  LIVE: 'Live',
  TRAINING: 'Training',
  CUSTOM: 'Other server',
};
