// Where policy comes from and which wins: Group Policy for the computer, then for
// the Windows account, then policy.json, then the person's own settings.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../main/log/logger';
import { effectiveSettings, type EffectiveSettings } from '../../../main/settings/effective';
import {
  combinePolicySources,
  machinePolicyLoader,
  mergePolicies,
  PolicyWatch,
  POLICY_RECHECK_MS,
  type MachinePolicyRead,
  type PolicySourceRead,
} from '../../../main/settings/machine-policy';
import { parsePolicy, type Policy, type PolicyLoadResult } from '../../../main/settings/policy';
import { fixtureRegistryReader, type RegistryReader } from '../../../main/settings/reg-query';
import { appSettingsSchema } from '../../../main/settings/schema';
import { AppError } from '../../../main/shared/errors';

const fixture = (name: string) => readFileSync(join(__dirname, 'fixtures', 'registry', name), 'utf8');
const HKLM_KEY = 'HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\MESH Desktop';
const HKCU_KEY = 'HKEY_CURRENT_USER\\SOFTWARE\\Policies\\MESH Desktop';
const FILE = '/etc/mesh-desktop/policy.json';
const OWN = '11111111-1111-4111-8111-111111111111';

function policy(value: unknown): Policy {
  const result = parsePolicy(JSON.stringify(value));
  if (!('policy' in result)) throw new Error(result.reason);
  return result.policy;
}

function source(hive: 'HKLM' | 'HKCU', value: unknown): PolicySourceRead {
  return {
    where: hive === 'HKLM' ? HKLM_KEY : HKCU_KEY,
    label: hive === 'HKLM' ? 'Group Policy for this computer' : 'Group Policy for your Windows account',
    result: value === undefined ? { status: 'absent' } : { status: 'ok', policy: policy(value), notices: [] },
  };
}

function fileResult(value: unknown): PolicyLoadResult {
  return value === undefined ? { status: 'absent', path: FILE } : { status: 'ok', path: FILE, policy: policy(value) };
}

const mailbox = (mailboxId: string, displayName = mailboxId) => ({ environment: 'LIVE', mailboxId, displayName });

interface Case {
  name: string;
  hklm?: unknown;
  hkcu?: unknown;
  file?: unknown;
  person?: Record<string, unknown>;
  /** What to look at in the effective settings, and what it must be. */
  get: (effective: EffectiveSettings) => unknown;
  want: unknown;
}

const proxyOf = (e: EffectiveSettings) => ({ url: e.settings.proxy.url ?? e.settings.proxy.mode, locked: e.managed.proxy !== undefined });
const manual = (url: string) => ({ mode: 'manual', url });
const A = 'http://a.trust.nhs.uk:8080';
const B = 'http://b.trust.nhs.uk:8080';
const C = 'http://c.trust.nhs.uk:8080';
const OWN_PROXY = 'http://own.example:3128';

