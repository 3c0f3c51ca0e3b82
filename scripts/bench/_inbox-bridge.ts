// Browser script for the inbox benchmark (built to an IIFE by inbox.ts, never
// run by Node): defines `window.mesh` with the real createMeshApi over a
// stand-in for main that answers from generated data. `?messages=N` on the page
// address says how many inbox messages there are.
//
// listInbox answers the way the preview bridge does: a JSON text parsed on
// arrival, one task after the request. The mark "bench:inbox-answered" is set
// just before that parse, so the parse is counted in the time to first render,
// as it is in the real window.
import type { RequestName } from '../../main/contract/channels';
import type { InboxItem, MailboxSummary, Reply, SettingsSnapshot } from '../../main/contract';
import type { RequestResults } from '../../main/contract/schemas';
import { createMeshApi } from '../../preload/create-api';
import { seededRandom } from './_seeded';

export const INBOX_ANSWERED_MARK = 'bench:inbox-answered';
const PROFILE_ID = 'bench-profile';
const DAY_MS = 24 * 60 * 60_000;

const SENDERS = [
  { mailboxId: 'X26OT123', name: 'Pathology results', organisation: 'Leeds Teaching Hospitals NHS Trust' },
  { mailboxId: 'RX1RA001', name: 'Radiology', organisation: 'Nottingham University Hospitals NHS Trust' },
  { mailboxId: 'YGM24GPX', name: 'GP Connect', organisation: 'NHS England' },
  { mailboxId: 'X26HC004', name: 'Child health', organisation: 'Sheffield Children’s NHS Foundation Trust' },
  { mailboxId: 'A91023OT' },
];
const WORKFLOWS = ['PATH_MEDRPT_V3', 'RAD_REPORT', 'GPFED_CONSULT_REPORT', 'CHILD_HEALTH_RECORD', 'TEST_WORKFLOW'];
const SUBJECTS = ['Weekly results batch', 'Discharge summaries', 'Imaging reports', 'Immunisation schedule update', undefined];

/** `count` inbox messages as main would list them, newest last, a few expiring soon and a few non-delivery reports. */
export function generateInbox(count: number, now: Date): InboxItem[] {
  const random = seededRandom(count);
  const items: InboxItem[] = [];
  for (let i = 0; i < count; i++) {
    const received = new Date(now.getTime() - ((count - i) * (4.9 * DAY_MS)) / Math.max(count, 1));
    const expires = new Date(received.getTime() + 5 * DAY_MS);
    const sender = SENDERS[Math.floor(random() * SENDERS.length)]!;
    const workflowId = WORKFLOWS[Math.floor(random() * WORKFLOWS.length)]!;
    const subject = SUBJECTS[Math.floor(random() * SUBJECTS.length)];
    const isReport = random() < 0.02;
    const size = Math.floor(random() * 50 * 1024 * 1024) + 200;
    const chunks = Math.max(1, Math.ceil(size / (75 * 1024 * 1024)));
    const stamp = received.toISOString().replace(/\D/g, '').slice(0, 17);
    const messageId = `${stamp}${String(i).padStart(3, '0')}_${Math.floor(random() * 0xffffff)
      .toString(16)
      .toUpperCase()
      .padStart(6, '0')}`;
    const fileName = `${workflowId.toLowerCase()}-${String(i).padStart(5, '0')}.csv`;
    const item: InboxItem = {
      messageId,
      type: isReport ? 'REPORT' : 'DATA',
      from: sender,
      workflowId,
      fileName,
      size,
      receivedAt: received.toISOString(),
      expiresAt: expires.toISOString(),
      expiringSoon: expires.getTime() - now.getTime() < DAY_MS,
      chunks,
      localId: `REF-${i}`,
      headers: {
        'mex-from': sender.mailboxId,
        'mex-to': 'X26ABC1',
        'mex-workflowid': workflowId,
        'mex-filename': fileName,
        'mex-messageid': messageId,
        'mex-messagetype': isReport ? 'REPORT' : 'DATA',
        'mex-localid': `REF-${i}`,
        'mex-statuscode': '00',
        'mex-statusevent': 'TRANSFER',
        'mex-statusdescription': 'Transferred to recipient mailbox',
        'mex-statussuccess': 'SUCCESS',
        'mex-statustimestamp': stamp.slice(0, 14),
        'mex-chunk-range': `1:${chunks}`,
        'mex-content-checksum': `sha256:${messageId.toLowerCase().padEnd(64, '0').slice(0, 64)}`,
      },
      acknowledged: false,
    };
    if (subject !== undefined) item.subject = subject;
    if (random() < 0.1) item.savedPath = `C:\\Users\\staff\\MESH\\${fileName}`;
    if (isReport) {
      item.report = {
        linkedMessageId: `20261101090000000000_${String(i).padStart(6, '0')}`,
        code: '14',
        event: 'SEND',
        description: 'Undelivered message',
      };
    }
    items.push(item);
  }
  return items;
}

