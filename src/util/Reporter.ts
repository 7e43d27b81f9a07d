/**
 * How library code tells the outside world what it is doing. Library functions never write to the console
 * themselves (only `cli/` does); they take a `reporter` option, which defaults to {@link silentReporter}.
 * The CLI passes a terminal reporter that draws progress bars on a TTY and prints plain lines otherwise.
 */
export interface Reporter {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  /** Starts a unit of long work. `total` may be unknown (e.g. a streamed file of unknown length). */
  progress(label: string, options?: ProgressOptions): Progress;
}

export interface ProgressOptions {
  /** Expected number of units, if known. */
  total?: number;
  /** Unit name shown with the rate, e.g. `passages`. @default 'items' */
  unit?: string;
}

export interface Progress {
  /** Adds `n` done units. */
  tick(n?: number): void;
  /** Sets the done count (for work that knows its absolute position, such as bytes read). */
  update(done: number, total?: number): void;
  /** Finishes the bar; `summary` replaces the final line when given. */
  done(summary?: string): void;
}

const noopProgress: Progress = { tick() {}, update() {}, done() {} };

/** A reporter that drops everything: the default for library calls. */
export const silentReporter: Reporter = {
  debug() {},
  info() {},
  warn() {},
  progress() {
    return noopProgress;
  },
};