const CASES: Case[] = [
  // Proxy: one value, four places.
  { name: 'proxy: only the person', person: { proxy: manual(OWN_PROXY) }, get: proxyOf, want: { url: OWN_PROXY, locked: false } },
  {
    name: 'proxy: policy.json over the person',
    file: { proxy: manual(C) },
    person: { proxy: manual(OWN_PROXY) },
    get: proxyOf,
    want: { url: C, locked: true },
  },
  {
    name: 'proxy: user Group Policy over the person',
    hkcu: { proxy: manual(B) },
    person: { proxy: manual(OWN_PROXY) },
    get: proxyOf,
    want: { url: B, locked: true },
  },
  {
    name: 'proxy: computer Group Policy over the person',
    hklm: { proxy: manual(A) },
    person: { proxy: manual(OWN_PROXY) },
    get: proxyOf,
    want: { url: A, locked: true },
  },
  {
    name: 'proxy: computer over user',
    hklm: { proxy: manual(A) },
    hkcu: { proxy: manual(B) },
    get: proxyOf,
    want: { url: A, locked: true },
  },
  {
    name: 'proxy: user over policy.json',
    hkcu: { proxy: manual(B) },
    file: { proxy: manual(C) },
    get: proxyOf,
    want: { url: B, locked: true },
  },
  {
    name: 'proxy: computer over policy.json',
    hklm: { proxy: manual(A) },
    file: { proxy: manual(C) },
    get: proxyOf,
    want: { url: A, locked: true },
  },
  {
    name: 'proxy: computer over all',
    hklm: { proxy: manual(A) },
    hkcu: { proxy: manual(B) },
    file: { proxy: manual(C) },
    person: { proxy: manual(OWN_PROXY) },
    get: proxyOf,
    want: { url: A, locked: true },
  },
  {
    name: 'proxy: a lower place speaks when the higher says nothing',
    hklm: { minimumPollIntervalMinutes: 10 },
    file: { proxy: manual(C) },
    get: proxyOf,
    want: { url: C, locked: true },
  },
  {
    name: 'proxy: a starting value in policy.json applies while the person has not chosen',
    file: { proxy: manual(C), lock: [] },
    get: proxyOf,
    want: { url: C, locked: false },
  },
  {
    name: 'proxy: a starting value gives way to the person’s choice',
    file: { proxy: manual(C), lock: [] },
    person: { proxy: manual(OWN_PROXY) },
    get: proxyOf,
    want: { url: OWN_PROXY, locked: false },
  },
  {
    name: 'proxy: computer locks it, policy.json gives the value',
    hklm: { lock: ['proxy'] },
    file: { proxy: manual(C) },
    person: { proxy: manual(OWN_PROXY) },
    get: proxyOf,
    want: { url: C, locked: true },
  },
  {
    name: 'proxy: computer locks it and nobody sets it: the built-in system proxy',
    hklm: { lock: ['proxy'] },
    person: { proxy: manual(OWN_PROXY) },
    get: proxyOf,
    want: { url: 'system', locked: true },
  },
  {
    name: 'proxy: a computer starting value outranks a locked policy.json value',
    hklm: { proxy: manual(A), lock: [] },
    file: { proxy: manual(C) },
    get: proxyOf,
    want: { url: A, locked: false },
  },
  {
    name: 'proxy: a user starting value outranks a locked policy.json value',
    hkcu: { proxy: manual(B), lock: ['mailboxes'] },
    file: { proxy: manual(C) },
    get: proxyOf,
    want: { url: B, locked: false },
  },
  {
    name: 'proxy: a lock list that does not name it leaves the lower place to decide',
    hklm: { lock: ['mailboxes'] },
    file: { proxy: manual(C) },
    get: proxyOf,
    want: { url: C, locked: true },
  },

  // Certificate authorities, download folder, updates.
  {
    name: 'CA files: user over policy.json, locked',
    hkcu: { extraCaFiles: ['b.pem'] },
    file: { extraCaFiles: ['c.pem'] },
    person: { extraCaFiles: ['own.pem'] },
    get: (e) => [e.settings.extraCaFiles, e.managed.extraCaFiles !== undefined],
    want: [['b.pem'], true],
  },
  {
    name: 'CA files: a computer starting value is added to the person’s own',
    hklm: { extraCaFiles: ['a.pem'], lock: [] },
    person: { extraCaFiles: ['own.pem'] },
    get: (e) => [e.settings.extraCaFiles, e.managed.extraCaFiles !== undefined],
    want: [['a.pem', 'own.pem'], false],
  },
  {
    name: 'download folder: computer over user',
    hklm: { defaultDownloadFolder: 'D:\\a' },
    hkcu: { defaultDownloadFolder: 'D:\\b' },
    get: (e) => e.settings.defaultDownloadFolder,
    want: 'D:\\a',
  },
  {
    name: 'download folder: user over the person',
    hkcu: { defaultDownloadFolder: 'D:\\b' },
    person: { defaultDownloadFolder: 'D:\\own' },
    get: (e) => [e.settings.defaultDownloadFolder, e.managed.defaultDownloadFolder !== undefined],
    want: ['D:\\b', true],
  },
  {
    name: 'updates: computer over the person',
    hklm: { updates: { enabled: false } },
    get: (e) => [e.settings.updates.enabled, e.managed.updates !== undefined],
    want: [false, true],
  },
  {
    name: 'updates: user over policy.json',
    hkcu: { updates: { enabled: true } },
    file: { updates: { enabled: false } },
    get: (e) => e.settings.updates.enabled,
    want: true,
  },
  {
    name: 'updates: the person’s own without any policy',
    person: { updates: { enabled: false } },
    get: (e) => [e.settings.updates.enabled, e.managed.updates],
    want: [false, undefined],
  },

  // How often mailboxes are checked.
  {
    name: 'poll floor: computer over user and policy.json',
    hklm: { minimumPollIntervalMinutes: 30 },
    hkcu: { minimumPollIntervalMinutes: 10 },
    file: { minimumPollIntervalMinutes: 15 },
    get: (e) => e.managed.minimumPollIntervalMinutes?.value,
    want: 30,
  },
  {
    name: 'poll floor: user over policy.json',
    hkcu: { minimumPollIntervalMinutes: 10 },
    file: { minimumPollIntervalMinutes: 15 },
    get: (e) => e.managed.minimumPollIntervalMinutes?.value,
    want: 10,
  },
  {
    name: 'poll floor: raises the person’s interval',
    hkcu: { minimumPollIntervalMinutes: 20 },
    person: { mailboxes: [{ id: OWN, ...mailbox('X26OWN01'), downloadFolder: '/in', pollIntervalMinutes: 5 }] },
    get: (e) => e.settings.mailboxes[0]?.pollIntervalMinutes,
    want: 20,
  },
  {
    name: 'poll floor: a longer interval the person chose stays',
    file: { minimumPollIntervalMinutes: 15 },
    person: { mailboxes: [{ id: OWN, ...mailbox('X26OWN01'), downloadFolder: '/in', pollIntervalMinutes: 60 }] },
    get: (e) => e.settings.mailboxes[0]?.pollIntervalMinutes,
    want: 60,
  },
  {
    name: 'poll interval: user locks it at the computer’s floor',
    hklm: { minimumPollIntervalMinutes: 30 },
    hkcu: { lock: ['pollInterval'] },
    person: { mailboxes: [{ id: OWN, ...mailbox('X26OWN01'), downloadFolder: '/in', pollIntervalMinutes: 60 }] },
    get: (e) => [e.managed.pollInterval?.value, e.settings.mailboxes[0]?.pollIntervalMinutes],
    want: [30, 30],
  },

  // Environments.
  {
    name: 'allowed environments: computer over policy.json',
    hklm: { allowedEnvironments: ['LIVE'] },
    file: { allowedEnvironments: ['INT', 'LIVE'] },
    get: (e) => e.managed.allowedEnvironments?.value,
    want: ['LIVE'],
  },
  {
    name: 'allowed environments: user over policy.json',
    hkcu: { allowedEnvironments: ['INT'] },
    file: { allowedEnvironments: ['LIVE'] },
    get: (e) => e.managed.allowedEnvironments?.value,
    want: ['INT'],
  },
  {
    name: 'server addresses: one setting per environment',
    hklm: { environments: { LIVE: 'https://gateway-a.nhs.uk' } },
    file: { environments: { LIVE: 'https://gateway-c.nhs.uk', INT: 'https://int-c.nhs.uk' } },
    get: (e) => [e.environmentUrls.LIVE, e.environmentUrls.INT],
    want: ['https://gateway-a.nhs.uk', 'https://int-c.nhs.uk'],
  },

  // Mailboxes: one setting each.
  {
    name: 'mailboxes: every place’s mailboxes appear, computer’s first, all managed',
    hklm: { mailboxes: [mailbox('X26AAA01')] },
    hkcu: { mailboxes: [mailbox('X26BBB01')] },
    file: { mailboxes: [mailbox('X26CCC01')] },
    get: (e) => e.settings.mailboxes.map((m) => [m.mailboxId, m.source]),
    want: [
      ['X26AAA01', 'policy'],
      ['X26BBB01', 'policy'],
      ['X26CCC01', 'policy'],
    ],
  },
  {
    name: 'mailboxes: one set by computer and policy.json takes the computer’s definition, once',
    hklm: { mailboxes: [mailbox('X26AAA01', 'From Group Policy')] },
    file: { mailboxes: [{ ...mailbox('x26aaa01', 'From the file'), acknowledge: 'manual' }] },
    get: (e) => e.settings.mailboxes.map((m) => [m.displayName, m.acknowledge]),
    want: [['From Group Policy', 'after-save']],
  },
  {
    name: 'mailboxes: one set by user and policy.json takes the user’s definition',
    hkcu: { mailboxes: [mailbox('X26BBB01', 'From user policy')] },
    file: { mailboxes: [mailbox('X26BBB01', 'From the file')] },
    get: (e) => e.settings.mailboxes.map((m) => m.displayName),
    want: ['From user policy'],
  },
  {
    name: 'mailboxes: a computer starting value lets people add their own, though policy.json would not',
    hklm: { mailboxes: [mailbox('X26AAA01')], lock: [] },
    file: { mailboxes: [mailbox('X26CCC01')] },
    get: (e) => e.managed.mailboxes,
    want: undefined,
  },
  {
    name: 'mailboxes: policy.json mailboxes stop people adding their own when nothing higher speaks',
    hklm: { proxy: manual(A) },
    file: { mailboxes: [mailbox('X26CCC01')] },
    get: (e) => e.managed.mailboxes?.value.map((m) => m.mailboxId),
    want: ['X26CCC01'],
  },
  {
    name: 'mailboxes: the person’s own copy of a policy mailbox keeps its id but takes IT’s name',
    hkcu: { mailboxes: [mailbox('X26BBB01', 'IT name')] },
    person: { mailboxes: [{ id: OWN, ...mailbox('X26BBB01', 'My name'), downloadFolder: '/in' }] },
    get: (e) => e.settings.mailboxes.map((m) => [m.id, m.displayName, m.removable]),
    want: [[OWN, 'IT name', false]],
  },
];

