import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/errors/UsageError.js';
import { parseNegativeRule, relabelStats, selectPair } from '../../../src/fret/selection.js';
import { formatShard, inShard, parseShard, shardOf } from '../../../src/fret/shard.js';

describe('hard-negative rules', () => {
  const order = [4, 0, 3, 1, 2]; // candidate indices, best first

  it('takes p1 as the positive and p_N as the default negative', () => {
    expect(selectPair(order, { kind: 'nth' }, 'x')).toEqual({ positive: 4, negative: 2 });
  });

  it('takes the nth-ranked candidate, clamped to the list', () => {
    expect(selectPair(order, { kind: 'nth', nth: 2 }, 'x')).toEqual({ positive: 4, negative: 0 });
    expect(selectPair(order, { kind: 'nth', nth: 20 }, 'x')).toEqual({ positive: 4, negative: 2 });
    expect(() => selectPair(order, { kind: 'nth', nth: 1 }, 'x')).toThrow(RangeError);
  });

  it('draws a random negative from P \\ {p1}, fixed per example id, covering every candidate', () => {
    const seen = new Set<number>();
    for (let i = 0; i < 200; i++) {
      const pick = selectPair(order, { kind: 'random' }, `q${i}`);
      expect(pick.positive).toBe(4);
      expect(pick.negative).not.toBe(4);
      seen.add(pick.negative as number);
      expect(selectPair(order, { kind: 'random' }, `q${i}`)).toEqual(pick);
    }
    expect([...seen].sort()).toEqual([0, 1, 2, 3]);
  });

  it('gives no negative for rule none or a single candidate', () => {
    expect(selectPair(order, { kind: 'none' }, 'x')).toEqual({ positive: 4, negative: null });
    expect(selectPair([7], { kind: 'nth' }, 'x')).toEqual({ positive: 7, negative: null });
    expect(() => selectPair([], { kind: 'nth' }, 'x')).toThrow(RangeError);
  });
});

describe('relabel accounting', () => {
  it('counts positives that differ from the seed, leaving seedless examples out', () => {
    const ex = (seed: string | null, pos: string) => ({ seed_id: seed, positive: { id: pos } });
    const s = relabelStats([ex('a', 'a'), ex('b', 'c'), ex('d', 'd'), ex(null, 'e'), ex('f', 'g')]);
    expect(s).toEqual({ withSeed: 4, relabeled: 2, rate: 0.5 });
    expect(relabelStats([ex(null, 'x')]).rate).toBeNull();
  });
});

describe('shard partition', () => {
  it('parses i/n and rejects anything else', () => {
    expect(parseShard('2/8')).toEqual({ index: 2, count: 8 });
    expect(formatShard(parseShard(' 0 / 1 '))).toBe('0/1');
    for (const bad of ['8/8', '1/0', 'a/2', '1', '-1/2', '1/2/3'])
      expect(() => parseShard(bad)).toThrow(/--shard/);
  });

  it('puts every id in exactly one shard, stably and roughly evenly', () => {
    const ids = Array.from({ length: 4000 }, (_, i) => `doc-${i}`);
    const n = 4;
    const counts = new Array(n).fill(0);
    for (const id of ids) {
      const s = shardOf(id, n);
      expect(shardOf(id, n)).toBe(s);
      const member = [0, 1, 2, 3].filter((i) => inShard(id, { index: i, count: n }));
      expect(member).toEqual([s]);
      counts[s]++;
    }
    for (const c of counts) expect(Math.abs(c - 1000)).toBeLessThan(120);
    // Machines must agree on the partition: pinned values guard against an accidental change of hash.
    expect(shardOf('4983', 4)).toBe(0);
    expect(shardOf('doc-0', 7)).toBe(3);
  });
});

describe('parseNegativeRule', () => {
  it('reads the four forms that --negative and mine.negative accept', () => {
    expect(parseNegativeRule('nth')).toEqual({ kind: 'nth' });
    expect(parseNegativeRule('nth:10')).toEqual({ kind: 'nth', nth: 10 });
    expect(parseNegativeRule('random')).toEqual({ kind: 'random' });
    expect(parseNegativeRule('none')).toEqual({ kind: 'none' });
  });
  it('rejects rank 1 and other spellings, naming the option or setting', () => {
    for (const bad of ['nth:1', 'nth:', 'first', 'NTH'])
      expect(() => parseNegativeRule(bad, 'mine.negative')).toThrow(
        new UsageError(
          `mine.negative must be nth (the N-th ranked), nth:K (K >= 2), random or none, got "${bad}"`,
        ),
      );
    expect(() => parseNegativeRule('x')).toThrow(/^--negative must be/);
  });
});
