/**
 * MESH sandbox: a local emulator of the NHS MESH API v2 (and v1 bodies), for
 * integration tests and the in-app training sandbox.
 */
export { startSandbox, isLoopbackHost } from './server';
export { ADMIN_TOKEN_HEADER } from './request-guard';
export { parseMailboxesJsonl, parseWorkflowsJsonl } from './jsonl';
export { FaultInjector, parseFaultRules, type ActiveFault, type FaultRule } from './faults';
export { DEMO_MAILBOXES, DEMO_WORKFLOWS } from './demo-data';
export type {
  ClientCertificateMode,
  HandshakeRecord,
  MessageEvent,
  MessageParty,
  MessageStatus,
  MessageType,
  RunningSandbox,
  SandboxAuthOptions,
  SandboxMailbox,
  SandboxOptions,
  SandboxStoreOptions,
  SandboxTlsOptions,
  SandboxWorkflow,
  StoredMessage,
} from './types';
