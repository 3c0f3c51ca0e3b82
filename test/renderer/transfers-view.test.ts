import { describe, expect, it } from 'vitest';
import {
  isActive,
  orderTransfers,
  transferActions,
  transferHeading,
  transferPercent,
  transferProgressWords,
  upsertTransfer,
} from '../../renderer/src/state/transfers-view';
import { transfer } from './fixtures';

describe('transferActions', () => {
  it.each([
    ['queued', ['pause', 'cancel']],
    ['running', ['pause', 'cancel']],
    ['verifying', []],
    ['paused', ['resume', 'cancel']],
    ['failed', ['retry', 'cancel']],
    ['cancelled', ['retry']],
    ['done', []],
  ] as const)('%s offers %j', (state, actions) => {
    expect(transferActions(transfer({ state }))).toEqual(actions);
  });
});

describe('transfer words', () => {
  it('says what is moving and where', () => {
    expect(transferHeading(transfer())).toBe('Sending scan.zip to Y12XYZ9');
    expect(transferHeading(transfer({ direction: 'download', counterpart: 'AAA' }))).toBe('Receiving scan.zip from AAA');
    expect(transferHeading(transfer({ counterpart: undefined }))).toBe('Sending scan.zip');
  });

  it('gives size, rate, time left and part while running', () => {
    expect(transferProgressWords(transfer())).toBe('50 MB of 200 MB · 2 MB per second · about 1 minute left · part 2 of 4');
  });

  it('leaves out rate and time when not running, and parts for a single-part file', () => {
    expect(transferProgressWords(transfer({ state: 'paused', chunks: 1 }))).toBe('50 MB of 200 MB');
    expect(transferProgressWords(transfer({ bytesTotal: undefined, state: 'failed' }))).toBe('50 MB so far · part 2 of 4');
  });

  it('is 100% when done, otherwise bytes done over total', () => {
    expect(transferPercent(transfer())).toBe(25);
    expect(transferPercent(transfer({ state: 'done', bytesDone: 0 }))).toBe(100);
    expect(transferPercent(transfer({ bytesTotal: undefined }))).toBeUndefined();
  });
});

describe('transfer lists', () => {
  it('puts running first, then waiting, then paused, then the rest newest first', () => {
    const list = [
      transfer({ id: 'done-old', state: 'done', updatedAt: '2026-01-01T00:00:00Z' }),
      transfer({ id: 'paused', state: 'paused' }),
      transfer({ id: 'done-new', state: 'done', updatedAt: '2026-02-01T00:00:00Z' }),
      transfer({ id: 'queued', state: 'queued' }),
      transfer({ id: 'running', state: 'running' }),
    ];
    expect(orderTransfers(list).map((t) => t.id)).toEqual(['running', 'queued', 'paused', 'done-new', 'done-old']);
    expect(list.filter(isActive).map((t) => t.id)).toEqual(['paused', 'queued', 'running']);
  });

  it('replaces a transfer by id, or adds a new one', () => {
    const list = [transfer({ id: 'a' }), transfer({ id: 'b' })];
    expect(upsertTransfer(list, transfer({ id: 'b', state: 'done' })).map((t) => `${t.id}:${t.state}`)).toEqual(['a:running', 'b:done']);
    expect(upsertTransfer(list, transfer({ id: 'c' })).map((t) => t.id)).toEqual(['a', 'b', 'c']);
    expect(list.map((t) => t.state)).toEqual(['running', 'running']);
  });
});
