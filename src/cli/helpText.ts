import type { Command } from 'commander';

/** What a command's help says after its options. */
export interface HelpEpilogue {
  /** Lines of prose (how the command behaves: resuming, caching, what it writes). */
  notes?: readonly string[];
  /** Command lines shown as `  $ <line>` under "Examples:". */
  examples?: readonly string[];
}

/**
 * The text `--help` prints after the options: a blank line, the notes, a blank line, then the examples.
 * Every command's help ends in this one layout.
 * @example helpEpilogue({ examples: ['gecko corpus stats'] }); // '\nExamples:\n  $ gecko corpus stats'
 */
export function helpEpilogue(epilogue: HelpEpilogue): string {
  const parts: string[] = [];
  if (epilogue.notes?.length) parts.push(epilogue.notes.join('\n'));
  if (epilogue.examples?.length)
    parts.push(['Examples:', ...epilogue.examples.map((line) => `  $ ${line}`)].join('\n'));
  return `\n${parts.join('\n\n')}`;
}

/** Adds {@link helpEpilogue} to `cmd`'s help and returns `cmd`. */
export function addHelpEpilogue(cmd: Command, epilogue: HelpEpilogue): Command {
  return cmd.addHelpText('after', helpEpilogue(epilogue));
}

/**
 * Declares a command group (`gecko <name> …`) with its description and examples; the caller registers the
 * group's commands on the result.
 */
export function addCommandGroup(
  parent: Command,
  name: string,
  description: string,
  examples: readonly string[],
): Command {
  return addHelpEpilogue(parent.command(name).description(description), { examples });
}
