import { readFileSync } from 'node:fs';
import { InputError } from '../../../errors/InputError.js';

const TEXT_FIELDS = ['title', 'text', 'sentence1', 'sentence2', 'anchor', 'positive', 'negative', 'query'];

/**
 * Texts for tokenizer training: from JSONL the string fields a training or corpus file holds (or just
 * `field`), from any other file its non-empty lines.
 */
export function* readTrainingTexts(path: string, field?: string): Generator<string> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new InputError({ file: path }, `cannot read: ${(e as Error).message}`);
  }
  const jsonl = /\.jsonl?$/i.test(path);
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!.trim();
    if (!l) continue;
    if (!jsonl) {
      yield l;
      continue;
    }
    let rec: Record<string, unknown>;
    try {
      rec = JSON.parse(l);
    } catch {
      throw new InputError({ file: path, line: i + 1 }, 'not valid JSON');
    }
    for (const f of field ? [field] : TEXT_FIELDS) {
      const v = rec[f];
      if (typeof v === 'string' && v) yield v;
      else if (v && typeof v === 'object' && typeof (v as { text?: unknown }).text === 'string') {
        yield (v as { text: string }).text;
      }
    }
  }
}
