#!/usr/bin/env node
import { runCli } from './program.js';

// Set exitCode instead of calling process.exit() so that pending stdout writes are flushed.
process.exitCode = await runCli(process.argv.slice(2));
