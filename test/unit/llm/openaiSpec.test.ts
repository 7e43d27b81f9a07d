import { describe, expect, it } from 'vitest';
import { isUsageError } from '../../../src/errors/UsageError.js';
import { parseOpenAiSpec } from '../../../src/llm/openai/spec.js';

describe('parseOpenAiSpec', () => {
  it('splits at the last #, so a URL may hold one and the model never does', () => {
    expect(parseOpenAiSpec('openai:http://127.0.0.1:8000/v1#qwen-7b')).toEqual({
      baseUrl: 'http://127.0.0.1:8000/v1',
      model: 'qwen-7b',
    });
    expect(parseOpenAiSpec('openai:https://h/x#frag/v1#org/model:tag')).toEqual({
      baseUrl: 'https://h/x#frag/v1',
      model: 'org/model:tag',
    });
  });

  it('rejects every malformed form with one usage error naming the spec, the caller and the form', () => {
    for (const bad of [
      'openai:',
      'openai:http://x/v1',
      'openai:http://x/v1#',
      'openai:ftp://x#m',
      'openai:#m',
      'llama:x',
      'openai:http://a b#m',
    ]) {
      let err: unknown;
      try {
        parseOpenAiSpec(bad, '--model');
      } catch (e) {
        err = e;
      }
      expect(isUsageError(err), bad).toBe(true);
      expect((err as Error).message).toBe(
        `--model "${bad}" must look like openai:http(s)://host:port/v1#model-name.`,
      );
    }
  });
});
