import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openCorpus, VERSION } from '../../../src/index.js';
import { ROOT } from '../../helpers/paths.js';

describe('package entry', () => {
  it('VERSION matches package.json', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(VERSION).toBe(pkg.version);
  });

  it('exports the corpus API', () => {
    expect(typeof openCorpus).toBe('function');
  });
});
