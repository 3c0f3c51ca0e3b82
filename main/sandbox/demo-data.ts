/**
 * The mailboxes and workflows the standalone sandbox starts with when no files
 * are given: a GP practice, a hospital trust, a council's social care team and
 * a care home exchanging the kinds of messages they really do, plus NHS
 * sandbox's own three test mailboxes so its documentation works unchanged.
 * Every password is "password". Organisations and codes are made up.
 */
import type { SandboxMailbox, SandboxWorkflow } from './types';

export const DEMO_MAILBOXES: readonly SandboxMailbox[] = [
  {
    mailbox_id: 'B86001OT01',
    mailbox_name: 'Riverside Medical Practice',
    ods_code: 'B86001',
    org_code: 'B86001',
    org_name: 'Riverside Medical Practice',
    billing_entity: 'England',
    password: 'password',
    active: true,
  },
  {
    mailbox_id: 'RR8OT001',
    mailbox_name: 'Northgate Teaching Hospitals - Discharge Office',
    ods_code: 'RR8',
    org_code: 'RR8',
    org_name: 'Northgate Teaching Hospitals NHS Trust',
    billing_entity: 'England',
    password: 'password',
    active: true,
  },
  {
    mailbox_id: 'L383OT01',
    mailbox_name: 'Northgate City Council - Adult Social Care',
    ods_code: 'L383',
    org_code: 'L383',
    org_name: 'Northgate City Council',
    billing_entity: 'England',
    password: 'password',
    active: true,
  },
  {
    mailbox_id: 'VN1AAOT1',
    mailbox_name: 'Meadowbank Care Home',
    ods_code: 'VN1AA',
    org_code: 'VN1AA',
    org_name: 'Meadowbank Care Home Ltd',
    billing_entity: 'England',
    password: 'password',
    active: true,
  },
  {
    mailbox_id: 'X26ABC1',
    mailbox_name: 'TESTMB1',
    ods_code: 'X26',
    org_code: 'X26',
    org_name: 'NHS England',
    billing_entity: 'England',
    password: 'password',
    active: true,
  },
  {
    mailbox_id: 'X26ABC2',
    mailbox_name: 'TESTMB2',
    ods_code: 'X26',
    org_code: 'X26',
    org_name: 'NHS England',
    billing_entity: 'Wales',
    password: 'password',
    active: true,
  },
  {
    mailbox_id: 'X26ABC3',
    mailbox_name: 'TESTMB3',
    ods_code: 'X27',
    org_code: 'X27',
    org_name: 'NHS England',
    billing_entity: 'England',
    password: 'password',
    active: true,
  },
];

export const DEMO_WORKFLOWS: readonly SandboxWorkflow[] = [
  // Hospital discharge summaries to the patient's GP, and the GP's acknowledgement.
  { workflow_id: 'TOC_FHIR_IP_DISCH', senders: ['RR8OT001'], receivers: ['B86001OT01', 'VN1AAOT1'] },
  { workflow_id: 'TOC_FHIR_IP_DISCH_ACK', senders: ['B86001OT01', 'VN1AAOT1'], receivers: ['RR8OT001'] },
  // Pathology results from the hospital laboratory to the GP.
  { workflow_id: 'PATH_MEDRPT_V3', senders: ['RR8OT001'], receivers: ['B86001OT01'] },
  { workflow_id: 'PATH_MEDRPT_V3_ACK', senders: ['B86001OT01'], receivers: ['RR8OT001'] },
  // Assessment notices for social care before a discharge (Care Act), and the council's reply.
  { workflow_id: 'SOCIAL_CARE_ASSESSMENT', senders: ['RR8OT001'], receivers: ['L383OT01'] },
  { workflow_id: 'SOCIAL_CARE_ASSESSMENT_ACK', senders: ['L383OT01'], receivers: ['RR8OT001'] },
  // Care plans and medication records between the care home, council and GP.
  { workflow_id: 'CARE_PLAN_UPDATE', senders: ['VN1AAOT1', 'L383OT01'], receivers: ['B86001OT01', 'L383OT01', 'VN1AAOT1'] },
  // NHS sandbox's own workflows.
  { workflow_id: 'TEST_WORKFLOW', senders: ['X26ABC1'], receivers: ['X26ABC2'] },
  { workflow_id: 'TEST_WORKFLOW_ACK', senders: ['X26ABC2'], receivers: ['X26ABC1', 'X26ABC3'] },
  { workflow_id: 'TEST_WORKFLOW2', senders: ['X26ABC1'], receivers: ['X26ABC1', 'X26ABC2', 'X26ABC3'] },
];
