import { describe, expect, it } from 'vitest';
import { ProgressThrottle, RateEstimator, secondsLeft } from '../../../main/transfers/progress';

describe('ProgressThrottle', () => {
  it('emits the first event', () => {
    expect(new ProgressThrottle(100).shouldEmit('running', 0)).toBe(true);
  });

  it('emits at most once per interval while the state stays the same', () => {
    const throttle = new ProgressThrottle(100);
    const emitted = [];
    for (let t = 0; t <= 1000; t += 10) if (throttle.shouldEmit('running', t)) emitted.push(t);
    expect(emitted).toEqual([0, 100, 200, 300, 400, 500, 600, 700, 800, 900, 1000]);
  });

  it('emits a state change at once, however soon', () => {
    const throttle = new ProgressThrottle(100);
    expect(throttle.shouldEmit('running', 0)).toBe(true);
    expect(throttle.shouldEmit('running', 5)).toBe(false);
    expect(throttle.shouldEmit('verifying', 6)).toBe(true);
    expect(throttle.shouldEmit('done', 7)).toBe(true);
  });

  it('emits when forced', () => {
    const throttle = new ProgressThrottle(100);
    throttle.shouldEmit('running', 0);
    expect(throttle.shouldEmit('running', 1, true)).toBe(true);
    expect(throttle.shouldEmit('running', 2)).toBe(false);
  });

  it('restarts the interval after each emission', () => {
    const throttle = new ProgressThrottle(100);
    throttle.shouldEmit('running', 0);
    expect(throttle.shouldEmit('paused', 50)).toBe(true);
    expect(throttle.shouldEmit('paused', 120)).toBe(false);
    expect(throttle.shouldEmit('paused', 150)).toBe(true);
  });
});

describe('RateEstimator', () => {
  it('has no rate until two samples', () => {
    const rate = new RateEstimator(1000);
    expect(rate.sample(0, 0)).toBeUndefined();
    expect(rate.sample(1000, 1000)).toBe(1000);
  });

  it('converges on a steady rate', () => {
    const rate = new RateEstimator(1000);
    let value: number | undefined;
    for (let t = 0; t <= 10_000; t += 100) value = rate.sample(t * 5, t);
    expect(value).toBeCloseTo(5000, 5);
  });

  it('smooths a sudden change rather than jumping', () => {
    const rate = new RateEstimator(3000);
    for (let t = 0; t <= 10_000; t += 100) rate.sample(t * 10, t);
    const afterStall = rate.sample(100_000, 10_100);
    expect(afterStall).toBeGreaterThan(5000);
    expect(afterStall).toBeLessThan(10_000);
  });

  it('is independent of how often it is sampled', () => {
    const coarse = new RateEstimator(1000);
    const fine = new RateEstimator(1000);
    coarse.sample(0, 0);
    fine.sample(0, 0);
    coarse.sample(1000, 1000);
    fine.sample(1000, 1000);
    // Then the speed doubles for a second.
    coarse.sample(3000, 2000);
    for (let t = 1100; t <= 2000; t += 100) fine.sample(1000 + (t - 1000) * 2, t);
    expect(fine.current).toBeCloseTo(coarse.current!, 0);
  });

  it('starts over when the count goes back (a part sent again)', () => {
    const rate = new RateEstimator(1000);
    rate.sample(0, 0);
    rate.sample(1000, 1000);
    expect(rate.sample(500, 1100)).toBeUndefined();
    expect(rate.sample(1500, 2100)).toBe(1000);
  });

  it('ignores samples with no time between them', () => {
    const rate = new RateEstimator(1000);
    rate.sample(0, 0);
    rate.sample(100, 100);
    expect(rate.sample(200, 100)).toBe(1000);
  });

  it('forgets everything on reset', () => {
    const rate = new RateEstimator(1000);
    rate.sample(0, 0);
    rate.sample(100, 100);
    rate.reset();
    expect(rate.current).toBeUndefined();
  });
});

describe('secondsLeft', () => {
  it.each([
    [0, 1000, 100, 10],
    [950, 1000, 100, 1],
    [999, 1000, 100, 1],
    [1000, 1000, 100, 0],
    [2000, 1000, 100, 0],
  ])('%i of %i at %i B/s → %i s', (done, total, rate, expected) => {
    expect(secondsLeft(done, total, rate)).toBe(expected);
  });

  it('is unknown without a total or a positive rate', () => {
    expect(secondsLeft(0, undefined, 100)).toBeUndefined();
    expect(secondsLeft(0, 100, undefined)).toBeUndefined();
    expect(secondsLeft(0, 100, 0)).toBeUndefined();
  });
});
