import { once } from 'node:events';
import { createWriteStream } from 'node:fs';

/**
 * A deterministic synthetic corpus: passages of ~`words` words drawn from a Zipf-like distribution over a
 * vocabulary whose head is real English function words, so that, as in real text, a few words occur in
 * almost every passage and most words are rare. Used by the ingest/interrupt tests and the corpus benchmark.
 */
export function syntheticPassage(
  i: number,
  words = 100,
  vocab = 50_000,
): { _id: string; title: string; text: string } {
  let s = (i * 2654435761 + 12345) >>> 0;
  const rand = (): number => {
    // xorshift32: fast, seeded, good enough for word sampling.
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 4294967296;
  };
  const out: string[] = [];
  for (let w = 0; w < words; w++) out.push(wordAt(Math.floor(vocab ** rand()) - 1));
  return {
    _id: `doc${i}`,
    title: `${wordAt(Math.floor(vocab ** rand()) - 1)} ${wordAt(i % vocab)}`,
    text: out.join(' '),
  };
}

const HEAD =
  'the of and to in a is that for it as was with be by on not he this are or his from at which but have'.split(
    ' ',
  );
const SYLLABLES = [
  'ka',
  'lo',
  'mi',
  'ren',
  'tu',
  'sa',
  'vor',
  'ne',
  'qui',
  'dal',
  'po',
  'hex',
  'zu',
  'bri',
  'gan',
  'fel',
];

/** The word of rank `r`: English function words first, then pronounceable synthetic words. */
export function wordAt(r: number): string {
  if (r < HEAD.length) return HEAD[r] as string;
  let n = r;
  let w = '';
  do {
    w += SYLLABLES[n % SYLLABLES.length];
    n = Math.floor(n / SYLLABLES.length);
  } while (n > 0);
  return w;
}

/** Writes `count` synthetic passages as JSONL, streaming. */
export async function writeSyntheticJsonl(path: string, count: number, words = 100): Promise<void> {
  const out = createWriteStream(path);
  let buf = '';
  for (let i = 0; i < count; i++) {
    buf += `${JSON.stringify(syntheticPassage(i, words))}\n`;
    if (buf.length > 1 << 20) {
      if (!out.write(buf)) await once(out, 'drain');
      buf = '';
    }
  }
  out.end(buf);
  await once(out, 'finish');
}
