import { describe, expect, it } from 'vitest';
import { settleEach } from '../../../main/shared/concurrency';

describe('settleEach', () => {
  it('gives results in the items’ order, whatever order the calls finish in', async () => {
    const results = await settleEach([30, 5, 20, 1], 3, async (ms, index) => {
      await new Promise((resolve) => setTimeout(resolve, ms));
      return `${index}:${ms}`;
    });
    expect(results).toEqual(['0:30', '1:5', '2:20', '3:1'].map((value) => ({ status: 'fulfilled', value })));
  });

  it('never has more than the limit under way, and uses all of it', async () => {
    let running = 0;
    let most = 0;
    await settleEach(
      Array.from({ length: 20 }, (_, i) => i),
      4,
      async () => {
        running++;
        most = Math.max(most, running);
        await new Promise((resolve) => setTimeout(resolve, 2));
        running--;
      },
    );
    expect(most).toBe(4);
  });

  it('runs every item after one fails, and says which failed', async () => {
    const seen: number[] = [];
    const results = await settleEach([1, 2, 3], 1, async (n) => {
      seen.push(n);
      if (n === 2) throw new Error('two');
      return n;
    });
    expect(seen).toEqual([1, 2, 3]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason).toEqual(new Error('two'));
  });

  it('answers an empty list at once', async () => {
    expect(await settleEach([], 3, async () => 1)).toEqual([]);
  });
});
