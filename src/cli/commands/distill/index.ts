import type { Command } from 'commander';
import { registerDistillCommand } from './distill.js';

/** `gecko distill`: the whole pipeline in one command. */
export function registerDistillCommands(program: Command): void {
  registerDistillCommand(program);
}
