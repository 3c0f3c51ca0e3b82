import { describe, expect, it } from 'vitest';
import { addRecipient, toSendRequest, validateCompose, type ComposeForm } from '../../renderer/src/state/compose-form';

const ready = { status: 'ready' as const, file: { fileRef: 'ref-1', name: 'a.csv', size: 10 } };
const form = (overrides: Partial<ComposeForm> = {}): ComposeForm => ({
  profileId: 'p1',
  recipients: ['X26ABC1'],
  workflowId: 'TOC_FHIR_IP_DISCH',
  subject: '',
  localId: '',
  file: ready,
  ...overrides,
});
const messages = (f: ComposeForm) => validateCompose(f).map((e) => `${e.field}: ${e.message}`);

describe('validateCompose', () => {
  it('passes a complete form', () => {
    expect(validateCompose(form())).toEqual([]);
  });

  it('asks for a recipient, a workflow and a file, in page order', () => {
    expect(messages(form({ recipients: [''], workflowId: ' ', file: { status: 'none' } }))).toEqual([
      'compose-recipient-0: Enter the mailbox ID of the person or organisation you are sending to',
      'compose-workflow: Enter the workflow ID',
      'compose-file: Choose the file to send',
    ]);
  });

  it.each([
    ['X26 ABC1', 'The mailbox ID must not contain spaces'],
    ['https://evil.example', 'Enter a mailbox ID, not a web address'],
    ['X'.repeat(101), 'The mailbox ID must be 100 characters or fewer'],
    ['X26\u0007', 'The mailbox ID contains a character that cannot be sent'],
  ])('refuses the recipient %j', (recipient, message) => {
    expect(validateCompose(form({ recipients: [recipient] }))).toEqual([{ field: 'compose-recipient-0', message }]);
  });

  it('accepts GP routing addresses and surrounding spaces', () => {
    expect(validateCompose(form({ recipients: ['  GPPROVIDER_9434765919_19800101_Smith '] }))).toEqual([]);
  });

  it('names the recipient when there are several', () => {
    expect(messages(form({ recipients: ['AAA', 'B B'] }))).toEqual([
      'compose-recipient-1: The mailbox ID for recipient 2 must not contain spaces',
    ]);
  });

  it('asks to fill or remove an empty extra recipient box', () => {
    expect(messages(form({ recipients: ['AAA', ''] }))).toEqual(['compose-recipient-1: Enter a mailbox ID for recipient 2, or remove it']);
  });

  it('spots the same recipient twice, whatever the case', () => {
    expect(messages(form({ recipients: ['aaa1', 'BBB', 'AAA1'] }))).toEqual([
      'compose-recipient-2: You have added AAA1 more than once. Remove recipient 3',
    ]);
  });

  it('allows at most 50 recipients', () => {
    const recipients = Array.from({ length: 51 }, (_, n) => `MBX${n}`);
    expect(validateCompose(form({ recipients })).map((e) => e.message)).toEqual(['You can send to at most 50 recipients at once']);
    expect(validateCompose(form({ recipients: recipients.slice(0, 50) }))).toEqual([]);
  });

  it.each([
    ['TOC FHIR', 'The workflow ID must not contain spaces'],
    ['http://x', 'Enter a workflow ID, like TOC_FHIR_IP_DISCH'],
    ['W'.repeat(301), 'The workflow ID must be 300 characters or fewer'],
  ])('refuses the workflow %j', (workflowId, message) => {
    expect(validateCompose(form({ workflowId }))).toEqual([{ field: 'compose-workflow', message }]);
  });

  it('limits the subject to 500 characters on one line', () => {
    expect(validateCompose(form({ subject: 'S'.repeat(500) }))).toEqual([]);
    expect(messages(form({ subject: 'S'.repeat(501) }))).toEqual(['compose-subject: The subject must be 500 characters or fewer']);
    expect(messages(form({ subject: 'two\nlines' }))).toEqual(['compose-subject: The subject must be on one line, without tabs']);
  });

  it('limits the reference to 300 characters on one line', () => {
    expect(messages(form({ localId: 'R'.repeat(301) }))).toEqual(['compose-local-id: Your reference must be 300 characters or fewer']);
    expect(messages(form({ localId: 'a\tb' }))).toEqual(['compose-local-id: Your reference must be on one line, without tabs']);
  });

  it('waits for a file still being added, and passes on why a file failed', () => {
    expect(messages(form({ file: { status: 'adding', name: 'a.csv' } }))).toEqual([
      'compose-file: Wait until the file has been added, then send',
    ]);
    expect(messages(form({ file: { status: 'failed', name: 'a.csv', message: 'The file could not be read.' } }))).toEqual([
      'compose-file: The file could not be read.',
    ]);
  });
});

describe('toSendRequest', () => {
  it('sends every filled-in recipient in one request and leaves out empty optional fields', () => {
    expect(toSendRequest(form({ recipients: [' AAA ', '', 'BBB'], workflowId: ' WF ', subject: '  ', localId: '' }))).toEqual({
      profileId: 'p1',
      recipients: ['AAA', 'BBB'],
      workflowId: 'WF',
      fileRef: 'ref-1',
    });
  });

  it('includes the subject and reference when given', () => {
    expect(toSendRequest(form({ subject: ' Results ', localId: 'REF-9' }))).toMatchObject({ subject: 'Results', localId: 'REF-9' });
  });

  it('refuses a form without a ready file', () => {
    expect(() => toSendRequest(form({ file: { status: 'none' } }))).toThrow();
  });
});

describe('addRecipient', () => {
  it('fills the first empty box, or adds one', () => {
    expect(addRecipient([''], 'AAA')).toEqual(['AAA']);
    expect(addRecipient(['AAA', ''], 'BBB')).toEqual(['AAA', 'BBB']);
    expect(addRecipient(['AAA'], 'BBB')).toEqual(['AAA', 'BBB']);
  });
  it('does not add a mailbox twice', () => {
    expect(addRecipient(['aaa'], 'AAA')).toEqual(['aaa']);
  });
});
