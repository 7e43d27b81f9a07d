import type { Command } from 'commander';
import { registerExportCommand } from './export.js';

/** `gecko export`: a model folder for Python's model2vec and sentence-transformers, with a model card. */
export function registerModelExportCommands(program: Command): void {
  registerExportCommand(program);
}
