import type { Command } from 'commander';
import { addCommandGroup } from '../../helpText.js';
import { registerBuildCommand } from './build.js';

/** `gecko index …`: vector indexes over the workspace's corpus. */
export function registerIndexCommands(program: Command): void {
  const index = addCommandGroup(
    program,
    'index',
    'build vector indexes over the corpus for dense and hybrid search',
    ['gecko index build --model out/model'],
  );
  registerBuildCommand(index);
}
