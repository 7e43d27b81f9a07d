import { describe, expect, it } from 'vitest';
import { escapeHtml, markdownTable, markdownTableToHtml } from '../../../src/util/markdownTable.js';

describe('markdownTable', () => {
  it('writes the header, an aligned separator and one line a row', () => {
    expect(markdownTable(['task', 'score'], [['STS', '61.54']], ['left', 'right'])).toBe(
      '| task | score |\n|---|---:|\n| STS | 61.54 |',
    );
  });

  it('escapes a | inside a cell and folds white space, so the cell count stays right', () => {
    const md = markdownTable(['query', 'n'], [['a | b\nc', '1']]);
    expect(md.split('\n')[2]).toBe('| a \\| b c | 1 |');
  });
});

describe('markdownTableToHtml', () => {
  it('reads back escaped pipes as one cell holding a literal |', () => {
    const md = markdownTable(
      ['task | name', 'score'],
      [
        ['A|B', '1.00'],
        ['x <y> & "z"', '2.00'],
      ],
    );
    expect(markdownTableToHtml(md)).toBe(
      '<table><thead><tr><th>task | name</th><th>score</th></tr></thead><tbody>' +
        '<tr><td>A|B</td><td>1.00</td></tr>' +
        '<tr><td>x &lt;y&gt; &amp; &quot;z&quot;</td><td>2.00</td></tr></tbody></table>',
    );
  });

  it('renders a table with aligned columns the same as a plain one', () => {
    const rows = [['a', '1']];
    expect(markdownTableToHtml(markdownTable(['k', 'v'], rows, ['left', 'right']))).toBe(
      markdownTableToHtml(markdownTable(['k', 'v'], rows)),
    );
  });
});

describe('escapeHtml', () => {
  it('escapes the characters that end text or an attribute', () => {
    expect(escapeHtml('<a href="x">&</a>')).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&lt;/a&gt;');
  });
});
