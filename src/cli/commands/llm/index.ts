import type { Command } from 'commander';
import { addCommandGroup } from '../../helpText.js';
import { registerCheckCommand } from './check.js';

/** `gecko llm …`: inspect and exercise the language model used to generate training data. */
export function registerLlmCommands(program: Command): void {
  const llm = addCommandGroup(
    program,
    'llm',
    'check a language model (local GGUF or OpenAI-compatible endpoint)',
    ['gecko llm check --llm llama:./model.gguf'],
  );
  registerCheckCommand(llm);
}
