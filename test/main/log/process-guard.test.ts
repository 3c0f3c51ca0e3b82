import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../main/log/logger';
import { installProcessGuard, type GuardedProcess } from '../../../main/log/process-guard';

describe('the process guard', () => {
  it('logs what escapes every other handler and keeps the process, until it is removed', () => {
    const log = createLogger({});
    const target = new EventEmitter();
    const remove = installProcessGuard(log, target as unknown as GuardedProcess);
    target.emit('uncaughtException', new TypeError('Invalid URL'));
    target.emit('unhandledRejection', 'a plain reason');
    const lines = log.recent().map((line) => JSON.parse(line) as { level: string; scope: string; detail: Record<string, string> });
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({ level: 'error', scope: 'process', detail: { error: 'TypeError', reason: 'Invalid URL' } });
    expect(lines[1]).toMatchObject({ level: 'error', detail: { reason: 'a plain reason' } });
    remove();
    expect(target.listenerCount('uncaughtException')).toBe(0);
    expect(target.listenerCount('unhandledRejection')).toBe(0);
  });

  it('holds on the real process: an exception thrown from a timer is logged and the process goes on', async () => {
    const log = createLogger({});
    // vitest has its own listeners; the guard is one more, and it is the one that logs.
    const remove = installProcessGuard(log);
    try {
      const listeners = process.listeners('uncaughtException');
      listeners[listeners.length - 1]!(new Error('escaped'), 'uncaughtException');
      expect(log.recent().some((line) => line.includes('escaped'))).toBe(true);
    } finally {
      remove();
    }
  });
});
