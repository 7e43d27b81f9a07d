/**
 * A small language identifier for FRet's "same language as the passage" check. Scripts decide most cases
 * (Cyrillic, Greek, Arabic, Hebrew, Devanagari, Thai, Hangul, kana, Han); within Latin script, counts of
 * each language's commonest function words decide between English, German, French, Spanish, Italian,
 * Portuguese and Dutch. It answers `und` (undetermined) rather than guess: queries are short, and a wrong
 * "different language" verdict would throw away good examples, so the check only rejects on two confident,
 * different answers. Libraries such as franc need ~10+ words to be reliable, longer than most queries.
 */

const SCRIPTS: readonly [string, RegExp][] = [
  ['ja', /[\u3040-\u30ff]/gu], // kana first: Japanese text also contains Han characters
  ['ko', /[\uac00-\ud7af\u1100-\u11ff]/gu],
  ['zh', /[\u4e00-\u9fff]/gu],
  ['ru', /[\u0400-\u04ff]/gu], // Cyrillic: reported as `ru`, the script's commonest language
  ['el', /[\u0370-\u03ff]/gu],
  ['ar', /[\u0600-\u06ff]/gu],
  ['he', /[\u0590-\u05ff]/gu],
  ['hi', /[\u0900-\u097f]/gu],
  ['th', /[\u0e00-\u0e7f]/gu],
];

const FUNCTION_WORDS: Record<string, readonly string[]> = {
  en: [
    'the',
    'of',
    'and',
    'to',
    'in',
    'is',
    'that',
    'for',
    'it',
    'with',
    'as',
    'was',
    'on',
    'are',
    'by',
    'this',
    'be',
    'from',
    'at',
    'which',
    'what',
    'how',
    'does',
    'who',
    'why',
    'when',
    'can',
    'do',
    'an',
    'or',
    'not',
    'have',
    'has',
  ],
  de: [
    'der',
    'die',
    'und',
    'in',
    'den',
    'von',
    'zu',
    'das',
    'mit',
    'sich',
    'des',
    'auf',
    'für',
    'ist',
    'im',
    'dem',
    'nicht',
    'ein',
    'eine',
    'als',
    'auch',
    'es',
    'an',
    'wie',
    'was',
    'wer',
    'warum',
    'wird',
    'sind',
    'oder',
    'bei',
  ],
  fr: [
    'le',
    'la',
    'les',
    'de',
    'des',
    'et',
    'en',
    'du',
    'un',
    'une',
    'est',
    'que',
    'qui',
    'dans',
    'pour',
    'pas',
    'au',
    'sur',
    'par',
    'avec',
    'ce',
    'il',
    'sont',
    'comment',
    'quel',
    'quelle',
    'pourquoi',
    'aux',
    'ou',
  ],
  es: [
    'el',
    'la',
    'de',
    'que',
    'y',
    'en',
    'los',
    'del',
    'se',
    'las',
    'por',
    'un',
    'para',
    'con',
    'una',
    'es',
    'al',
    'lo',
    'como',
    'más',
    'qué',
    'cómo',
    'cuál',
    'quién',
    'por qué',
    'son',
    'su',
  ],
  it: [
    'il',
    'di',
    'che',
    'e',
    'la',
    'in',
    'un',
    'per',
    'non',
    'del',
    'della',
    'una',
    'con',
    'sono',
    'gli',
    'le',
    'si',
    'come',
    'cosa',
    'chi',
    'perché',
    'nel',
    'alla',
    'dei',
    'è',
  ],
  pt: [
    'de',
    'que',
    'e',
    'o',
    'a',
    'do',
    'da',
    'em',
    'um',
    'para',
    'com',
    'não',
    'uma',
    'os',
    'no',
    'se',
    'na',
    'por',
    'mais',
    'as',
    'dos',
    'como',
    'qual',
    'quem',
    'é',
    'são',
    'ao',
  ],
  nl: [
    'de',
    'het',
    'een',
    'van',
    'en',
    'in',
    'is',
    'dat',
    'op',
    'te',
    'zijn',
    'voor',
    'met',
    'die',
    'niet',
    'aan',
    'er',
    'ook',
    'wat',
    'hoe',
    'wie',
    'waarom',
    'worden',
    'bij',
    'naar',
  ],
};

const WORD_SETS = Object.fromEntries(
  Object.entries(FUNCTION_WORDS).map(([lang, words]) => [lang, new Set(words)]),
) as Record<string, Set<string>>;

/** Languages the detector can answer (ISO 639-1), besides `und`. */
export const DETECTABLE_LANGUAGES: readonly string[] = [
  ...Object.keys(FUNCTION_WORDS),
  ...SCRIPTS.map(([l]) => l),
];

/**
 * The language of `text` (ISO 639-1) or `und` when the evidence is too thin.
 * @example detectLanguage('who made the atomic bomb?') // 'en'
 */
export function detectLanguage(text: string): string {
  const letters = text.match(/\p{L}/gu)?.length ?? 0;
  if (letters === 0) return 'und';
  for (const [lang, re] of SCRIPTS) {
    const n = text.match(re)?.length ?? 0;
    if (n / letters > 0.3) return lang;
  }
  const latin = text.match(/\p{Script=Latin}/gu)?.length ?? 0;
  if (latin / letters < 0.7) return 'und';
  const words = text.toLowerCase().match(/\p{L}+/gu) ?? [];
  const hits: [string, number][] = Object.entries(WORD_SETS).map(([lang, set]) => [
    lang,
    words.reduce((s, w) => s + (set.has(w) ? 1 : 0), 0),
  ]);
  hits.sort((a, b) => b[1] - a[1]);
  const [best, second] = hits as [[string, number], [string, number]];
  // Two function words, and a clear margin over the runner-up, before naming a language.
  if (best[1] < 2 || best[1] < second[1] * 1.5 + 1) return 'und';
  return best[0];
}

/** True when both languages are determined and differ: the only case the language check rejects. */
export function languagesDiffer(a: string, b: string): boolean {
  return a !== 'und' && b !== 'und' && a !== b;
}
