#!/usr/bin/env node
// CLI entry: runs the CLI and exits with its code, nothing else.

import { runCli } from './cli.js';

runCli(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
    // Everything is closed by now; this only guards against a handle someone else left open.
    setTimeout(() => process.exit(code), 2000).unref();
  },
  (err: unknown) => {
    process.stderr.write(`ws-resilience-gate: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  },
);
