import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type MeshFixture, startNhsSandboxFixture } from '../../support/mesh-fixture';
import { listInbox, meshRequest, sendMessage } from './mesh-http';

const DAY = 24 * 60 * 60 * 1000;

describe('inbox expiry (test-controlled clock)', () => {
  let target: MeshFixture;
  let now = new Date('2026-03-02T09:00:00Z');

  beforeAll(async () => {
    target = await startNhsSandboxFixture({ clock: () => now });
  });
  afterAll(async () => {
    await target.close();
  });
  beforeEach(async () => {
    now = new Date('2026-03-02T09:00:00Z');
    await target.sandbox.reset();
  });

  it('sets the expiry five days after delivery', async () => {
    const id = await sendMessage(target, 'X26ABC1', 'X26ABC2', 'x');
    expect(target.sandbox.message(id)!.inbox_expiry_timestamp).toBe('2026-03-07T09:00:00.000Z');
  });

  it('leaves messages alone before they are due', async () => {
    await sendMessage(target, 'X26ABC1', 'X26ABC2', 'x');
    now = new Date(now.getTime() + 5 * DAY - 60_000);
    expect(await target.sandbox.expireMessages()).toEqual([]);
    expect(target.sandbox.inbox('X26ABC2')).toHaveLength(1);
  });

  it('expires an unacknowledged message and sends the sender a code 14 report linked to it', async () => {
    const id = await sendMessage(target, 'X26ABC1', 'X26ABC2', 'x', {
      'mex-Subject': 'Results',
      'mex-LocalID': 'local-7',
    });
    now = new Date(now.getTime() + 5 * DAY);
    const reportIds = await target.sandbox.expireMessages();
    expect(reportIds).toHaveLength(1);
    expect(target.sandbox.inbox('X26ABC2')).toEqual([]);
    expect(target.sandbox.inbox('X26ABC1')).toEqual(reportIds);

    const report = await meshRequest(target, { path: `/messageexchange/X26ABC1/inbox/${reportIds[0]}`, as: 'X26ABC1' });
    expect(report.status).toBe(200);
    expect(report.body.length).toBe(0);
    expect(report.headers).toMatchObject({
      'mex-messagetype': 'REPORT',
      'mex-linkedmsgid': id,
      'mex-statuscode': '14',
      'mex-statusevent': 'SEND',
      'mex-statusdescription': 'Message not collected by recipient after 5 days',
      'mex-statussuccess': 'ERROR',
      'mex-to': 'X26ABC1',
      'mex-workflowid': 'TEST_WORKFLOW',
      'mex-localid': 'local-7',
      'mex-subject': 'NDR: Results',
      'mex-messageid': reportIds[0],
    });
    expect(report.headers['mex-from']).toBeUndefined();

    const gone = await meshRequest(target, { path: `/messageexchange/X26ABC2/inbox/${id}`, as: 'X26ABC2' });
    expect(gone.status).toBe(410);

    const tracking = await meshRequest(target, {
      path: `/messageexchange/X26ABC1/outbox/tracking?messageID=${id}`,
      as: 'X26ABC1',
    });
    expect(tracking.json()).toMatchObject({ status: 'undeliverable', status_success: false, status_code: '14' });
  });

  it('expires on its own when a request arrives after the due time', async () => {
    await sendMessage(target, 'X26ABC1', 'X26ABC2', 'x');
    now = new Date(now.getTime() + 6 * DAY);
    expect(await listInbox(target, 'X26ABC2')).toEqual([]);
    expect(await listInbox(target, 'X26ABC1')).toHaveLength(1);
  });

  it('does not expire acknowledged messages', async () => {
    const id = await sendMessage(target, 'X26ABC1', 'X26ABC2', 'x');
    await meshRequest(target, { method: 'PUT', path: `/messageexchange/X26ABC2/inbox/${id}/status/acknowledged`, as: 'X26ABC2' });
    now = new Date(now.getTime() + 10 * DAY);
    expect(await target.sandbox.expireMessages()).toEqual([]);
  });

  it('expires an uncollected report without reporting on the report', async () => {
    await sendMessage(target, 'X26ABC1', 'X26ABC2', 'x');
    now = new Date(now.getTime() + 5 * DAY);
    const [reportId] = await target.sandbox.expireMessages();
    now = new Date(now.getTime() + 5 * DAY);
    expect(await target.sandbox.expireMessages()).toEqual([]);
    expect(target.sandbox.message(reportId!)!.events[0]!.status).toBe('undeliverable');
  });

  it('refuses POST /admin/clock when the test owns the clock', async () => {
    const response = await meshRequest(target, {
      method: 'POST',
      path: '/admin/clock',
      body: JSON.stringify({ advanceMs: 1000 }),
    });
    expect(response.status).toBe(409);
    expect(() => target.sandbox.advanceClock(1000)).toThrow();
  });

  it('runs the sweep from POST /admin/expire', async () => {
    await sendMessage(target, 'X26ABC1', 'X26ABC2', 'x');
    now = new Date(now.getTime() + 5 * DAY);
    const response = await meshRequest(target, { method: 'POST', path: '/admin/expire' });
    expect(response.json().report_ids).toHaveLength(1);
  });
});

