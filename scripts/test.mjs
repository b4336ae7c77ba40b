// npm test: the type check, the lint and the tests, side by side. The tests mostly wait on timers and sockets, so the
// type check and the lint run in the CPU they leave (at a lower priority, so the tests' timings do not pay for them);
// their output is printed after the tests'. Exits non-zero when any of the three failed.
//
//   npm test                      everything
//   npm test -- <vitest args>     the args go to vitest (a file filter, --reporter=...)

import { spawn } from 'node:child_process';
import { setPriority } from 'node:os';

/** Below the tests (0) in the scheduler: the checks take what the tests leave. */
const CHECK_NICENESS = 10;

const children = new Set();

/** Runs `command args`, its output kept (quiet) or shown as it comes; resolves with its exit code and output. */
function run(command, args, { quiet }) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: quiet ? ['ignore', 'pipe', 'pipe'] : 'inherit' });
    children.add(child);
    let output = '';
    if (quiet) {
      child.stdout.on('data', (d) => (output += d));
      child.stderr.on('data', (d) => (output += d));
      try {
        setPriority(child.pid, CHECK_NICENESS);
      } catch {
        // Not allowed here (or the child already exited): it runs at the tests' priority.
      }
    }
    child.once('error', (err) => resolve({ code: 1, output: `${output}${err.message}\n` }));
    child.once('close', (code, signal) => {
      children.delete(child);
      resolve({ code: code ?? (signal ? 1 : 0), output });
    });
  });
}

// Ctrl-C or a CI cancel reaches the children through the process group; a SIGTERM to this process alone is passed on.
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    for (const child of children) child.kill(signal);
  });
}

const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const checks = [
  ['type check (tsc --noEmit)', run(npx, ['tsc', '--noEmit'], { quiet: true })],
  ['lint (npm run lint)', run(npm, ['run', '--silent', 'lint'], { quiet: true })],
];
const tests = await run(npx, ['vitest', 'run', ...process.argv.slice(2)], { quiet: false });

let failed = tests.code !== 0;
for (const [name, pending] of checks) {
  const { code, output } = await pending;
  if (code === 0) {
    process.stdout.write(`✓ ${name}\n`);
  } else {
    failed = true;
    process.stdout.write(`✗ ${name} failed:\n${output}\n`);
  }
}
process.exitCode = failed ? 1 : 0;
