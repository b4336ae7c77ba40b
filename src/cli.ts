#!/usr/bin/env node
// CLI: argv -> config -> gate -> terminal report; exit 0 pass, 1 fail, 2 bad input, 130/143 cancelled.

import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { profileDefaultText } from './config/profiles.js';
import { GATE_INPUTS, INPUTS, type InputName, type RawInputs } from './config/inputs.js';
import { ConfigError } from './config/types.js';
import { describeConfig, parseConfig } from './config/parse.js';
import { defaultSettings } from './config/resolve.js';
import { runGateWithBaseCompare } from './run/base-compare.js';
import { cancelExitCode, withCancelSignals } from './run/cancel.js';
import { loadShapeOf } from './config/load-shape.js';
import { exportLine, writeArtilleryExport } from './report/artillery-file.js';
import { writeJsonReport } from './report/json.js';
import { renderMarkdown } from './report/markdown.js';
import { renderTerminal } from './report/terminal.js';
import { TOOL_NAME, TOOL_VERSION } from './version.js';

/** The command line, read: inputs by their action names, and the CLI's own flags. */
export interface CliArgs {
  inputs: RawInputs;
  markdownPath: string | null;
  help: boolean;
  version: boolean;
}

/** The CLI writes no JSON file unless asked to (--json or --report-path). */
const CLI_DEFAULTS: RawInputs = { 'report-path': '' };

// The PR comment and its modes belong to the action alone: the CLI offers no flags for them.
const INPUT_SET = new Set<string>(GATE_INPUTS.map((i) => i.name));

/** How to run this CLI from a clone: the package is not published, so there is no bare command to name. */
export const CLI_COMMAND = 'node dist/cli/index.js';

const HELP_HINT = `run ${CLI_COMMAND} --help for the list`;

/** A command line the CLI cannot read: says what was wrong and where to look, in one line. */
export class UsageError extends ConfigError {
  constructor(message: string, given: string) {
    super('arguments', given, 'flags of the form --name value');
    this.message = message;
    this.name = 'UsageError';
  }
}

/** Levenshtein distance, for "did you mean": flag names are short, so the quadratic table is nothing. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}

const CLI_FLAGS = [...GATE_INPUTS.map((i) => i.name), 'json', 'markdown', 'help', 'version'];
const ACTION_ONLY = new Set<string>(INPUTS.filter((i) => 'actionOnly' in i && i.actionOnly).map((i) => i.name));

/** The flag a typo most likely meant, when one is close enough to be a typo. */
export function closestFlag(name: string): string | null {
  let best: string | null = null;
  let bestDistance = Infinity;
  for (const flag of CLI_FLAGS) {
    const d = editDistance(name, flag);
    if (d < bestDistance) [best, bestDistance] = [flag, d];
  }
  return bestDistance <= Math.max(2, Math.floor(name.length / 4)) ? best : null;
}

function unknownFlag(name: string, arg: string): UsageError {
  if (ACTION_ONLY.has(name)) {
    return new UsageError(`--${name} is an input of the GitHub Action only (the PR comment): the CLI has no such flag; ${HELP_HINT}`, arg);
  }
  const near = closestFlag(name);
  return new UsageError(`unknown flag --${name}${near ? ` (did you mean --${near}?)` : ''}; ${HELP_HINT}`, arg);
}

/** Parses `--name value` / `--name=value` flags named like the action's inputs. Throws ConfigError (UsageError). */
export function parseArgs(argv: string[]): CliArgs {
  const args: CliArgs = { inputs: {}, markdownPath: null, help: false, version: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--help' || arg === '-h') {
      args.help = true;
      continue;
    }
    if (arg === '--version') {
      args.version = true;
      continue;
    }
    if (!arg.startsWith('--') || arg === '--') {
      throw new UsageError(`unexpected argument '${arg}': every option is a flag, --name value or --name=value; ${HELP_HINT}`, arg);
    }
    const eq = arg.indexOf('=');
    const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
    // Checked before the value is taken, so `--bogus --url x` names --bogus, not --url.
    if (name !== 'json' && name !== 'markdown' && !INPUT_SET.has(name)) throw unknownFlag(name, arg);
    let value: string | undefined = eq === -1 ? undefined : arg.slice(eq + 1);
    if (value === undefined) {
      value = argv[i + 1];
      if (value === undefined) throw new UsageError(`flag --${name} needs a value: --${name} VALUE or --${name}=VALUE`, arg);
      i += 1;
    }
    if (name === 'json') args.inputs['report-path'] = value;
    else if (name === 'markdown') args.markdownPath = value;
    else args.inputs[name as InputName] = value;
  }
  return args;
}

