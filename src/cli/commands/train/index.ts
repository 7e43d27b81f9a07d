import type { Command } from 'commander';
import { registerTrainCommand } from './train.js';

/** `gecko train`: train the static student with Gecko's loss. */
export function registerTrainCommands(program: Command): void {
  registerTrainCommand(program);
}
