import { readFileSync } from 'node:fs';
import { InputError } from '../../../errors/InputError.js';
import { readJsonlSync } from '../../../util/jsonl.js';

const TEXT_FIELDS = ['title', 'text', 'sentence1', 'sentence2', 'anchor', 'positive', 'negative', 'query'];

/**
 * Texts for tokenizer training: from JSONL the string fields a training or corpus file holds (or just
 * `field`), from any other file its non-empty lines.
 */
export function* readTrainingTexts(path: string, field?: string): Generator<string> {
  if (/\.jsonl?$/i.test(path)) {
    for (const { value: rec } of readJsonlSync(path)) yield* recordTexts(rec, field);
    return;
  }
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new InputError({ file: path }, `cannot read: ${(e as Error).message}`);
  }
  for (const line of text.split('\n')) {
    const l = line.trim();
    if (l) yield l;
  }
}

function* recordTexts(rec: Record<string, unknown>, field: string | undefined): Generator<string> {
  for (const f of field ? [field] : TEXT_FIELDS) {
    const v = rec[f];
    if (typeof v === 'string' && v) yield v;
    else if (v && typeof v === 'object' && typeof (v as { text?: unknown }).text === 'string') {
      yield (v as { text: string }).text;
    }
  }
}