/** The --help text: how to run it, what it does, every flag with its default, exit codes. */
export function usage(): string {
  const width = Math.max(...GATE_INPUTS.map((i) => i.name.length)) + 4;
  const lines = [
    `Usage: ${CLI_COMMAND} --url ws://127.0.0.1:0/ --server-command "node server.js" [options]`,
    `       ${CLI_COMMAND} --url ws://127.0.0.1:8080/            (attach to a server that is already running)`,
    '',
    'Starts the server (or attaches to one), runs flapping, leak-prevention and recovery scenarios,',
    'prints the report and exits 0 when no check failed (a warning does not fail), 1 when one failed,',
    '2 on bad input, 130/143 when interrupted. Port 0 in --url picks a free port and passes it to the server as PORT;',
    "the server command runs in a shell, so a server that takes an address flag gets it there: './chat -addr=127.0.0.1:$PORT'.",
    'Run it from a clone of the repository (npm ci first); `npm start` runs it against the example server.',
    '',
    'Example:',
    `  ${CLI_COMMAND} --server-command "node examples/echo-server.js" --url ws://127.0.0.1:0/ --expect echo`,
    '',
    'Options (the same names as the GitHub Action inputs; --name value or --name=value):',
    ...GATE_INPUTS.map((i) => {
      const fallback = CLI_DEFAULTS[i.name] ?? (i.default || profileDefaultText(i.name));
      return `  --${i.name.padEnd(width)}${i.description}${fallback !== '' ? ` (default: ${fallback})` : ''}`;
    }),
    `  --${'json FILE'.padEnd(width)}Write the JSON report to FILE (same as --report-path).`,
    `  --${'markdown FILE'.padEnd(width)}Write the Markdown report to FILE: the PR comment with every section open, as in the job summary.`,
    `  --${'help'.padEnd(width)}Show this help.`,
    `  --${'version'.padEnd(width)}Show the version.`,
  ];
  return lines.join('\n');
}

/** Runs the CLI; returns the exit code. */
export async function runCli(argv: string[], io = { out: process.stdout, err: process.stderr }): Promise<number> {
  let args: CliArgs;
  let config;
  try {
    args = parseArgs(argv);
    if (args.help) {
      io.out.write(`${usage()}\n`);
      return 0;
    }
    if (args.version) {
      io.out.write(`${TOOL_VERSION}\n`);
      return 0;
    }
    config = parseConfig(args.inputs, CLI_DEFAULTS);
  } catch (err) {
    if (err instanceof ConfigError) {
      io.err.write(`${TOOL_NAME}: ${err.message}\n`);
      return 2;
    }
    throw err;
  }

  const onSignal = (signal: NodeJS.Signals): void => {
    io.err.write(`\n${TOOL_NAME}: ${signal} received, tearing down the server...\n`);
  };
  const { result: report, cancelledBy } = await withCancelSignals(onSignal, (signal) =>
    runGateWithBaseCompare(config, {
      signal,
      onProgress: (line) => io.err.write(`${line}\n`),
      configDescription: describeConfig(args.inputs, CLI_DEFAULTS),
    }),
  );
  io.out.write(`\n${renderTerminal(report)}\n`);
  if (config.exportArtillery) {
    io.err.write(`${exportLine(await writeArtilleryExport(loadShapeOf(config), report, config.exportArtillery))}\n`);
  }
  if (config.reportPath) {
    const path = await writeJsonReport(report, config.reportPath);
    io.err.write(`JSON report written to ${path}\n`);
  }
  if (args.markdownPath) {
    const path = resolve(args.markdownPath);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, renderMarkdown(report, { settingDefaults: defaultSettings(report.config.profile) }));
    io.err.write(`Markdown report written to ${path}\n`);
  }
  if (cancelledBy) return cancelExitCode(cancelledBy);
  return report.verdict === 'fail' ? 1 : 0;
}
