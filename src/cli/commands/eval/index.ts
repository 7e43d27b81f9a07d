import type { Command } from 'commander';
import { registerEvalCommand } from './eval.js';

/** `gecko eval`: MTEB-compatible evaluation. */
export function registerEvalCommands(program: Command): void {
  registerEvalCommand(program);
}