describe('precedence: computer Group Policy, user Group Policy, policy.json, the person', () => {
  it('has at least 30 cases', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(30);
  });

  it.each(CASES.map((c) => [c.name, c] as const))('%s', (_, c) => {
    const combined = combinePolicySources([source('HKLM', c.hklm), source('HKCU', c.hkcu)], fileResult(c.file));
    if (combined.status === 'broken') throw new Error(combined.problem.reason);
    const person = appSettingsSchema.parse({ version: 1, ...c.person });
    const effective = effectiveSettings(person, combined.status === 'ok' ? combined.policy : undefined);
    expect(c.get(effective)).toEqual(c.want);
  });
});

describe('mergePolicies', () => {
  it('gives a single policy back unchanged in meaning (no lock list stays no lock list)', () => {
    const only = policy({ proxy: manual(A), mailboxes: [mailbox('X26AAA01')] });
    expect(mergePolicies([only])).toEqual(only);
  });

  it('writes out exactly what is locked once any source has a lock list', () => {
    const merged = mergePolicies([policy({ lock: ['pollInterval'] }), policy({ proxy: manual(A), updates: { enabled: false } })]);
    expect(merged.lock).toEqual(['proxy', 'updates', 'pollInterval']);
  });
});

describe('combinePolicySources', () => {
  const broken: PolicySourceRead = {
    where: HKCU_KEY,
    label: 'Group Policy for your Windows account',
    result: { status: 'broken', problems: ['Your IT team’s policy "Proxy server" sets Proxy as a number…'], notices: [] },
  };

  it('returns the file’s result unchanged when no Group Policy is set', () => {
    const file = fileResult({ minimumPollIntervalMinutes: 15 });
    expect(combinePolicySources([source('HKLM', undefined), source('HKCU', undefined)], file)).toBe(file);
  });

  it('fails closed when any Group Policy cannot be used, even with a good policy.json and computer policy', () => {
    const combined = combinePolicySources([source('HKLM', { proxy: manual(A) }), broken], fileResult({ minimumPollIntervalMinutes: 15 }));
    expect(combined).toMatchObject({
      status: 'broken',
      path: HKCU_KEY,
      notices: broken.result.status === 'broken' ? broken.result.problems : [],
    });
    if (combined.status !== 'broken') throw new Error('expected broken');
    expect(combined.problem.error).toBeInstanceOf(AppError);
    expect(combined.problem.error.message).toBe(
      'The MESH Desktop settings your IT team set in Group Policy for your Windows account cannot be used, so MESH Desktop will not connect to MESH until they are fixed. Contact your IT service desk.',
    );
  });

  it('fails closed when policy.json is broken, though Group Policy is fine', () => {
    const file: PolicyLoadResult = {
      status: 'broken',
      path: FILE,
      problem: { path: FILE, reason: 'not JSON', error: new AppError({ code: 'policy-invalid', message: 'broken file' }) },
    };
    expect(combinePolicySources([source('HKLM', { proxy: manual(A) })], file)).toMatchObject({ status: 'broken', path: FILE });
  });

  it('carries every source’s notices, and names every source it used', () => {
    const noted: PolicySourceRead = { ...source('HKLM', { minimumPollIntervalMinutes: 5 }) };
    if (noted.result.status === 'ok') noted.result.notices = ['raised to 5'];
    expect(combinePolicySources([noted], fileResult({ proxy: manual(C) }))).toEqual({
      status: 'ok',
      path: `${HKLM_KEY}; ${FILE}`,
      policy: { minimumPollIntervalMinutes: 5, proxy: { mode: 'manual', url: C } },
      notices: ['raised to 5'],
    });
  });
});

