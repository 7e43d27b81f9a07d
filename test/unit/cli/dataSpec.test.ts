import { describe, expect, it } from 'vitest';
import { parseDataSpec } from '../../../src/cli/commands/train/dataSpec.js';
import { parseSourceSpec } from '../../../src/distill/parse.js';
import { UsageError } from '../../../src/errors/UsageError.js';

describe('mixture source specs ([KIND:]PATH[@WEIGHT])', () => {
  it('reads the kind, the path and the weight, each optional but the path', () => {
    expect(parseDataSpec('scored-pairs:sts-train.jsonl@2')).toEqual({
      path: 'sts-train.jsonl',
      kind: 'scored-pairs',
      weight: 2,
    });
    expect(parseDataSpec('pairs.jsonl@.5')).toEqual({ path: 'pairs.jsonl', weight: 0.5 });
    expect(parseDataSpec('c:/data/x.jsonl')).toEqual({ path: 'c:/data/x.jsonl' });
    expect(parseSourceSpec('fret:f.jsonl')).toEqual({ path: 'f.jsonl', kind: 'fret' });
  });

  it('names the option at fault', () => {
    expect(() => parseDataSpec('')).toThrow(new UsageError('--data needs a path, got ""'));
    expect(() => parseSourceSpec('')).toThrow(new UsageError('train.extra needs a path, got ""'));
  });
});
