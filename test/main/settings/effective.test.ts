import { describe, expect, it } from 'vitest';
import {
  applyPollPolicy,
  effectiveSettings,
  isDefaultProxy,
  mailboxBaseUrl,
  policyMailboxProfileId,
} from '../../../main/settings/effective';
import { BUILT_IN_ENVIRONMENT_URLS } from '../../../main/settings/environments';
import { parsePolicy, type Policy, type PolicyProblem } from '../../../main/settings/policy';
import { appSettingsSchema, type AppSettings } from '../../../main/settings/schema';
import { AppError } from '../../../main/shared/errors';

const A = '11111111-1111-4111-8111-111111111111';
const B = '22222222-2222-4222-8222-222222222222';

function user(overrides: Record<string, unknown> = {}): AppSettings {
  return appSettingsSchema.parse({ version: 1, ...overrides });
}

function mailbox(id: string, overrides: Record<string, unknown> = {}) {
  return { id, environment: 'INT', mailboxId: 'X26ABC1', displayName: 'Pathology', downloadFolder: '/in', ...overrides };
}

function policy(value: unknown): Policy {
  const result = parsePolicy(JSON.stringify(value));
  if (!('policy' in result)) throw new Error(result.reason);
  return result.policy;
}

const brokenProblem: PolicyProblem = {
  path: '/etc/mesh-desktop/policy.json',
  reason: 'not valid JSON',
  error: new AppError({ code: 'policy-invalid', message: 'The policy file is broken; MESH Desktop will not connect.' }),
};

describe('effectiveSettings without a policy', () => {
  it("is the person's own settings, with built-in environment addresses", () => {
    const own = user({ mailboxes: [mailbox(A)], proxy: { mode: 'none' }, extraCaFiles: ['a.pem'] });
    const { settings, managed, environmentUrls } = effectiveSettings(own, undefined);
    expect(settings.proxy).toEqual({ mode: 'none' });
    expect(settings.extraCaFiles).toEqual(['a.pem']);
    expect(managed).toEqual({});
    expect(environmentUrls).toEqual(BUILT_IN_ENVIRONMENT_URLS);
    expect(settings.mailboxes).toHaveLength(1);
    expect(settings.mailboxes[0]).toMatchObject({
      id: A,
      source: 'user',
      usable: true,
      removable: true,
      baseUrl: 'https://msg.intspineservices.nhs.uk',
      lockedFields: [],
    });
  });

  it('marks a TRAINING mailbox unusable because no address is known', () => {
    const { settings } = effectiveSettings(user({ mailboxes: [mailbox(A, { environment: 'TRAINING' })] }), undefined);
    expect(settings.mailboxes[0]?.usable).toBe(false);
    expect(settings.mailboxes[0]?.unusableReason).toMatch(/does not know the address of the Training environment/);
  });

  it("uses the profile's own address for CUSTOM", () => {
    const { settings } = effectiveSettings(
      user({ mailboxes: [mailbox(A, { environment: 'CUSTOM', customUrl: 'http://localhost:8700' })] }),
      undefined,
    );
    expect(settings.mailboxes[0]?.baseUrl).toBe('http://localhost:8700');
    expect(settings.mailboxes[0]?.usable).toBe(true);
  });
});