describe('machinePolicyLoader', () => {
  let folder: string;
  beforeEach(() => {
    folder = mkdtempSync(join(tmpdir(), 'machine-policy-'));
  });
  afterEach(() => rmSync(folder, { recursive: true, force: true }));

  const reader = (outcomes: Partial<Record<'HKLM' | 'HKCU', Awaited<ReturnType<RegistryReader['query']>>>>): RegistryReader => ({
    query: (hive) => Promise.resolve(outcomes[hive] ?? { status: 'missing' }),
  });

  it('reads both hives and the file, and combines them', async () => {
    writeFileSync(join(folder, 'policy.json'), JSON.stringify({ minimumPollIntervalMinutes: 60, mailboxes: [mailbox('X26FILE1')] }));
    const load = machinePolicyLoader({
      policyPath: join(folder, 'policy.json'),
      env: {},
      registry: reader({
        HKLM: { status: 'found', output: fixture('hklm-out-of-range.txt') },
        HKCU: { status: 'found', output: fixture('hkcu-one-mailbox.txt') },
      }),
    });
    const { result } = await load();
    expect(result).toMatchObject({
      status: 'ok',
      policy: { minimumPollIntervalMinutes: 5, mailboxes: [{ mailboxId: 'X26GP001' }, { mailboxId: 'X26FILE1' }] },
      notices: ["Your IT team's policy sets Poll interval to 1 minute; MESH allows 5 minutes at the shortest, so 5 minutes is used."],
    });
  });

  it('takes a missing or unreadable key as no policy, saying so only in the log', async () => {
    const load = machinePolicyLoader({
      policyPath: join(folder, 'none.json'),
      env: {},
      registry: reader({ HKLM: { status: 'unreadable', detail: 'reg.exe exited with 1: ERROR: Access is denied.' } }),
    });
    expect(await load()).toEqual({
      result: { status: 'absent', path: join(folder, 'none.json') },
      diagnostics: [`Could not read ${HKLM_KEY}, so no Group Policy from it is applied: reg.exe exited with 1: ERROR: Access is denied.`],
    });
  });

  it('never lets the test stand-in outrank a real policy file', async () => {
    writeFileSync(join(folder, 'HKLM.txt'), fixture('hklm-every-setting.txt'));
    writeFileSync(join(folder, 'policy.json'), JSON.stringify({ proxy: { mode: 'none' } }));
    const { result, diagnostics } = await machinePolicyLoader({
      policyPath: join(folder, 'policy.json'),
      env: {},
      registry: fixtureRegistryReader(folder),
    })();
    expect(result).toEqual({ status: 'ok', path: join(folder, 'policy.json'), policy: { proxy: { mode: 'none' } } });
    expect(diagnostics).toEqual([`A policy file exists at ${join(folder, 'policy.json')}, so the test registry stand-in is ignored.`]);
  });

  it('uses the stand-in from the environment only in test mode, off Windows', async () => {
    writeFileSync(join(folder, 'HKLM.txt'), fixture('hklm-out-of-range.txt'));
    const env = { MESH_DESKTOP_TEST_REGISTRY: folder };
    const policyPath = join(folder, 'none.json');
    expect((await machinePolicyLoader({ policyPath, env, platform: 'linux' })()).result.status).toBe('absent');
    const inTest = await machinePolicyLoader({ policyPath, env: { ...env, MESH_DESKTOP_TEST_MODE: '1' }, platform: 'linux' })();
    expect(inTest.result).toMatchObject({ status: 'ok', policy: { minimumPollIntervalMinutes: 5 } });
  });
});

