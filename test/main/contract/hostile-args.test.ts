// Every request the contract names, sent arguments a hostile page could make
// up: prototype-polluting keys, megabyte strings, numbers out of any range,
// wrong types, extra arguments. Each must be answered `invalid-argument` with
// a short sentence, before any service runs: nothing thrown, nothing changed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { allRequestNames, type RequestName } from '../../../main/contract/channels';
import { parseArgs } from '../../../main/contract/dispatch';
import { requestSchemas } from '../../../main/contract/schemas';
import type { Reply } from '../../../main/contract/types';
import { createLogger, type Logger } from '../../../main/log/logger';
import { createAppServices, type AppServices } from '../../../main/services/app-services';

/** A valid argument list for each request, every optional argument filled, so a hostile value is the only fault. */
const VALID = {
  getAppInfo: [],
  getSettings: [],
  updateSettings: [{ notifications: true }],
  copyDiagnostics: [],
  listMailboxes: [],
  describeMailbox: ['profile-1'],
  addMailbox: [{ environment: 'INT', mailboxId: 'X26ABC1', displayName: 'Riverside Surgery', password: 'secret' }],
  updateMailbox: ['profile-1', { displayName: 'Riverside' }],
  removeMailbox: ['profile-1'],
  testConnection: ['profile-1'],
  startTrainingSandbox: [],
  generateCsr: [{ commonName: 'riverside.example', organisation: 'Riverside', folder: '/tmp' }],
  listInbox: ['profile-1'],
  checkNow: ['profile-1'],
  downloadMessages: ['profile-1', ['MSG-1'], { folder: '/tmp' }],
  acknowledgeMessages: ['profile-1', ['MSG-1']],
  showInFolder: ['/tmp/file.csv'],
  openFile: ['/tmp/file.csv'],
  chooseFolder: [{ title: 'Choose a folder' }],
  listSent: ['profile-1'],
  refreshSent: ['profile-1', 'MSG-1'],
  lookupMailboxes: ['profile-1', 'X26', 'TEST_WORKFLOW'],
  searchWorkflow: ['profile-1', 'TEST_WORKFLOW'],
  recentWorkflows: ['profile-1'],
  sendMessage: [{ profileId: 'profile-1', recipients: ['X26ABC2'], workflowId: 'TEST_WORKFLOW', fileRef: 'file-1' }],
  folderModeStatus: [],
  listTransfers: [],
  pauseTransfer: ['transfer-1'],
  resumeTransfer: ['transfer-1'],
  cancelTransfer: ['transfer-1'],
  retryTransfer: ['transfer-1', { sendAgain: false }],
  listActivity: [
    { from: '2026-03-01', to: '2026-03-31', mailboxId: 'X26ABC1', direction: 'sent', workflowId: 'W', text: 'results' },
    { offset: 400, limit: 200, oldestFirst: true },
  ],
  exportActivity: [{ from: '2026-03-01', direction: 'received' }, 'csv'],
  registerFilePath: ['/tmp/file.csv'],
} satisfies Record<RequestName, unknown[]>;

const LONG = 'x'.repeat(1_000_000);
/** Values no argument of any request accepts. JSON.parse makes `__proto__` an own key, as a bridge's parse would. */
const HOSTILE: [string, unknown][] = [
  ['an object with a __proto__ key', JSON.parse('{"__proto__":{"polluted":"yes"}}')],
  ['an object with a constructor key', JSON.parse('{"constructor":{"prototype":{"polluted":"yes"}}}')],
  ['an object with a megabyte-long key', { [LONG]: 1 }],
  ['a megabyte-long string', LONG],
  ['a negative number', -1],
  ['a huge number', 1e308],
  ['infinity', Infinity],
  ['not a number', NaN],
  ['null', null],
  ['true', true],
  ['an empty list', []],
  ['a nested list', [[[]]]],
];

