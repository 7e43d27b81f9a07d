import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { InputError } from '../../../errors/InputError.js';
import { Tokenizer } from '../../../model/tokenizer/Tokenizer.js';
import { contextFrom } from '../../context.js';

export function registerTokenizerEncodeCommand(tok: Command): void {
  tok
    .command('encode')
    .description('show the tokens and ids of a text (no special tokens, as static models encode)')
    .argument('<text>', 'text to encode')
    .requiredOption('-t, --tokenizer <file>', 'tokenizer.json')
    .action((text: string, a: { tokenizer: string }, cmd: Command) => {
      const ctx = contextFrom(cmd);
      let json: Record<string, unknown>;
      try {
        json = JSON.parse(readFileSync(a.tokenizer, 'utf8'));
      } catch (e) {
        throw new InputError({ file: a.tokenizer }, `cannot read tokenizer: ${(e as Error).message}`);
      }
      const t = Tokenizer.fromJSON(json, a.tokenizer);
      const ids = t.encode(text);
      const tokens = ids.map((id) => t.idToToken(id) ?? '?');
      ctx.print({ ids, tokens }, () => tokens.map((tk, i) => `${tk}\t${ids[i]}`).join('\n'));
    });
}