describe('PolicyWatch', () => {
  function watchOver(reads: MachinePolicyRead[]) {
    let index = 0;
    const load = () => Promise.resolve(reads[Math.min(index++, reads.length - 1)]!);
    return new PolicyWatch({ load, log: silentLogger });
  }
  const ok = (minutes: number): MachinePolicyRead => ({
    result: { status: 'ok', path: HKLM_KEY, policy: { minimumPollIntervalMinutes: minutes } },
    diagnostics: [],
  });

  it('re-reads no more often than once a minute by default', () => {
    expect(POLICY_RECHECK_MS).toBeGreaterThanOrEqual(60_000);
  });

  it('tells its listener only when the policy changed', async () => {
    const watch = watchOver([ok(15), ok(15), ok(30), ok(30)]);
    const seen: PolicyLoadResult[] = [];
    expect(await watch.read()).toEqual(ok(15).result);
    expect(await watch.check((r) => seen.push(r))).toBe(false);
    expect(await watch.check((r) => seen.push(r))).toBe(true);
    expect(await watch.check((r) => seen.push(r))).toBe(false);
    expect(seen).toEqual([ok(30).result]);
  });

  it('keeps the policy in force when a read fails', async () => {
    const watch = new PolicyWatch({ load: () => Promise.reject(new Error('disk gone')), log: silentLogger });
    const seen: unknown[] = [];
    expect(await watch.check((r) => seen.push(r))).toBe(false);
    expect(seen).toEqual([]);
  });

  it('re-reads on its timer until stopped', async () => {
    let reads = 0;
    const watch = new PolicyWatch({ load: () => Promise.resolve(ok(++reads)), log: silentLogger, intervalMs: 20 });
    const seen: PolicyLoadResult[] = [];
    watch.start((r) => seen.push(r));
    await new Promise((resolve) => setTimeout(resolve, 120));
    watch.stop();
    const count = seen.length;
    expect(count).toBeGreaterThan(1);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(seen.length).toBe(count);
  });
});
