import type { Command } from 'commander';
import { registerServeCommand } from './serve.js';

/** `gecko serve`: the OpenAI-compatible embeddings server. */
export function registerServeCommands(program: Command): void {
  registerServeCommand(program);
}
