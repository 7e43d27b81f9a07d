import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT } from './paths.js';

/** tsx's ESM loader by absolute URL, so the CLI runs from source whatever the working directory. */
export const TSX_LOADER = pathToFileURL(join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Node's arguments that run the gecko CLI from source (through tsx); the CLI's own arguments follow. */
export const GECKO_FROM_SOURCE: readonly string[] = ['--import', TSX_LOADER, join(ROOT, 'src/cli/main.ts')];

/** Runs the gecko CLI from source (through tsx) with `args`, in `cwd`, and collects its output. */
export function runGecko(
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...GECKO_FROM_SOURCE, ...args], {
      cwd: options.cwd ?? ROOT,
      env: { ...process.env, CI: '1', ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    collectOutput(child).then(resolve, reject);
    child.stdin.end(options.input ?? '');
  });
}

/** Collects a child's stdout and stderr (both piped) until it closes. */
export function collectOutput(child: ChildProcess): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr?.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The first pretty-printed JSON object on a stream (what `gecko --json serve` prints when it is listening). */
function readJson(stream: NodeJS.ReadableStream): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    let text = '';
    const onData = (d: Buffer): void => {
      text += d.toString();
      const end = text.indexOf('\n}');
      if (end >= 0) {
        stream.off('data', onData);
        try {
          resolve(JSON.parse(text.slice(0, end + 2)));
        } catch (e) {
          reject(e);
        }
      }
    };
    stream.on('data', onData);
    stream.on('end', () => reject(new Error(`the server printed no JSON: ${text}`)));
  });
}

/** A long-running CLI (such as `gecko --json serve`) that has started and printed where it listens. */
export interface ServedCli {
  /** The JSON object it printed once listening. */
  started: Record<string, unknown>;
  /** What it has written to stderr so far. */
  stderr(): string;
  /** Its exit code once it has closed (null when a signal ended it). */
  exited: Promise<number | null>;
  /** Asks it to stop (SIGTERM). */
  stop(): void;
}

/**
 * Starts node with `argv` (a CLI and its arguments, e.g. `[...GECKO_FROM_SOURCE, '--json', 'serve', ...]`) in
 * `cwd` and waits for the JSON object it prints when it is listening. When none comes, the child is stopped
 * and the error carries its stderr, which says why.
 */
export async function startServedCli(argv: readonly string[], cwd: string = ROOT): Promise<ServedCli> {
  const child = spawn(process.execPath, argv, {
    cwd,
    env: { ...process.env, CI: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  const stop = (): void => {
    child.kill('SIGTERM');
  };
  try {
    const started = await readJson(child.stdout);
    return { started, stderr: () => stderr, exited, stop };
  } catch (e) {
    stop();
    throw new Error(`${(e as Error).message}\n${stderr}`);
  }
}
