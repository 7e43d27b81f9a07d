import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  encodeTinyLlamaGguf,
  tinyLlamaVocabulary,
  writeTinyLlamaGguf,
} from '../../helpers/gguf/tinyLlama.js';

const dir = mkdtempSync(join(tmpdir(), 'gecko-gguf-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

describe('tiny llama GGUF fixture', () => {
  it('is deterministic per seed and differs across seeds', () => {
    expect(sha(encodeTinyLlamaGguf({ seed: 5 }))).toBe(sha(encodeTinyLlamaGguf({ seed: 5 })));
    expect(sha(encodeTinyLlamaGguf({ seed: 5 }))).not.toBe(sha(encodeTinyLlamaGguf({ seed: 6 })));
  });

  it('writes a GGUF v3 file that node-llama-cpp parses with the declared shape', async () => {
    const path = writeTinyLlamaGguf(join(dir, 'm.gguf'), { seed: 2, vocab: ['▁geckoes'], blockCount: 3 });
    const bytes = readFileSync(path);
    expect(bytes.subarray(0, 4).toString('latin1')).toBe('GGUF');
    expect(bytes.readUInt32LE(4)).toBe(3);
    const { readGgufFileInfo } = await import('node-llama-cpp');
    const info = await readGgufFileInfo(path);
    const md = info.metadata as unknown as {
      general: { architecture: string };
      llama: { block_count: number; embedding_length: number };
      tokenizer: { ggml: { tokens: string[] } };
    };
    expect(md.general.architecture).toBe('llama');
    expect(md.llama.block_count).toBe(3);
    expect(md.llama.embedding_length).toBe(64);
    expect(md.tokenizer.ggml.tokens).toEqual(tinyLlamaVocabulary(['▁geckoes']).tokens);
    expect(md.tokenizer.ggml.tokens).toContain('▁geckoes');
    const names = info.fullTensorInfo?.map((t) => t.name) ?? [];
    expect(names).toContain('blk.2.ffn_down.weight');
    expect(names).toContain('output.weight');
  });

  it('ascii byte tokens leave out 0x80-0xFF', () => {
    const v = tinyLlamaVocabulary([], 'ascii');
    expect(v.tokens).toContain('<0x7F>');
    expect(v.tokens).not.toContain('<0x80>');
  });
});