describe('policy wins over the person', () => {
  it("policy proxy replaces the person's proxy", () => {
    const own = user({ proxy: { mode: 'manual', url: 'http://my-proxy:3128', username: 'me' } });
    const result = effectiveSettings(own, policy({ proxy: { mode: 'manual', url: 'http://trust-proxy:8080' } }));
    expect(result.settings.proxy).toEqual({ mode: 'manual', url: 'http://trust-proxy:8080' });
    expect(result.managed.proxy).toEqual({ value: { mode: 'manual', url: 'http://trust-proxy:8080' } });
  });

  it('policy "no proxy" replaces the person\'s manual proxy', () => {
    const own = user({ proxy: { mode: 'manual', url: 'http://my-proxy:3128' } });
    expect(effectiveSettings(own, policy({ proxy: { mode: 'none' } })).settings.proxy).toEqual({ mode: 'none' });
  });

  it('a proxy lock without a value forces the system proxy', () => {
    const own = user({ proxy: { mode: 'none' } });
    const result = effectiveSettings(own, policy({ lock: ['proxy'] }));
    expect(result.settings.proxy).toEqual({ mode: 'system' });
    expect(result.managed.proxy).toEqual({ value: { mode: 'system' } });
  });

  it('an unlocked policy proxy is only a starting value', () => {
    const starting = policy({ proxy: { mode: 'manual', url: 'http://trust-proxy:8080' }, lock: [] });
    expect(effectiveSettings(user(), starting).settings.proxy.url).toBe('http://trust-proxy:8080');
    const chosen = user({ proxy: { mode: 'none' } });
    expect(effectiveSettings(chosen, starting).settings.proxy).toEqual({ mode: 'none' });
    expect(effectiveSettings(chosen, starting).managed.proxy).toBeUndefined();
  });

  it("poll interval floor raises a person's 5 to policy's 15", () => {
    const own = user({ mailboxes: [mailbox(A, { pollIntervalMinutes: 5 })] });
    const result = effectiveSettings(own, policy({ minimumPollIntervalMinutes: 15 }));
    expect(result.settings.mailboxes[0]?.pollIntervalMinutes).toBe(15);
    expect(result.managed.minimumPollIntervalMinutes).toEqual({ value: 15 });
  });

  it('poll interval floor leaves a longer interval alone', () => {
    const own = user({ mailboxes: [mailbox(A, { pollIntervalMinutes: 60 })] });
    expect(effectiveSettings(own, policy({ minimumPollIntervalMinutes: 15 })).settings.mailboxes[0]?.pollIntervalMinutes).toBe(60);
  });

  it('a locked poll interval fixes every mailbox at the floor', () => {
    const own = user({ mailboxes: [mailbox(A, { pollIntervalMinutes: 60 })] });
    const result = effectiveSettings(own, policy({ minimumPollIntervalMinutes: 30, lock: ['pollInterval'] }));
    expect(result.settings.mailboxes[0]?.pollIntervalMinutes).toBe(30);
    expect(result.settings.mailboxes[0]?.lockedFields).toContain('pollIntervalMinutes');
    expect(result.managed.pollInterval).toEqual({ value: 30 });
  });

  it("a disallowed environment's mailbox is marked unusable with a reason", () => {
    const own = user({ mailboxes: [mailbox(A, { environment: 'LIVE' }), mailbox(B, { environment: 'INT', mailboxId: 'X26ABC2' })] });
    const result = effectiveSettings(own, policy({ allowedEnvironments: ['INT', 'DEP'] }));
    const [live, int] = result.settings.mailboxes;
    expect(live).toMatchObject({ id: A, usable: false });
    expect(live?.unusableReason).toMatch(/does not allow Live mailboxes/);
    expect(int).toMatchObject({ id: B, usable: true });
    expect(result.managed.allowedEnvironments).toEqual({ value: ['INT', 'DEP'] });
  });

  it('a CUSTOM mailbox is unusable when policy allows only named environments', () => {
    const own = user({ mailboxes: [mailbox(A, { environment: 'CUSTOM', customUrl: 'https://evil.example.com' })] });
    const result = effectiveSettings(own, policy({ allowedEnvironments: ['LIVE'] }));
    expect(result.settings.mailboxes[0]?.usable).toBe(false);
  });

  it('policy environment addresses replace the built-in ones', () => {
    const own = user({ mailboxes: [mailbox(A, { environment: 'LIVE' })] });
    const result = effectiveSettings(own, policy({ environments: { LIVE: 'https://mesh-hscn.example.nhs.uk' } }));
    expect(result.environmentUrls.LIVE).toBe('https://mesh-hscn.example.nhs.uk');
    expect(result.environmentUrls.INT).toBe(BUILT_IN_ENVIRONMENT_URLS.INT);
    expect(result.settings.mailboxes[0]?.baseUrl).toBe('https://mesh-hscn.example.nhs.uk');
  });

  it('policy can give TRAINING an address, making its mailboxes usable', () => {
    const own = user({ mailboxes: [mailbox(A, { environment: 'TRAINING' })] });
    const result = effectiveSettings(own, policy({ environments: { TRAINING: 'https://training.example.nhs.uk' } }));
    expect(result.settings.mailboxes[0]?.usable).toBe(true);
  });

  it("locked updates replace the person's choice", () => {
    const result = effectiveSettings(user({ updates: { enabled: true } }), policy({ updates: { enabled: false } }));
    expect(result.settings.updates).toEqual({ enabled: false });
    expect(result.managed.updates).toEqual({ value: { enabled: false } });
  });

  it('unlocked updates: policy starting value applies until the person turns them off', () => {
    const starting = policy({ updates: { enabled: false }, lock: [] });
    expect(effectiveSettings(user(), starting).settings.updates).toEqual({ enabled: false });
    const started = policy({ updates: { enabled: true }, lock: [] });
    expect(effectiveSettings(user({ updates: { enabled: false } }), started).settings.updates).toEqual({ enabled: false });
  });

  it("locked CA files replace the person's, and per-mailbox CA files are dropped", () => {
    const own = user({ extraCaFiles: ['mine.pem'], mailboxes: [mailbox(A, { extraCaFiles: ['box.pem'] })] });
    const result = effectiveSettings(own, policy({ extraCaFiles: ['trust.pem'] }));
    expect(result.settings.extraCaFiles).toEqual(['trust.pem']);
    expect(result.settings.mailboxes[0]?.extraCaFiles).toEqual([]);
    expect(result.settings.mailboxes[0]?.lockedFields).toContain('extraCaFiles');
  });

  it("unlocked CA files are added to the person's own", () => {
    const own = user({ extraCaFiles: ['mine.pem', 'trust.pem'] });
    const result = effectiveSettings(own, policy({ extraCaFiles: ['trust.pem'], lock: [] }));
    expect(result.settings.extraCaFiles).toEqual(['trust.pem', 'mine.pem']);
    expect(result.managed.extraCaFiles).toBeUndefined();
  });

  it("a locked default download folder replaces the person's", () => {
    const result = effectiveSettings(user({ defaultDownloadFolder: '/home/me' }), policy({ defaultDownloadFolder: 'H:\\MESH' }));
    expect(result.settings.defaultDownloadFolder).toBe('H:\\MESH');
  });

  it('a default download folder locked with no value leaves none', () => {
    const result = effectiveSettings(user({ defaultDownloadFolder: '/home/me' }), policy({ lock: ['defaultDownloadFolder'] }));
    expect(result.settings.defaultDownloadFolder).toBeUndefined();
    expect(result.managed.defaultDownloadFolder).toEqual({ value: undefined });
  });

  it('an unlocked default download folder is used only when the person has none', () => {
    const starting = policy({ defaultDownloadFolder: 'H:\\MESH', lock: [] });
    expect(effectiveSettings(user(), starting).settings.defaultDownloadFolder).toBe('H:\\MESH');
    expect(effectiveSettings(user({ defaultDownloadFolder: '/home/me' }), starting).settings.defaultDownloadFolder).toBe('/home/me');
  });

  it('does not touch settings policy says nothing about', () => {
    const own = user({ maxConcurrentTransfers: 7, notifications: false, chunkSizeMiB: 20 });
    const { settings } = effectiveSettings(own, policy({ proxy: { mode: 'none' } }));
    expect(settings).toMatchObject({ maxConcurrentTransfers: 7, notifications: false, chunkSizeMiB: 20 });
  });

  it("does not change the person's settings object", () => {
    const own = user({ mailboxes: [mailbox(A)], proxy: { mode: 'none' } });
    const before = structuredClone(own);
    effectiveSettings(own, policy({ proxy: { mode: 'system' }, minimumPollIntervalMinutes: 60 }));
    expect(own).toEqual(before);
  });
});

