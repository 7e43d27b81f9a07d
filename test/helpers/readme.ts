import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type CliResult, collectOutput, TSX_LOADER } from './cli.js';
import { ROOT } from './paths.js';

/** The first ```sh block after the README heading that starts with `heading`, as written. */
export function readmeShellBlock(heading: string): string {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const at = readme.split('\n').findIndex((l) => /^#+ /.test(l) && l.replace(/^#+ /, '').startsWith(heading));
  if (at < 0) throw new Error(`README.md has no heading "${heading}"`);
  const rest = readme
    .split('\n')
    .slice(at + 1)
    .join('\n');
  const m = /```sh\n([\s\S]*?)```/.exec(rest);
  if (!m) throw new Error(`README.md: no sh block after "${heading}"`);
  return m[1]!;
}

/**
 * Runs a README shell block with bash (`set -euo pipefail`) in `cwd`, where `gecko` is the CLI from source
 * (a shim first on PATH), as a user with `npm link` would run it.
 */
export function runReadmeBlock(script: string, cwd: string): Promise<CliResult> {
  const bin = join(cwd, '.readme-bin');
  mkdirSync(bin, { recursive: true });
  const shim = join(bin, 'gecko');
  writeFileSync(
    shim,
    `#!/bin/sh\nexec "${process.execPath}" --import "${TSX_LOADER}" "${join(ROOT, 'src/cli/main.ts')}" "$@"\n`,
  );
  chmodSync(shim, 0o755);
  const child = spawn('bash', ['-euo', 'pipefail', '-c', script], {
    cwd,
    env: { ...process.env, CI: '1', PATH: `${bin}:${process.env.PATH ?? ''}` },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return collectOutput(child);
}
