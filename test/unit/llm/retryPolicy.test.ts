import { describe, expect, it } from 'vitest';
import {
  DEFAULT_RETRY_POLICY,
  parseRetryAfter,
  resolveRetryPolicy,
  retryDelayMs,
} from '../../../src/llm/openai/retryPolicy.js';
import { Semaphore } from '../../../src/llm/Semaphore.js';

describe('retry policy', () => {
  it('backs off exponentially up to the cap, with jitter in [1 - jitter, 1]', () => {
    const p = resolveRetryPolicy({ baseDelayMs: 100, backoffLimitMs: 1000, jitter: 0.5 });
    expect([1, 2, 3, 4, 5].map((r) => retryDelayMs(p, r, undefined, () => 0))).toEqual([
      100, 200, 400, 800, 1000,
    ]);
    expect(retryDelayMs(p, 3, undefined, () => 1)).toBe(200);
    expect(retryDelayMs(p, 3, undefined, () => 0.5)).toBe(300);
  });

  it('honours the server wait, capped at maxRetryAfterMs', () => {
    const p = resolveRetryPolicy({ maxRetryAfterMs: 5000 });
    expect(retryDelayMs(p, 1, 1200)).toBe(1200);
    expect(retryDelayMs(p, 1, 90_000)).toBe(5000);
  });

  it('parses retry-after-ms, Retry-After seconds and HTTP dates', () => {
    expect(parseRetryAfter(new Headers({ 'retry-after-ms': '250' }))).toBe(250);
    expect(parseRetryAfter(new Headers({ 'retry-after': '3' }))).toBe(3000);
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter(new Headers({ 'retry-after': 'Thu, 01 Jan 2026 00:00:10 GMT' }), now)).toBe(
      10_000,
    );
    expect(parseRetryAfter(new Headers({ 'retry-after': 'soon' }))).toBeUndefined();
    expect(parseRetryAfter(new Headers())).toBeUndefined();
  });

  it('rejects nonsense and keeps the documented defaults', () => {
    expect(() => resolveRetryPolicy({ jitter: 2 })).toThrow(/jitter/);
    expect(() => resolveRetryPolicy({ limit: -1 })).toThrow(/limit/);
    expect(DEFAULT_RETRY_POLICY.statusCodes).toContain(429);
    expect(DEFAULT_RETRY_POLICY.statusCodes).not.toContain(400);
  });
});

describe('Semaphore', () => {
  it('never runs more than `limit` tasks and drops aborted waiters', async () => {
    const sem = new Semaphore(3);
    let active = 0;
    let peak = 0;
    const task = async (): Promise<void> => {
      active++;
      peak = Math.max(peak, active);
      await new Promise((r) => setTimeout(r, 2));
      active--;
    };
    await Promise.all(Array.from({ length: 30 }, () => sem.run(task)));
    expect(peak).toBe(3);
    const ac = new AbortController();
    const holders = [sem.acquire(), sem.acquire(), sem.acquire()];
    await Promise.all(holders);
    const waiting = sem.acquire(ac.signal);
    ac.abort(new Error('stop'));
    await expect(waiting).rejects.toThrow('stop');
    sem.release();
    expect(sem.inUse).toBe(2);
  });
});
