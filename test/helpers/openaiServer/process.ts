/**
 * The loopback OpenAI-compatible server as a child process (main.ts), for benchmarks that measure a client
 * without the server sharing its event loop.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { TSX_LOADER } from '../cli.js';
import { ROOT } from '../paths.js';

/** Starts main.ts with `args` (e.g. `['--embedding-dim', '768']`); `stop()` ends it. */
export async function startOpenAIServerProcess(
  args: string[] = [],
): Promise<{ baseUrl: string; stop: () => void }> {
  const child = spawn(
    process.execPath,
    ['--import', TSX_LOADER, join(ROOT, 'test/helpers/openaiServer/main.ts'), ...args],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`test server exited with ${code}`)));
  });
  return { baseUrl: line.trim(), stop: () => child.stdin.end() };
}