/** Numbers and keys hidden inside otherwise valid objects. */
const NESTED: [RequestName, unknown[]][] = [
  ['updateSettings', [{ maxConcurrentTransfers: -1 }]],
  ['updateSettings', [{ maxConcurrentTransfers: 1e308 }]],
  ['updateSettings', [{ maxConcurrentTransfers: 2.5 }]],
  ['updateSettings', [{ extraCaFiles: Array.from({ length: 10_000 }, () => '/tmp/ca.pem') }]],
  ['updateSettings', [JSON.parse('{"notifications":true,"__proto__":{"polluted":"yes"}}')]],
  ['updateMailbox', ['profile-1', { pollIntervalMinutes: -5 }]],
  ['updateMailbox', ['profile-1', { pollIntervalMinutes: 1 }]],
  ['updateMailbox', ['profile-1', { pollIntervalMinutes: Number.MAX_SAFE_INTEGER * 4 }]],
  ['updateMailbox', ['profile-1', JSON.parse('{"constructor":{"prototype":{"polluted":"yes"}}}')]],
  ['addMailbox', [{ ...VALID.addMailbox[0], certificate: JSON.parse('{"kind":"pfx","path":"/a","__proto__":{}}') }]],
  ['sendMessage', [{ ...VALID.sendMessage[0], recipients: Array.from({ length: 10_000 }, () => 'X26ABC2') }]],
  ['acknowledgeMessages', ['profile-1', Array.from({ length: 100_000 }, (_, i) => `MSG-${i}`)]],
  ['downloadMessages', ['profile-1', ['MSG-1'], { folder: LONG }]],
  ['listActivity', [{ from: '2026-02-30' }]],
  ['listActivity', [{ from: '2026-03-31', to: '2026-03-01' }]],
  ['listActivity', [{ direction: 'sideways' }]],
  ['listActivity', [{}, { offset: 1.5, limit: 10 }]],
  ['listActivity', [{}, { offset: 0, limit: 0 }]],
  ['listActivity', [{}, { offset: 0, limit: 1001 }]],
  ['listActivity', [{}, { offset: 0 }]],
  ['exportActivity', [{}, 'xlsx']],
];

function arity(name: RequestName): number {
  return requestSchemas[name].def.items.length;
}

/** For every request: a hostile value at each argument position, after valid ones, and one argument too many. */
function hostileCalls(): [string, RequestName, unknown][] {
  const calls: [string, RequestName, unknown][] = [];
  for (const name of allRequestNames) {
    const valid = VALID[name] as unknown[];
    for (let position = 0; position <= arity(name); position++)
      for (const [label, value] of HOSTILE)
        calls.push([`${label} as argument ${position + 1}`, name, [...valid.slice(0, position), value]]);
    calls.push(['a string instead of an argument list', name, 'not a list']);
    calls.push(['an object instead of an argument list', name, JSON.parse('{"__proto__":{"polluted":"yes"},"0":"x"}')]);
  }
  for (const [name, args] of NESTED) calls.push(['a bad value inside an object', name, args]);
  return calls;
}

let folder: string;
let log: Logger;
let services: AppServices;

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'hostile-args-'));
  log = createLogger({ folder: join(folder, 'logs') });
  services = await createAppServices({ shell: 'preview', dataFolder: folder, log, policyPath: join(folder, 'no-policy.json') });
});

afterAll(async () => {
  await services?.shutdown();
  await log?.close();
  rmSync(folder, { recursive: true, force: true });
});

describe('hostile arguments over the contract', () => {
  it('has a valid, complete argument list for every request, so only the hostile value is at fault', () => {
    for (const name of allRequestNames) {
      expect((VALID[name] as unknown[]).length, name).toBe(arity(name));
      expect(parseArgs(name, VALID[name]), name).toMatchObject({ ok: true });
    }
  });

  it('answers every hostile call invalid-argument with one short sentence, and changes nothing', async () => {
    const snapshot = async () =>
      JSON.stringify(await Promise.all(['getSettings', 'listMailboxes', 'listTransfers'].map((n) => services.dispatch(n, []))));
    const before = await snapshot();
    const calls = hostileCalls();
    expect(calls.length).toBeGreaterThan(allRequestNames.length * HOSTILE.length);
    for (const [label, name, args] of calls) {
      // Bridge-only requests are checked as a bridge would send them, so their arguments are validated too.
      const reply = (await services.dispatch(name, args, 'bridge')) as Reply<unknown>;
      expect(reply.ok, `${name} with ${label}`).toBe(false);
      if (reply.ok) continue;
      expect(reply.error.code, `${name} with ${label}`).toBe('invalid-argument');
      expect(reply.error.message, `${name} with ${label}`).toMatch(/^MESH Desktop could not do that: .*\.$/);
      expect(reply.error.message.length, `${name} with ${label}`).toBeLessThan(300);
    }
    expect(await snapshot()).toBe(before);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
  });

  it('refuses a bridge-only request from the page whatever its arguments, as an unknown request', async () => {
    for (const args of [['/etc/passwd'], [], [LONG]]) {
      const reply = (await services.dispatch('registerFilePath', args)) as Reply<unknown>;
      expect(reply).toMatchObject({ ok: false, error: { code: 'invalid-argument' } });
      if (!reply.ok) expect(reply.error.message).toMatch(/does not know/);
    }
  });

  it('refuses request names that are not in the table, prototype names included', async () => {
    for (const name of ['__proto__', 'constructor', 'toString', 'hasOwnProperty', LONG, 42, null, { name: 'getAppInfo' }]) {
      const reply = (await services.dispatch(name, [])) as Reply<unknown>;
      expect(reply).toMatchObject({ ok: false, error: { code: 'invalid-argument' } });
    }
  });
});
