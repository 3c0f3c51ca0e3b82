import { describe, expect, it } from 'vitest';
import { parseMailboxesJsonl, parseWorkflowsJsonl } from '../../../main/sandbox/jsonl';

describe('parseMailboxesJsonl', () => {
  it('reads NHS sandbox mailbox lines, skipping blank ones', () => {
    const text = [
      '{"mailbox_id": "x26abc1", "mailbox_name": "TESTMB1", "billing_entity": "England", "ods_code": "X26", "org_code": "X26", "org_name": "NHS England", "password": "password", "active": true}',
      '',
      '{"mailbox_id": "X26ABC2", "mailbox_name": "TESTMB2", "ods_code": "X26", "org_code": "X26", "password": "secret"}\r',
    ].join('\n');
    expect(parseMailboxesJsonl(text)).toEqual([
      {
        mailbox_id: 'X26ABC1',
        mailbox_name: 'TESTMB1',
        billing_entity: 'England',
        ods_code: 'X26',
        org_code: 'X26',
        org_name: 'NHS England',
        password: 'password',
        active: true,
      },
      { mailbox_id: 'X26ABC2', mailbox_name: 'TESTMB2', ods_code: 'X26', org_code: 'X26', password: 'secret' },
    ]);
  });

  it('defaults the password to "password" as the sandbox does for unknown mailboxes', () => {
    expect(parseMailboxesJsonl('{"mailbox_id":"A"}')[0]!.password).toBe('password');
  });

  it('names the bad line', () => {
    expect(() => parseMailboxesJsonl('{"mailbox_id":"A"}\n{oops')).toThrow(/Line 2/);
    expect(() => parseMailboxesJsonl('{"mailbox_name":"no id"}')).toThrow(expect.objectContaining({ code: 'invalid-argument' }));
  });
});

describe('parseWorkflowsJsonl', () => {
  it('reads workflows and normalises mailbox ids', () => {
    expect(parseWorkflowsJsonl('{"workflow_id": "TEST_WORKFLOW", "senders": ["x26abc1"], "receivers": [" X26ABC2 ", ""]}')).toEqual([
      { workflow_id: 'TEST_WORKFLOW', senders: ['X26ABC1'], receivers: ['X26ABC2'] },
    ]);
  });

  it('refuses a line without a workflow id', () => {
    expect(() => parseWorkflowsJsonl('{"senders": []}')).toThrow(/Line 1/);
  });
});
