import { describe, expect, it } from 'vitest';
import { isUsageError } from '../../../src/errors/UsageError.js';
import { parseJsonOutput } from '../../../src/llm/jsonOutput.js';
import { createLanguageModel, parseModelSpec } from '../../../src/llm/modelSpec.js';

describe('model specs', () => {
  it('parses the three forms', () => {
    expect(parseModelSpec('llama:./m.gguf')).toEqual({ provider: 'llama', model: './m.gguf' });
    expect(parseModelSpec('llama:hf:org/repo/file.gguf')).toEqual({
      provider: 'llama',
      model: 'hf:org/repo/file.gguf',
    });
    expect(parseModelSpec('openai:http://127.0.0.1:8000/v1#qwen-7b')).toEqual({
      provider: 'openai',
      baseUrl: 'http://127.0.0.1:8000/v1',
      model: 'qwen-7b',
    });
  });

  it('rejects malformed specs with a usage error naming the accepted forms', async () => {
    for (const bad of [
      'gpt4',
      'llama:',
      'openai:http://x/v1',
      'openai:ftp://x#m',
      'llama:hf:org',
      'mistral:x',
    ]) {
      let err: unknown;
      try {
        parseModelSpec(bad);
      } catch (e) {
        err = e;
      }
      expect(isUsageError(err), bad).toBe(true);
      expect((err as Error).message).toContain(bad);
    }
    await expect(createLanguageModel('llama:./m.gguf', { apiKeyEnv: 'X' })).rejects.toThrow(/only to openai/);
  });
});

describe('JSON output parsing', () => {
  const schema = { type: 'object', properties: { a: { type: 'string' } }, required: ['a'] };
  it('accepts plain, fenced and prose-wrapped JSON', () => {
    expect(parseJsonOutput('{"a":"x"}', schema, 'm')).toEqual({ a: 'x' });
    expect(parseJsonOutput('```json\n{"a":"x"}\n```', schema, 'm')).toEqual({ a: 'x' });
    expect(parseJsonOutput('Sure: {"a":"x"} hope it helps', schema, 'm')).toEqual({ a: 'x' });
  });
  it('names the model and the violation', () => {
    expect(() => parseJsonOutput('no json here', schema, 'openai:u#m')).toThrow(
      /^openai:u#m: the model output is not JSON/,
    );
    expect(() => parseJsonOutput('{"b":1}', schema, 'm')).toThrow(/must have required property 'a'/);
    expect(() => parseJsonOutput('{}', { type: 'nonsense' }, 'm')).toThrow(/Invalid jsonSchema/);
  });
});
