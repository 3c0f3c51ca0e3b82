import { describe, expect, it } from 'vitest';
import { FaultInjector, parseFaultRules } from '../../../main/sandbox/faults';

describe('FaultInjector', () => {
  it('fires a rule once by default, then forgets it', () => {
    const faults = new FaultInjector();
    faults.add({ kind: 'status', status: 503 });
    expect(faults.take('GET', '/x')).toMatchObject({ kind: 'status', status: 503 });
    expect(faults.take('GET', '/x')).toBeUndefined();
  });

  it('matches method case-insensitively and path by regular expression', () => {
    const faults = new FaultInjector();
    faults.add({ kind: 'delay', ms: 5, count: 'always', match: { method: 'post', path: '^/messageexchange/[^/]+/outbox$' } });
    expect(faults.take('GET', '/messageexchange/A/outbox')).toBeUndefined();
    expect(faults.take('POST', '/messageexchange/A/outbox/1/2')).toBeUndefined();
    expect(faults.take('POST', '/messageexchange/A/outbox')).toMatchObject({ kind: 'delay' });
    expect(faults.list()[0]).toMatchObject({ fired: 1, remaining: Infinity });
  });

  it('tries rules in the order they were added and counts each down', () => {
    const faults = new FaultInjector();
    faults.add({ kind: 'status', status: 500, count: 2 });
    faults.add({ kind: 'status', status: 502 });
    const statuses = [1, 2, 3, 4].map(() => {
      const rule = faults.take('GET', '/');
      return rule?.kind === 'status' ? rule.status : undefined;
    });
    expect(statuses).toEqual([500, 500, 502, undefined]);
  });

  it('removes one rule by id and clears all', () => {
    const faults = new FaultInjector();
    const first = faults.add({ kind: 'truncate', afterBytes: 1 });
    faults.add({ kind: 'reset-after-body' });
    expect(faults.remove(first)).toBe(true);
    expect(faults.remove(first)).toBe(false);
    expect(faults.list()).toHaveLength(1);
    faults.clear();
    expect(faults.list()).toEqual([]);
  });

  it('refuses a path that is not a regular expression', () => {
    expect(() => new FaultInjector().add({ kind: 'status', status: 500, match: { path: '[' } })).toThrow(
      expect.objectContaining({ code: 'invalid-argument' }),
    );
  });
});

describe('parseFaultRules', () => {
  it('accepts one rule, an array, or {rules}', () => {
    expect(parseFaultRules({ kind: 'reset-after-body' })).toHaveLength(1);
    expect(
      parseFaultRules([
        { kind: 'delay', ms: 1 },
        { kind: 'truncate', afterBytes: 0 },
      ]),
    ).toHaveLength(2);
    expect(parseFaultRules({ rules: [{ kind: 'reset-mid-body', afterBytes: 10, direction: 'response' }] })).toHaveLength(1);
  });

  it.each([
    [{ kind: 'status' }],
    [{ kind: 'status', status: 99 }],
    [{ kind: 'delay', ms: -1 }],
    [{ kind: 'truncate', afterBytes: 1, extra: true }],
    [{ kind: 'status', status: 500, count: 0 }],
    [[]],
    [null],
  ])('refuses %j', (json) => {
    expect(() => parseFaultRules(json)).toThrow(expect.objectContaining({ code: 'invalid-argument' }));
  });
});
