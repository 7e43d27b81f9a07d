import type { Command } from 'commander';
import { UsageError } from '../errors/UsageError.js';
import type { Reporter } from '../util/Reporter.js';
import { DEFAULT_WORKSPACE_DIR } from '../workspace/Workspace.js';
import { createTerminalReporter, type Verbosity } from './terminalReporter.js';

/** Options every command accepts, declared once on the root program. */
export interface GlobalOptions {
  work: string;
  json: boolean;
  quiet: boolean;
  verbose: boolean;
}

/** What a command handler gets: the resolved global options, a reporter, and an output printer. */
export interface CliContext {
  work: string;
  json: boolean;
  verbosity: Verbosity;
  reporter: Reporter;
  /** Writes a result to stdout: JSON when `--json`, else the human text from `human()`. */
  print(value: unknown, human: () => string): void;
}

export function contextFrom(command: Command): CliContext {
  const g = command.optsWithGlobals() as GlobalOptions;
  if (g.quiet && g.verbose) throw new UsageError('--quiet and --verbose cannot be used together.');
  const verbosity: Verbosity = g.quiet ? 'quiet' : g.verbose ? 'verbose' : 'normal';
  return {
    work: g.work ?? DEFAULT_WORKSPACE_DIR,
    json: Boolean(g.json),
    verbosity,
    reporter: createTerminalReporter(verbosity),
    print(value, human) {
      process.stdout.write(g.json ? `${JSON.stringify(value, null, 2)}\n` : `${human()}\n`);
    },
  };
}

/**
 * The longest delay Node's timers take (2³¹ − 1 ms, about 24.8 days): a larger one fires at once with a
 * TimeoutOverflowWarning, so timeout options are capped here and said to be out of range.
 */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** An integer option: a usage error naming the option when it is not an integer in [min, max]. */
function parseIntIn(name: string, value: string, min: number, max: number, what: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min)
    throw new UsageError(`${name} must be a ${what} integer, got "${value}".`);
  if (n > max) throw new UsageError(`${name} must be at most ${max}, got "${value}".`);
  return n;
}

/** Parses a positive integer option, or throws a usage error naming the option. */
export function parsePositiveInt(name: string, value: string, max = Number.MAX_SAFE_INTEGER): number {
  return parseIntIn(name, value, 1, max, 'positive');
}

/** Parses a comma-separated list of positive integers (e.g. `--dims 256,64`), naming the option on error. */
export function parsePositiveIntList(name: string, value: string): number[] {
  return value.split(',').map((x) => parsePositiveInt(name, x.trim()));
}

/** Parses a non-negative integer option, or throws a usage error naming the option. */
export function parseNonNegativeInt(name: string, value: string, max = Number.MAX_SAFE_INTEGER): number {
  return parseIntIn(name, value, 0, max, 'non-negative');
}

/** Parses a TCP port (0 picks a free one), or throws a usage error naming the option. */
export function parsePort(name: string, value: string): number {
  return parseNonNegativeInt(name, value, 65_535);
}
