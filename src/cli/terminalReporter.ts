import cliProgress from 'cli-progress';
import type { Progress, ProgressOptions, Reporter } from '../util/Reporter.js';

export type Verbosity = 'quiet' | 'normal' | 'verbose';

/** Seconds between plain progress lines when stderr is not a terminal (CI logs, pipes). */
const PLAIN_INTERVAL_MS = 5_000;

/**
 * The CLI's reporter: progress bars with rate and ETA on a TTY, plain timestamped log lines otherwise (so CI
 * logs stay readable), all on stderr so that stdout carries only results (`--json` stays parseable).
 */
export function createTerminalReporter(
  verbosity: Verbosity,
  stream: NodeJS.WriteStream = process.stderr,
): Reporter {
  const tty = Boolean(stream.isTTY) && process.env.CI === undefined;
  const line = (s: string): void => {
    stream.write(`${s}\n`);
  };
  return {
    debug(m) {
      if (verbosity === 'verbose') line(`debug: ${m}`);
    },
    info(m) {
      if (verbosity !== 'quiet') line(m);
    },
    warn(m) {
      line(`warning: ${m}`);
    },
    progress(label, options = {}) {
      if (verbosity === 'quiet') return { tick() {}, update() {}, done() {} };
      return tty ? barProgress(label, options, stream) : plainProgress(label, options, line);
    },
  };
}

function barProgress(label: string, options: ProgressOptions, stream: NodeJS.WriteStream): Progress {
  const unit = options.unit ?? 'items';
  const start = performance.now();
  let done = 0;
  let total = options.total ?? 0;
  const rate = (): string => {
    const s = (performance.now() - start) / 1000;
    return s > 0 ? Math.round(done / s).toLocaleString('en-US') : '0';
  };
  // The bar's layout depends on whether the total is known; streamed inputs learn (an estimate of) it only
  // after the first chunk, so the bar is rebuilt once when that happens.
  const make = (known: boolean): cliProgress.SingleBar => {
    const b = new cliProgress.SingleBar(
      {
        stream,
        format: known
          ? `${label} [{bar}] {percentage}% | {value}/{total} ${unit} | {rate}/s | ETA {eta_formatted}`
          : `${label} {value} ${unit} | {rate}/s | {duration_formatted}`,
        hideCursor: true,
        clearOnComplete: false,
        etaBuffer: 50,
        fps: 5,
      },
      cliProgress.Presets.shades_classic,
    );
    b.start(known ? total : 0, done, { rate: rate() });
    return b;
  };
  let known = total > 0;
  let bar = make(known);
  return {
    tick(n = 1) {
      done += n;
      bar.update(done, { rate: rate() });
    },
    update(d, t) {
      done = d;
      if (t !== undefined && t > 0) {
        total = t;
        if (!known) {
          bar.stop();
          stream.write('\x1b[1A\x1b[2K'); // replace the unknown-total line
          known = true;
          bar = make(true);
        } else bar.setTotal(t);
      }
      bar.update(done, { rate: rate() });
    },
    done(summary) {
      if (known) bar.setTotal(done);
      bar.update(done, { rate: rate() });
      bar.stop();
      if (summary) stream.write(`${summary}\n`);
    },
  };
}

function plainProgress(label: string, options: ProgressOptions, line: (s: string) => void): Progress {
  const unit = options.unit ?? 'items';
  let total = options.total;
  const start = performance.now();
  let last = start;
  let done = 0;
  const report = (final: boolean): void => {
    const now = performance.now();
    if (!final && now - last < PLAIN_INTERVAL_MS) return;
    last = now;
    const secs = (now - start) / 1000;
    const rate = secs > 0 ? done / secs : 0;
    let s = `${label}: ${done.toLocaleString('en-US')}`;
    if (total !== undefined) s += `/${total.toLocaleString('en-US')}`;
    s += ` ${unit}, ${Math.round(rate).toLocaleString('en-US')}/s`;
    if (!final && total !== undefined && rate > 0) s += `, ETA ${formatSeconds((total - done) / rate)}`;
    if (final) s += `, done in ${formatSeconds(secs)}`;
    line(s);
  };
  return {
    tick(n = 1) {
      done += n;
      report(false);
    },
    update(d, t) {
      done = d;
      if (t !== undefined) total = t;
      report(false);
    },
    done(summary) {
      report(true);
      if (summary) line(summary);
    },
  };
}

export function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return '?';
  if (s < 60) return `${s.toFixed(1)}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${Math.round(s % 60)}s`;
  return `${Math.floor(m / 60)}h${m % 60}m`;
}
