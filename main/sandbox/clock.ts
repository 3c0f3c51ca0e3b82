/**
 * Time as the sandbox sees it: either the caller's clock (tests) or a clock
 * the sandbox owns, which runs with real time but can be set or moved forward
 * through POST /admin/clock (training sessions demonstrating expiry).
 */

export interface SandboxClock {
  now(): Date;
  /** False when the time comes from a caller-supplied function. */
  readonly adjustable: boolean;
  /** Moves an adjustable clock by ms (may be negative). */
  advance(ms: number): void;
  /** Sets an adjustable clock to the given time; it keeps running from there. */
  set(at: Date): void;
}

/** A clock around the caller's function, or an adjustable one when none is given. */
export function createSandboxClock(external?: () => Date): SandboxClock {
  if (external) {
    const refuse = () => {
      throw new Error('The sandbox clock is controlled by the clock option and cannot be moved.');
    };
    return { now: external, adjustable: false, advance: refuse, set: refuse };
  }
  let offsetMs = 0;
  return {
    now: () => new Date(Date.now() + offsetMs),
    adjustable: true,
    advance(ms) {
      offsetMs += ms;
    },
    set(at) {
      offsetMs = at.getTime() - Date.now();
    },
  };
}