describe('mailboxes IT defines', () => {
  const defined = { environment: 'LIVE', mailboxId: 'X26PATH', displayName: 'Pathology results', downloadFolder: 'H:\\Path' };

  it('appear first, cannot be removed, and have a stable id', () => {
    const result = effectiveSettings(user({ mailboxes: [mailbox(A)] }), policy({ mailboxes: [defined], lock: [] }));
    const [first, second] = result.settings.mailboxes;
    expect(first).toMatchObject({
      source: 'policy',
      removable: false,
      mailboxId: 'X26PATH',
      displayName: 'Pathology results',
      downloadFolder: 'H:\\Path',
      usable: true,
      id: policyMailboxProfileId('LIVE', 'X26PATH'),
    });
    expect(first?.lockedFields).toEqual(expect.arrayContaining(['environment', 'mailboxId', 'displayName', 'downloadFolder']));
    expect(second).toMatchObject({ id: A, source: 'user', usable: true });
  });

  it("take the person's certificate and interval, but IT's name and folder", () => {
    const own = user({
      mailboxes: [
        mailbox(B, {
          environment: 'LIVE',
          mailboxId: 'x26path',
          displayName: 'My name',
          downloadFolder: '/mine',
          pollIntervalMinutes: 30,
          certificate: { kind: 'pfx', file: '/data/certificates/b/certificate.pfx' },
        }),
      ],
    });
    const result = effectiveSettings(own, policy({ mailboxes: [defined] }));
    expect(result.settings.mailboxes).toHaveLength(1);
    expect(result.settings.mailboxes[0]).toMatchObject({
      id: B,
      source: 'policy',
      displayName: 'Pathology results',
      downloadFolder: 'H:\\Path',
      pollIntervalMinutes: 30,
      certificate: { kind: 'pfx', file: '/data/certificates/b/certificate.pfx' },
    });
  });

  it("use the person's folder, then the default folder, when IT gives none", () => {
    const noFolder = { environment: 'INT', mailboxId: 'X26ABC1', displayName: 'Path' };
    const withOwn = effectiveSettings(user({ mailboxes: [mailbox(A, { downloadFolder: '/mine' })] }), policy({ mailboxes: [noFolder] }));
    expect(withOwn.settings.mailboxes[0]?.downloadFolder).toBe('/mine');
    expect(withOwn.settings.mailboxes[0]?.lockedFields).not.toContain('downloadFolder');
    const withDefault = effectiveSettings(user(), policy({ mailboxes: [noFolder], defaultDownloadFolder: 'H:\\MESH' }));
    expect(withDefault.settings.mailboxes[0]?.downloadFolder).toBe('H:\\MESH');
    const withNothing = effectiveSettings(user(), policy({ mailboxes: [noFolder] }));
    expect(withNothing.settings.mailboxes[0]?.usable).toBe(false);
    expect(withNothing.settings.mailboxes[0]?.unusableReason).toMatch(/Choose a folder/);
  });

  it("lock out the person's own mailboxes by default", () => {
    const result = effectiveSettings(user({ mailboxes: [mailbox(A)] }), policy({ mailboxes: [defined] }));
    const own = result.settings.mailboxes.find((entry) => entry.id === A);
    expect(own?.usable).toBe(false);
    expect(own?.unusableReason).toMatch(/only allows the mailboxes it has set up/);
    expect(result.managed.mailboxes?.value).toHaveLength(1);
  });

  it('are unusable too when their environment is not allowed', () => {
    const result = effectiveSettings(user(), policy({ mailboxes: [defined], allowedEnvironments: ['INT'] }));
    expect(result.settings.mailboxes[0]?.usable).toBe(false);
  });

  it('keep the poll floor', () => {
    const result = effectiveSettings(user(), policy({ mailboxes: [defined], minimumPollIntervalMinutes: 20 }));
    expect(result.settings.mailboxes[0]?.pollIntervalMinutes).toBe(20);
  });
});

