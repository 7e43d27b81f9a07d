import type { Command } from 'commander';
import { registerCheckCommand } from './check.js';

/** `gecko llm …`: inspect and exercise the language model used to generate training data. */
export function registerLlmCommands(program: Command): void {
  const llm = program
    .command('llm')
    .description('check a language model (local GGUF or OpenAI-compatible endpoint)')
    .addHelpText('after', '\nExamples:\n  $ gecko llm check --llm llama:./model.gguf');
  registerCheckCommand(llm);
}
