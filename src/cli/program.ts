import { Command, CommanderError, Option } from 'commander';
import { isGeckoError } from '../errors/GeckoError.js';
import { isUsageError } from '../errors/UsageError.js';
import { VERSION } from '../version.js';
import { registerCorpusCommands } from './commands/corpus/index.js';
import { registerDistillCommands } from './commands/distill/index.js';
import { registerEvalCommands } from './commands/eval/index.js';
import { registerModelExportCommands } from './commands/export/index.js';
import { registerFretCommands } from './commands/fret/index.js';
import { registerIndexCommands } from './commands/index/index.js';
import { registerInitCommands } from './commands/init/index.js';
import { registerLlmCommands } from './commands/llm/index.js';
import { registerServeCommands } from './commands/serve/index.js';
import { registerTokenizerCommands } from './commands/tokenizer/index.js';
import { registerTrainCommands } from './commands/train/index.js';

/** Exit codes: documented in `gecko --help` and the README. */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/**
 * Builds the `gecko` command tree. Command groups live in `commands/<group>/`, one file per command; each
 * group exports a `register…Commands(program)` function that this file calls.
 */
export function buildProgram(): Command {
  const program = new Command('gecko')
    .description(
      'Distil a large language model into a compact, fast text-embedding model (the Gecko recipe).\n' +
        'Work is kept in a workspace folder (--work) holding a SQLite database and output files.',
    )
    .version(VERSION, '-V, --version')
    .option('-w, --work <dir>', 'workspace folder', './gecko-work')
    .option('--json', 'print machine-readable JSON on stdout', false)
    .addOption(new Option('-q, --quiet', 'print only results and errors').default(false))
    .addOption(new Option('-v, --verbose', 'print debug detail').default(false))
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText(
      'after',
      '\nExit codes: 0 success, 1 runtime failure, 2 usage error.\n\nExamples:\n' +
        '  $ gecko distill --corpus examples/corpus.jsonl --out gecko-model   # the whole pipeline\n' +
        '  $ gecko corpus add examples/corpus.jsonl\n' +
        '  $ gecko corpus search "how do geckos climb walls" -k 5\n' +
        '  $ gecko corpus stats --json',
    );
  registerCorpusCommands(program);
  registerDistillCommands(program);
  registerEvalCommands(program);
  registerModelExportCommands(program);
  registerFretCommands(program);
  registerIndexCommands(program);
  registerInitCommands(program);
  registerLlmCommands(program);
  registerServeCommands(program);
  registerTokenizerCommands(program);
  registerTrainCommands(program);
  return program;
}

/**
 * Runs the CLI and returns the exit code. Known errors print one clear line (no stack trace); unknown
 * errors print their stack only with --verbose.
 */
export async function runCli(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  program.exitOverride();
  program.configureOutput({ writeErr: (s) => process.stderr.write(s) });
  // Commander only applies exitOverride to the command it was called on; propagate it to subcommands.
  const override = (cmd: Command): void => {
    for (const c of cmd.commands) {
      c.exitOverride();
      override(c);
    }
  };
  override(program);
  try {
    await program.parseAsync(argv as string[], { from: 'user' });
    return EXIT_OK;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (
        e.code === 'commander.helpDisplayed' ||
        e.code === 'commander.version' ||
        e.code === 'commander.help'
      ) {
        return EXIT_OK;
      }
      return EXIT_USAGE;
    }
    const verbose = argv.includes('--verbose') || argv.includes('-v');
    if (isUsageError(e)) {
      process.stderr.write(`gecko: ${e.message}\n`);
      return EXIT_USAGE;
    }
    if (isGeckoError(e)) {
      process.stderr.write(`gecko: ${e.message}\n`);
      if (verbose && e.stack) process.stderr.write(`${e.stack}\n`);
      return EXIT_FAILURE;
    }
    const err = e as Error;
    process.stderr.write(`gecko: unexpected error: ${err?.message ?? String(e)}\n`);
    if (verbose && err?.stack) process.stderr.write(`${err.stack}\n`);
    else process.stderr.write('(run with --verbose for the stack trace, and please report this as a bug)\n');
    return EXIT_FAILURE;
  }
}
