import type { Command } from 'commander';
import { registerBuildCommand } from './build.js';

/** `gecko index …`: vector indexes over the workspace's corpus. */
export function registerIndexCommands(program: Command): void {
  const index = program
    .command('index')
    .description('build vector indexes over the corpus for dense and hybrid search')
    .addHelpText('after', '\nExamples:\n  $ gecko index build --model out/model');
  registerBuildCommand(index);
}
