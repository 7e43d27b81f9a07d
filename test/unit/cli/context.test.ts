import { describe, expect, it } from 'vitest';
import { parsePositiveIntList } from '../../../src/cli/context.js';
import { UsageError } from '../../../src/errors/UsageError.js';

describe('parsePositiveIntList', () => {
  it('reads comma-separated positive integers, spaces allowed', () => {
    expect(parsePositiveIntList('--dims', '256, 64,32')).toEqual([256, 64, 32]);
  });

  it('names the option and the bad element', () => {
    expect(() => parsePositiveIntList('--dims', '256,0')).toThrow(
      new UsageError('--dims must be a positive integer, got "0".'),
    );
  });
});
