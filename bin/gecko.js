#!/usr/bin/env node
// Entry point of the `gecko` command. Runs the compiled CLI; in a source checkout, build it first.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const main = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
if (!existsSync(main)) {
  process.stderr.write('gecko: the CLI is not built. Run "npm run build" in the gecko folder first.\n');
  process.exit(1);
}
await import(main);
