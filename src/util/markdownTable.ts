/** How a column's cells line up: `right` for numbers (`---:` in the separator row). */
export type ColumnAlign = 'left' | 'right';

/**
 * A GitHub-flavoured Markdown table. A `|` inside a cell is written `\|` and runs of white space (newlines
 * included) become one space, so any text stays in its cell; {@link markdownTableToHtml} reads it back.
 * @example markdownTable(['task', 'score'], [['STS', '61.54']], ['left', 'right']);
 */
export function markdownTable(
  head: readonly string[],
  rows: readonly (readonly string[])[],
  align: readonly ColumnAlign[] = [],
): string {
  const line = (cells: readonly string[]): string => `| ${cells.map(escapeCell).join(' | ')} |`;
  return [
    line(head),
    `|${head.map((_, i) => (align[i] === 'right' ? '---:' : '---')).join('|')}|`,
    ...rows.map(line),
  ].join('\n');
}

function escapeCell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\s+/g, ' ');
}

/**
 * A Markdown table (header, separator, rows, as {@link markdownTable} writes them) as an HTML table, its
 * cells HTML-escaped. Cells split at unescaped `|` only, and `\|` becomes `|` again.
 */
export function markdownTableToHtml(md: string): string {
  const [head, ...body] = md.split('\n').filter((_, i) => i !== 1);
  const cells = (line: string, tag: 'th' | 'td'): string =>
    line
      .trim()
      .slice(1, -1)
      .split(/(?<!\\)\|/)
      .map((c) => `<${tag}>${escapeHtml(c.trim().replace(/\\\|/g, '|'))}</${tag}>`)
      .join('');
  return `<table><thead><tr>${cells(head ?? '', 'th')}</tr></thead><tbody>${body
    .map((r) => `<tr>${cells(r, 'td')}</tr>`)
    .join('')}</tbody></table>`;
}

/** Text safe inside HTML elements and double-quoted attributes. */
export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