describe('a broken policy', () => {
  it("makes every mailbox unusable with the policy error's sentence", () => {
    const result = effectiveSettings(user({ mailboxes: [mailbox(A), mailbox(B, { mailboxId: 'X26ABC2' })] }), undefined, brokenProblem);
    expect(result.settings.mailboxes.every((entry) => !entry.usable)).toBe(true);
    expect(result.settings.mailboxes[0]?.unusableReason).toBe(brokenProblem.error.message);
    expect(result.policyProblem).toBe(brokenProblem);
  });

  it('locks every setting at its current value', () => {
    const own = user({ proxy: { mode: 'none' } });
    const result = effectiveSettings(own, undefined, brokenProblem);
    expect(result.managed.proxy).toEqual({ value: { mode: 'none' } });
    expect(result.managed.updates).toBeDefined();
    expect(result.managed.extraCaFiles).toBeDefined();
    expect(result.managed.mailboxes).toBeDefined();
    expect(result.settings.proxy).toEqual({ mode: 'none' });
  });
});

describe('the active mailbox', () => {
  it('is kept when it exists and dropped when it does not', () => {
    expect(effectiveSettings(user({ mailboxes: [mailbox(A)], activeMailboxId: A }), undefined).settings.activeMailboxId).toBe(A);
    expect(effectiveSettings(user({ mailboxes: [mailbox(A)], activeMailboxId: B }), undefined).settings.activeMailboxId).toBeUndefined();
  });
});

describe('small helpers', () => {
  it.each([
    [5, 15, undefined, 15],
    [30, 15, undefined, 30],
    [5, 5, undefined, 5],
    [60, 15, 20, 20],
    [5, 5, 10, 10],
  ])('applyPollPolicy(%i, floor %i, fixed %s) → %i', (requested, floor, fixed, expected) => {
    expect(applyPollPolicy(requested, floor, fixed)).toBe(expected);
  });

  it('isDefaultProxy', () => {
    expect(isDefaultProxy({ mode: 'system' })).toBe(true);
    expect(isDefaultProxy({ mode: 'system', noProxy: 'x' })).toBe(false);
    expect(isDefaultProxy({ mode: 'none' })).toBe(false);
  });

  it('policyMailboxProfileId is a stable version-5 UUID that ignores case', () => {
    const id = policyMailboxProfileId('LIVE', 'X26PATH');
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(policyMailboxProfileId('LIVE', 'x26path')).toBe(id);
    expect(policyMailboxProfileId('INT', 'X26PATH')).not.toBe(id);
  });

  it('mailboxBaseUrl', () => {
    const urls = { ...BUILT_IN_ENVIRONMENT_URLS };
    expect(mailboxBaseUrl({ environment: 'DEP' }, urls)).toBe('https://msg.depspineservices.nhs.uk');
    expect(mailboxBaseUrl({ environment: 'CUSTOM', customUrl: 'https://x' }, urls)).toBe('https://x');
  });
});
