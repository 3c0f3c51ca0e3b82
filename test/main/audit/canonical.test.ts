/**
 * The one spelling of an entry: values already in canonical order take JSON.stringify, everything else the
 * spelled-out way, and both must give the same bytes — keys sorted at every level, undefined left out.
 */
import { describe, expect, it } from 'vitest';
import { canonicalJson, entryHash } from '../../../main/audit/canonical';

describe('canonicalJson', () => {
  it('spells a value in sorted order and the same value out of order alike', () => {
    const sorted = { a: 1, b: { c: [1, 'two', null, true, { d: -0.5 }], e: 'é"\\\n' }, z: false };
    const shuffled = { z: false, b: { e: 'é"\\\n', c: [1, 'two', null, true, { d: -0.5 }] }, a: 1 };
    const expected = '{"a":1,"b":{"c":[1,"two",null,true,{"d":-0.5}],"e":"é\\"\\\\\\n"},"z":false}';
    expect(canonicalJson(sorted)).toBe(expected);
    expect(canonicalJson(shuffled)).toBe(expected);
  });

  it('sorts keys that look like numbers as text, where JSON.stringify would put them first in number order', () => {
    expect(canonicalJson({ '9': 'nine', '10': 'ten', a: 'a' })).toBe('{"10":"ten","9":"nine","a":"a"}');
  });

  it('leaves out undefined values and refuses what the trail cannot hold', () => {
    expect(canonicalJson({ a: undefined, b: 2 })).toBe('{"b":2}');
    expect(() => canonicalJson({ a: Number.POSITIVE_INFINITY })).toThrow(TypeError);
    expect(() => canonicalJson({ a: () => 1 })).toThrow(TypeError);
  });

  it('does not let a toJSON or a Date speak for itself', () => {
    expect(() => canonicalJson({ a: { toJSON: () => 'x' } })).toThrow(TypeError);
    expect(canonicalJson({ a: { toJSON: 'kept' } })).toBe('{"a":{"toJSON":"kept"}}');
    expect(canonicalJson({ a: new Date(0) })).toBe('{"a":{}}');
  });

  it('hashes an entry without its own hash, the same whichever order its keys came in', () => {
    const one = entryHash({ seq: 1, hash: 'ignored', at: 'now' });
    expect(one).toBe(entryHash({ at: 'now', seq: 1 }));
    expect(one).toMatch(/^[0-9a-f]{64}$/);
    expect(one).not.toBe(entryHash({ at: 'now', seq: 2 }));
  });
});
