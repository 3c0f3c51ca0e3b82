/**
 * Progress arithmetic for transfers: a smoothed rate, the time left, and a
 * throttle so the window hears about a busy transfer at most ~10 times a
 * second while state changes still go out at once. All pure or clock-driven.
 */

/** Default minimum gap between two progress events of one transfer. */
export const PROGRESS_INTERVAL_MS = 100;

/** How quickly the smoothed rate follows changes: about 63% of a step after this long. */
export const RATE_TIME_CONSTANT_MS = 3_000;

/** Smoothed bytes-per-second estimate: an exponentially weighted average that is correct for uneven sample gaps. */
export class RateEstimator {
  private rate: number | undefined;
  private lastBytes: number | undefined;
  private lastAt: number | undefined;

  constructor(private readonly timeConstantMs = RATE_TIME_CONSTANT_MS) {}

  /** Adds a sample (total bytes so far at time `at`, ms) and returns the smoothed rate, or undefined before there is one. */
  sample(bytes: number, at: number): number | undefined {
    if (this.lastBytes === undefined || this.lastAt === undefined || bytes < this.lastBytes) {
      // First sample, or the count went back (a chunk being sent again): start over from here.
      if (this.lastBytes !== undefined) this.rate = undefined;
      this.lastBytes = bytes;
      this.lastAt = at;
      return this.rate;
    }
    const elapsed = at - this.lastAt;
    if (elapsed <= 0) return this.rate;
    const instant = ((bytes - this.lastBytes) * 1000) / elapsed;
    const weight = 1 - Math.exp(-elapsed / this.timeConstantMs);
    this.rate = this.rate === undefined ? instant : this.rate + weight * (instant - this.rate);
    this.lastBytes = bytes;
    this.lastAt = at;
    return this.rate;
  }

  /** Forgets the history (after a pause, so the idle time does not drag the rate down). */
  reset(): void {
    this.rate = undefined;
    this.lastBytes = undefined;
    this.lastAt = undefined;
  }

  get current(): number | undefined {
    return this.rate;
  }
}

/** Whole seconds left at this rate; undefined when unknown or when nothing is moving. */
export function secondsLeft(bytesDone: number, bytesTotal: number | undefined, rate: number | undefined): number | undefined {
  if (bytesTotal === undefined || rate === undefined || !(rate > 0)) return undefined;
  const remaining = Math.max(0, bytesTotal - bytesDone);
  return Math.ceil(remaining / rate);
}

/** Decides when one transfer's progress may be emitted: state changes always, otherwise at most every intervalMs. */
export class ProgressThrottle {
  private lastEmitAt: number | undefined;
  private lastState: string | undefined;

  constructor(private readonly intervalMs = PROGRESS_INTERVAL_MS) {}

  /** True when an event for `state` at time `now` (ms) should go out (always when forced); records it when so. */
  shouldEmit(state: string, now: number, force = false): boolean {
    const stateChanged = state !== this.lastState;
    if (!force && !stateChanged && this.lastEmitAt !== undefined && now - this.lastEmitAt < this.intervalMs) return false;
    this.lastEmitAt = now;
    this.lastState = state;
    return true;
  }
}
