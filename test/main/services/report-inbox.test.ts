import { describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../../../main/log/logger';
import { PartyDirectory } from '../../../main/services/parties';
import {
  AcknowledgedReports,
  parseAcknowledged,
  recordedReports,
  reportInboxItem,
  type RecordedReport,
} from '../../../main/services/report-inbox';
import type { SentRecord, UnmatchedReport } from '../../../main/transfers';

function sent(overrides: Partial<SentRecord> = {}): SentRecord {
  return {
    transferId: 'T1',
    profileId: 'P1',
    messageId: 'MSG-1',
    localId: 'REF-1',
    appLocalId: 'APP-1',
    to: 'VN1AAOT1',
    workflowId: 'CARE_PLAN_UPDATE',
    subject: 'Care plan',
    fileName: 'plan.pdf',
    filePath: '/tmp/plan.pdf',
    size: 10,
    queuedAt: '2026-11-20T10:00:00.000Z',
    sentAt: '2026-11-20T10:00:01.000Z',
    ...overrides,
  };
}

const ndr = {
  reportMessageId: 'RPT-1',
  code: '14',
  event: 'SEND',
  description: 'Not collected after 5 days',
  at: '2026-11-25T10:00:00.000Z',
};

describe('recordedReports', () => {
  it('is empty when nothing was reported', () => {
    expect(recordedReports([sent()], [])).toEqual([]);
  });

  it('takes a matched report with the subject, workflow and reference of the message it concerns', () => {
    expect(recordedReports([sent({ nonDelivery: ndr })], [])).toEqual([
      {
        reportMessageId: 'RPT-1',
        linkedMessageId: 'MSG-1',
        subject: 'Care plan',
        workflowId: 'CARE_PLAN_UPDATE',
        localId: 'REF-1',
        code: '14',
        event: 'SEND',
        description: 'Not collected after 5 days',
        receivedAt: '2026-11-25T10:00:00.000Z',
      },
    ]);
  });

  it('leaves out a non-delivery learned from tracking, which came as no report', () => {
    expect(recordedReports([sent({ nonDelivery: { code: '14', description: 'Expired' } })], [])).toEqual([]);
  });

  it('adds unmatched reports as they were recorded', () => {
    const unmatched: UnmatchedReport = { reportMessageId: 'RPT-2', linkedMessageId: 'ELSEWHERE', receivedAt: '2026-11-25T11:00:00.000Z' };
    expect(recordedReports([], [unmatched])).toEqual([unmatched]);
  });

  it('lists each report once, the matched record first', () => {
    const unmatched: UnmatchedReport = { reportMessageId: 'RPT-1', receivedAt: '2026-11-25T11:00:00.000Z' };
    const reports = recordedReports([sent({ nonDelivery: ndr }), sent({ transferId: 'T2', nonDelivery: ndr })], [unmatched]);
    expect(reports.map((r) => [r.reportMessageId, r.linkedMessageId])).toEqual([['RPT-1', 'MSG-1']]);
  });

  it('leaves out a link when the sent message never got an id', () => {
    const [report] = recordedReports([sent({ messageId: undefined, nonDelivery: ndr })], []);
    expect(report).not.toHaveProperty('linkedMessageId');
  });
});

describe('reportInboxItem', () => {
  const parties = new PartyDirectory();
  const report: RecordedReport = {
    reportMessageId: 'RPT-1',
    linkedMessageId: 'MSG-1',
    subject: 'Care plan',
    workflowId: 'CARE_PLAN_UPDATE',
    code: '14',
    event: 'SEND',
    description: 'Not collected',
    receivedAt: '2026-11-25T10:00:00.000Z',
  };

  it('is a REPORT from MESH itself, linked to the undelivered message, waiting to be acknowledged', () => {
    const item = reportInboxItem(report, parties);
    expect(item).toMatchObject({
      messageId: 'RPT-1',
      type: 'REPORT',
      from: { mailboxId: '', name: 'MESH (central system)' },
      subject: 'Care plan',
      workflowId: 'CARE_PLAN_UPDATE',
      receivedAt: '2026-11-25T10:00:00.000Z',
      report: { linkedMessageId: 'MSG-1', code: '14', event: 'SEND', description: 'Not collected' },
      acknowledged: false,
      expiringSoon: false,
    });
    expect(item).not.toHaveProperty('expiresAt');
  });

  it("carries MESH's headers for the details pane, and none it did not have", () => {
    expect(reportInboxItem(report, parties).headers).toEqual({
      'mex-messageid': 'RPT-1',
      'mex-messagetype': 'REPORT',
      'mex-workflowid': 'CARE_PLAN_UPDATE',
      'mex-subject': 'Care plan',
      'mex-linkedmsgid': 'MSG-1',
      'mex-statuscode': '14',
      'mex-statusevent': 'SEND',
      'mex-statusdescription': 'Not collected',
      'mex-statustimestamp': '2026-11-25T10:00:00.000Z',
    });
  });

  it('says nothing of a link when MESH gave none', () => {
    const item = reportInboxItem({ reportMessageId: 'RPT-9' }, parties);
    expect(item.report).toEqual({});
    expect(item.headers).toEqual({ 'mex-messageid': 'RPT-9', 'mex-messagetype': 'REPORT' });
  });
});

describe('parseAcknowledged', () => {
  it.each([
    [undefined, []],
    [null, []],
    ['text', []],
    [['RPT-1'], []],
    [{ P1: 'RPT-1' }, []],
    [{ P1: ['RPT-1', 7, 'RPT-2'] }, [['P1', ['RPT-1', 'RPT-2']]]],
    [
      { P1: [], P2: ['RPT-3'] },
      [
        ['P1', []],
        ['P2', ['RPT-3']],
      ],
    ],
  ])('%j → %j', (value, expected) => {
    expect([...parseAcknowledged(value)].map(([profile, ids]) => [profile, [...ids]])).toEqual(expected);
  });
});

describe('AcknowledgedReports', () => {
  const withFolder = async (use: (folder: string) => Promise<void>) => {
    const folder = await mkdtemp(join(tmpdir(), 'acknowledged-reports-'));
    try {
      await use(folder);
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  };

  it('remembers acknowledged reports per mailbox across restarts, and forgets a removed mailbox', async () => {
    await withFolder(async (folder) => {
      const file = join(folder, 'acknowledged-reports.json');
      const first = new AcknowledgedReports(file, createLogger());
      expect([...(await first.of('P1'))]).toEqual([]);
      await first.add('P1', ['RPT-1']);
      await first.add('P1', ['RPT-2', 'RPT-1']);
      await first.add('P2', ['RPT-3']);
      await first.add('P3', []);

      const again = new AcknowledgedReports(file, createLogger());
      expect([...(await again.of('P1'))]).toEqual(['RPT-1', 'RPT-2']);
      expect([...(await again.of('P2'))]).toEqual(['RPT-3']);
      await again.forget('P1');
      expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({ P2: ['RPT-3'] });
    });
  });

  it('starts empty, rather than failing, when the file is unreadable', async () => {
    await withFolder(async (folder) => {
      const file = join(folder, 'acknowledged-reports.json');
      await writeFile(file, '{ not json');
      const reports = new AcknowledgedReports(file, createLogger());
      expect([...(await reports.of('P1'))]).toEqual([]);
      await reports.add('P1', ['RPT-1']);
      expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({ P1: ['RPT-1'] });
    });
  });
});