describe('sandbox-owned clock', () => {
  let target: MeshFixture;
  beforeAll(async () => {
    target = await startNhsSandboxFixture({ inboxExpiryDays: 1 });
  });
  afterAll(async () => {
    await target.close();
  });

  it('moves forward with POST /admin/clock {advanceMs} and tokens follow it', async () => {
    await sendMessage(target, 'X26ABC1', 'X26ABC2', 'x');
    const before = target.sandbox.now().getTime();
    const response = await meshRequest(target, {
      method: 'POST',
      path: '/admin/clock',
      body: JSON.stringify({ advanceMs: 2 * DAY }),
    });
    expect(response.status).toBe(200);
    expect(Date.parse(response.json().now)).toBeGreaterThanOrEqual(before + 2 * DAY);
    // The helper signs with the sandbox's time, so the token is inside the window.
    expect(await listInbox(target, 'X26ABC2')).toEqual([]);
  });

  it('sets the time with POST /admin/clock {now}', async () => {
    const response = await meshRequest(target, {
      method: 'POST',
      path: '/admin/clock',
      body: JSON.stringify({ now: '2030-01-01T00:00:00Z' }),
    });
    expect(Date.parse(response.json().now)).toBeGreaterThanOrEqual(Date.parse('2030-01-01T00:00:00Z'));
    expect(target.sandbox.now().getUTCFullYear()).toBe(2030);
  });

  it('refuses a malformed clock request', async () => {
    const response = await meshRequest(target, { method: 'POST', path: '/admin/clock', body: '{"advance":1}' });
    expect(response.status).toBe(400);
  });
});

