#!/usr/bin/env node
import { runCli } from './program.js';

// `gecko … | head` closes stdout early: that is the reader's choice, not a failure worth a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
}

// Set exitCode instead of calling process.exit() so that pending stdout writes are flushed.
process.exitCode = await runCli(process.argv.slice(2));
