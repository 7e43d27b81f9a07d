import { describe, expect, it } from 'vitest';
import { checkGeneration, copiedFraction } from '../../../src/fret/checks.js';
import { detectLanguage } from '../../../src/fret/language.js';

const PASSAGE =
  'The film follows the story of American scientist J. Robert Oppenheimer and his role in the development of the atomic bomb during the Manhattan Project.';
const ok = (task: string, query: string) => JSON.stringify({ task, query });
const TASK = 'Given a query, find a passage that has the answer to the query.';

describe('generation checks', () => {
  it('accepts a well-formed answer and normalises whitespace', () => {
    expect(checkGeneration(ok(`  ${TASK}`, 'who made   the atomic bomb?'), PASSAGE)).toEqual({
      ok: true,
      task: TASK,
      query: 'who made the atomic bomb?',
    });
  });

  it('tolerates a fenced block or prose around the JSON', () => {
    const r = checkGeneration(`Sure! \`\`\`json\n${ok(TASK, 'who built the bomb')}\n\`\`\``, PASSAGE);
    expect(r.ok).toBe(true);
  });

  it('names the reason of each rejection', () => {
    const reason = (raw: string, opts = {}) => {
      const r = checkGeneration(raw, PASSAGE, opts);
      return r.ok ? 'ok' : r.reason;
    };
    expect(reason('{"task": "x", "query": ')).toBe('malformed-json');
    expect(reason('[1, 2]')).toBe('malformed-json');
    expect(reason(JSON.stringify({ task: TASK }))).toBe('missing-field');
    expect(reason(ok(TASK, '   '))).toBe('empty');
    expect(reason(ok(TASK, 'a'))).toBe('too-short');
    expect(reason(ok(TASK, 'why '.repeat(200)))).toBe('too-long');
    expect(reason("I'm sorry, but I can't help with that request.")).toBe('refusal');
    expect(reason(ok(TASK, 'I cannot write a query for this passage.'))).toBe('refusal');
    expect(reason(ok(TASK, 'the story of American scientist J. Robert Oppenheimer and his role'))).toBe(
      'copy',
    );
    expect(reason(ok(TASK, 'wer hat die Atombombe gebaut und warum ist das wichtig für die Welt'))).toBe(
      'language',
    );
    expect(
      reason(ok(TASK, 'wer hat die Atombombe gebaut und warum ist das wichtig für die Welt'), {
        language: 'any',
      }),
    ).toBe('ok');
    expect(reason(ok(TASK, 'who made the atomic bomb?'), { language: 'de' })).toBe('language');
  });

  it('measures the longest copied run of words', () => {
    expect(copiedFraction('Oppenheimer and his role in the war', PASSAGE)).toEqual({
      words: 7,
      fraction: 6 / 7,
    });
    expect(copiedFraction('nothing here matches', PASSAGE).fraction).toBe(0);
    // A short keyword query may repeat passage words: only long copies are rejected.
    expect(checkGeneration(ok(TASK, 'atomic bomb'), PASSAGE).ok).toBe(true);
  });
});

describe('language detection', () => {
  it('names clear cases and answers und when unsure', () => {
    expect(detectLanguage(PASSAGE)).toBe('en');
    expect(
      detectLanguage('Die Katze sitzt auf dem Dach und schaut in den Garten, weil es dort Vögel gibt.'),
    ).toBe('de');
    expect(detectLanguage('Le chat est sur le toit et il regarde les oiseaux dans le jardin.')).toBe('fr');
    expect(detectLanguage('Кошка сидит на крыше')).toBe('ru');
    expect(detectLanguage('北京是中国的首都')).toBe('zh');
    expect(detectLanguage('東京はにほんのしゅとです')).toBe('ja');
    expect(detectLanguage('2010 olympic winter games')).toBe('und');
    expect(detectLanguage('12345')).toBe('und');
  });
});
