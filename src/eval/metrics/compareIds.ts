/**
 * Compares two ids by Unicode code point, which is the order of their UTF-8 bytes (trec_eval's `strcmp`) and
 * of Python's `str` comparison. JavaScript's `<` compares UTF-16 units, which disagrees only when one side is
 * a surrogate (astral character) and the other a unit in U+E000–U+FFFF; those units are remapped here.
 */
export function compareCodePoints(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x !== y) {
      if (x >= 0xd800 && y >= 0xd800) {
        x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
        y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
      }
      return x - y;
    }
  }
  return a.length - b.length;
}
