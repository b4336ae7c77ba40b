#!/usr/bin/env node
// CLI: argv -> config -> gate -> terminal report; exit 0 pass, 1 fail, 2 bad input, 130/143 cancelled.

import { writeFile } from 'node:fs/promises';
import { profileDefaultText } from './config/profiles.js';
import { GATE_INPUTS, type InputName, type RawInputs } from './config/inputs.js';
import { ConfigError } from './config/types.js';
import { describeConfig, parseConfig } from './config/parse.js';
import { defaultSettings } from './config/resolve.js';
import { runGateWithBaseCompare } from './run/base-compare.js';
import { cancelExitCode, withCancelSignals } from './run/cancel.js';
import { writeJsonReport } from './report/json.js';
import { renderMarkdown } from './report/markdown.js';
import { renderTerminal } from './report/terminal.js';
import { TOOL_NAME, TOOL_VERSION } from './version.js';

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

/** Parses `--name value` / `--name=value` flags named like the action's inputs. Throws ConfigError. */
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
    if (!arg.startsWith('--')) {
      throw new ConfigError('arguments', arg, 'flags of the form --name value (see --help)');
    }
    const eq = arg.indexOf('=');
    const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
    let value: string | undefined = eq === -1 ? undefined : arg.slice(eq + 1);
    if (value === undefined) {
      value = argv[i + 1];
      if (value === undefined) throw new ConfigError(`--${name}`, '', 'followed by a value');
      i += 1;
    }
    if (name === 'json') args.inputs['report-path'] = value;
    else if (name === 'markdown') args.markdownPath = value;
    else if (INPUT_SET.has(name)) args.inputs[name as InputName] = value;
    else throw new ConfigError(`--${name}`, value, `one of the flags listed by --help`);
  }
  return args;
}

export function usage(): string {
  const width = Math.max(...GATE_INPUTS.map((i) => i.name.length)) + 4;
  const lines = [
    `Usage: ${TOOL_NAME} --url ws://127.0.0.1:8080 [--server-command "node server.js"] [options]`,
    '',
    'Starts the server (or attaches to one), runs flapping, leak-prevention and recovery scenarios,',
    'prints the report and exits 0 when every check passed, 1 when one failed, 2 on bad input.',
    '',
    'Options (the same names as the GitHub Action inputs):',
    ...GATE_INPUTS.map((i) => {
      const fallback = CLI_DEFAULTS[i.name] ?? (i.default || profileDefaultText(i.name));
      return `  --${i.name.padEnd(width)}${i.description}${fallback !== '' ? ` (default: ${fallback})` : ''}`;
    }),
    `  --${'json FILE'.padEnd(width)}Write the JSON report to FILE (same as --report-path).`,
    `  --${'markdown FILE'.padEnd(width)}Write the Markdown report (as posted on a PR) to FILE.`,
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
  if (config.reportPath) {
    const path = await writeJsonReport(report, config.reportPath);
    io.err.write(`JSON report written to ${path}\n`);
  }
  if (args.markdownPath) {
    await writeFile(args.markdownPath, renderMarkdown(report, { settingDefaults: defaultSettings(report.config.profile) }));
    io.err.write(`Markdown report written to ${args.markdownPath}\n`);
  }
  if (cancelledBy) return cancelExitCode(cancelledBy);
  return report.verdict === 'fail' ? 1 : 0;
}
