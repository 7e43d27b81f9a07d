import type { Command } from 'commander';
import { readTokenizerFile } from '../../../model/tokenizer/tokenizerFiles.js';
import { contextFrom } from '../../context.js';

export function registerTokenizerEncodeCommand(tok: Command): void {
  tok
    .command('encode')
    .description('show the tokens and ids of a text (no special tokens, as static models encode)')
    .argument('<text>', 'text to encode')
    .requiredOption('-t, --tokenizer <file>', 'tokenizer.json')
    .action((text: string, a: { tokenizer: string }, cmd: Command) => {
      const ctx = contextFrom(cmd);
      const t = readTokenizerFile(a.tokenizer);
      const ids = t.encode(text);
      const tokens = ids.map((id) => t.idToToken(id) ?? '?');
      ctx.print({ ids, tokens }, () => tokens.map((tk, i) => `${tk}\t${ids[i]}`).join('\n'));
    });
}