describe('admin endpoints', () => {
  let target: MeshFixture;
  beforeAll(async () => {
    target = await startNhsSandboxFixture();
  });
  afterAll(async () => {
    await target.close();
  });
  beforeEach(async () => {
    await target.sandbox.reset();
  });

  const admin = (method: string, path: string, body?: unknown) =>
    meshRequest(target, { method, path, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });

  it.each(['/health', '/_status', '/_ping', '/healthcheck', '/messageexchange/_ping', '/messageexchange/deepping'])(
    'answers health on %s',
    async (path) => {
      const response = await admin('GET', path);
      expect(response.json()).toEqual({ env: 'local', build_label: 'latest', status: 'running', outcome: 'Yes' });
    },
  );

  it.each(['/admin/reset', '/messageexchange/admin/reset'])('wipes everything with DELETE %s', async (path) => {
    await sendMessage(target, 'X26ABC1', 'X26ABC2', 'x');
    const response = await admin('DELETE', path);
    expect(response.json()).toEqual({ message: 'all mailboxes reset' });
    expect(target.sandbox.inbox('X26ABC2')).toEqual([]);
  });

  it('resets one mailbox’s inbox and outbox only', async () => {
    const toTwo = await sendMessage(target, 'X26ABC1', 'X26ABC2', 'x');
    const toThree = await sendMessage(target, 'X26ABC1', 'X26ABC3', 'y');
    const fromThree = await sendMessage(target, 'X26ABC3', 'X26ABC1', 'z');
    const response = await admin('DELETE', '/admin/reset/x26abc2');
    expect(response.json()).toEqual({ message: 'mailbox X26ABC2 reset' });
    expect(target.sandbox.message(toTwo)).toBeUndefined();
    expect(target.sandbox.message(toThree)).toBeDefined();
    expect(target.sandbox.message(fromThree)).toBeDefined();
    expect((await admin('DELETE', '/messageexchange/admin/reset/NOBODY')).status).toBe(404);
  });

  it('puts a report with status error into an inbox with full status headers', async () => {
    const created = await admin('POST', '/messageexchange/admin/report', {
      mailbox_id: 'X26ABC1',
      code: '14',
      description: 'Message not collected',
      workflow_id: 'TEST_WORKFLOW',
      subject: 'about',
      local_id: 'loc',
      status: 'error',
      file_name: 'r.dat',
      linked_message_id: 'ORIGINAL',
    });
    expect(created.status).toBe(200);
    const id = created.json().message_id;
    expect(await listInbox(target, 'X26ABC1')).toEqual([id]);
    const report = await meshRequest(target, { path: `/messageexchange/X26ABC1/inbox/${id}`, as: 'X26ABC1' });
    expect(report.headers).toMatchObject({
      'mex-messagetype': 'REPORT',
      'mex-statuscode': '14',
      'mex-statusevent': 'TRANSFER',
      'mex-statusdescription': 'Message not collected',
      'mex-linkedmsgid': 'ORIGINAL',
      'mex-statussuccess': 'ERROR',
      'mex-chunk-range': '1:0',
      'mex-filename': 'r.dat',
    });
  });

  it('gives an undeliverable report only the success and timestamp status headers', async () => {
    const id = (
      await admin('POST', '/admin/report', {
        mailbox_id: 'X26ABC1',
        code: '14',
        description: 'd',
        workflow_id: 'W',
      })
    ).json().message_id;
    const report = await meshRequest(target, { path: `/messageexchange/X26ABC1/inbox/${id}`, as: 'X26ABC1' });
    expect(report.headers['mex-statussuccess']).toBe('ERROR');
    expect(report.headers['mex-statuscode']).toBeUndefined();
    expect(report.headers['mex-linkedmsgid']).toBeUndefined();
  });

  it('validates the report request', async () => {
    expect((await admin('POST', '/messageexchange/admin/report', { mailbox_id: 'X26ABC1' })).status).toBe(400);
    expect((await admin('POST', '/messageexchange/admin/report', 'not json')).status).toBe(400);
    const unknown = await admin('POST', '/messageexchange/admin/report', {
      mailbox_id: 'NOBODY',
      code: '1',
      description: 'd',
      workflow_id: 'W',
    });
    expect(unknown.status).toBe(404);
  });

  it('adds a status event to a message (force it into error)', async () => {
    const id = await sendMessage(target, 'X26ABC1', 'X26ABC2', 'x');
    const response = await admin('POST', `/messageexchange/admin/message/${id}/event`, {
      status: 'error',
      code: '99',
      event: 'TRANSFER',
      description: 'forced',
    });
    expect(response.status).toBe(200);
    expect(await listInbox(target, 'X26ABC2')).toEqual([]);
    const details = (await admin('GET', `/admin/message/${id}`)).json();
    expect(details).toMatchObject({ status: 'error', status_code: '99', status_description: 'forced' });
    expect((await admin('POST', '/admin/message/NOPE/event', { status: 'error' })).status).toBe(404);
    expect((await admin('POST', `/admin/message/${id}/event`, { status: 'lost' })).status).toBe(400);
  });

  it('shows message details (snake_case superset of tracking)', async () => {
    const id = await sendMessage(target, 'X26ABC1', 'X26ABC2', 'hello', { 'mex-LocalID': 'L', 'mex-Content-Checksum': 'md5:1' });
    const response = await admin('GET', `/messageexchange/admin/message/${id.toLowerCase()}`);
    expect(response.json()).toMatchObject({
      message_id: id,
      message_type: 'DATA',
      workflow_id: 'TEST_WORKFLOW',
      checksum: 'md5:1',
      chunk_count: 1,
      file_size: 5,
      local_id: 'L',
      sender: 'X26ABC1',
      sender_name: 'TESTMB1',
      recipient: 'X26ABC2',
      recipient_billing_entity: 'Wales',
      status: 'accepted',
      status_success: true,
      is_compressed: false,
      is_encrypted: false,
    });
    expect((await admin('GET', '/admin/message/NOPE')).status).toBe(404);
  });

  it.each(['/admin/mailbox/X26ABC1', '/messageexchange/admin/mailbox/X26ABC1', '/messageexchange/mailbox/x26abc1'])(
    'shows mailbox details without the password on %s',
    async (path) => {
      const response = await admin('GET', path);
      expect(response.json()).toEqual({
        mailbox_id: 'X26ABC1',
        mailbox_name: 'TESTMB1',
        billing_entity: 'England',
        ods_code: 'X26',
        org_code: 'X26',
        org_name: 'NHS England',
        active: true,
      });
    },
  );

  it('answers 404 for an unknown mailbox’s details', async () => {
    expect((await admin('GET', '/admin/mailbox/NOBODY')).status).toBe(404);
  });
});