function mailbox(unread: number): MailboxSummary {
  return {
    id: PROFILE_ID,
    mailboxId: 'X26ABC1',
    displayName: 'Bench practice',
    environment: 'CUSTOM',
    managed: false,
    training: false,
    unread,
    status: { connection: 'connected', lastCheckedAt: new Date().toISOString() },
  };
}

const settings: SettingsSnapshot = {
  mailboxes: [],
  proxy: { mode: 'system', hasPassword: false },
  extraCaFiles: [],
  maxConcurrentTransfers: 3,
  minimumPollIntervalMinutes: 5,
  notifications: false,
  updatesEnabled: false,
  managed: {
    proxy: false,
    defaultDownloadFolder: false,
    updates: false,
    pollInterval: false,
    environments: false,
    extraCaFiles: false,
  },
  allowedEnvironments: ['INT', 'DEP', 'LIVE', 'TRAINING', 'CUSTOM'],
  problems: [],
};

/** One task later, as an answer from another process arrives. */
function nextTask(): Promise<void> {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => resolve();
    channel.port2.postMessage(null);
  });
}

function ok<T>(value: T): Reply<T> {
  return { ok: true, value };
}

function install(): void {
  const count = Number(new URLSearchParams(location.search).get('messages') ?? '5000');
  // Generated before the page asks, as main has its inbox cache ready before the window opens.
  const inboxJson = JSON.stringify(generateInbox(count, new Date()));
  const answers: Partial<{ [K in RequestName]: () => RequestResults[K] }> = {
    getAppInfo: () => ({
      productName: 'MESH Desktop',
      version: 'bench',
      shell: 'preview',
      platform: 'linux',
      dataFolder: '/tmp/mesh-bench',
      nodeVersion: 'bench',
      capabilities: { chooseFolder: false, showInFolder: false, openFile: false, notifications: false },
    }),
    listMailboxes: () => [mailbox(count)],
    getSettings: () => settings,
    listTransfers: () => [],
    listSent: () => [],
    refreshSent: () => [],
    recentWorkflows: () => [],
  };
  const api = createMeshApi({
    invoke: async (name) => {
      await nextTask();
      if (name === 'listInbox') {
        performance.mark(INBOX_ANSWERED_MARK);
        return ok(JSON.parse(inboxJson) as InboxItem[]);
      }
      const answer = answers[name];
      if (answer) return ok(answer());
      return { ok: false, error: { code: 'not-configured', message: 'This is not available in the inbox benchmark.' } };
    },
    subscribe: () => () => {},
    registerFile: async () => ({ ok: false, error: { code: 'not-configured', message: 'This is not available in the inbox benchmark.' } }),
  });
  Object.defineProperty(window, 'mesh', { value: api, writable: false, configurable: false });
}

if (typeof window !== 'undefined') install();
