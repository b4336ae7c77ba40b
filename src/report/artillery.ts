// The Artillery export: a script that reproduces a run's load (flapping and leak as phases, the same session flow, the
// abrupt share cut without a close handshake), so a team can run it at any scale with Artillery. Pure: text out.

import { stringify } from 'yaml';
import { GRAPHQL_TRANSPORT_WS } from '../model/protocol.js';
import type { JsonValue, LoadShape, ReplyMatch, SessionStep } from '../model/session.js';
import type { ServerInfo } from '../model/report.js';

/** The protocol the run spoke, as the report has it. */
export type SpokenProtocol = NonNullable<ServerInfo['protocol']>['id'];

/** What the export writes: the script, and the processor it loads when some connections are cut. */
export interface ArtilleryExport {
  script: string;
  /** CommonJS module Artillery loads from `config.processor` (the abrupt cut); null when nothing is cut. */
  processor: string | null;
}

/** The processor function that ends a virtual user's connection without a close handshake. */
const CUT_FUNCTION = 'cutWithoutCloseHandshake';

/** The processor's file name beside the script: `load.yml` → `load-processor.cjs`. */
export function processorFileName(scriptFileName: string): string {
  return `${scriptFileName.replace(/\.[^./]*$/, '')}-processor.cjs`;
}

type Step = Record<string, unknown>;

/**
 * The Artillery script for a run of `config` against `url`, speaking `protocol`. `scriptFileName` is the script's own
 * file name (the processor is named after it).
 */
export function artilleryExport(load: LoadShape, url: string, protocol: SpokenProtocol, scriptFileName: string): ArtilleryExport {
  const plan = load.session;
  // A Socket.IO server with no flow, or an emit flow, is driven by Artillery's socketio engine; a ws flow by its ws
  // engine, which then speaks Engine.IO's opening itself.
  const socketio = protocol === 'socket.io' && (plan === null || plan.engine === 'socketio');
  const cycleMs = load.holdMs + load.pauseMs + (plan?.thinkMs ?? 0);
  const phases = [
    load.flapping ? phase('flapping', load.flapping.cycles, load.flapping.cycles * cycleMs) : null,
    load.leak ? phase('leak', load.leak.clients * load.leak.cycles, load.leak.cycles * cycleMs) : null,
  ].filter((p) => p !== null);
  const flow: Step[] = [...opening(protocol, socketio), ...(plan ? plan.steps.map(artilleryStep) : [])];
  if (load.holdMs > 0) flow.push({ think: load.holdMs / 1000 });
  const share = abruptShare(load);
  const engine = socketio ? 'socketio' : 'ws';
  const scenarios =
    share === 0
      ? [{ name: 'connect, session, hold, close', engine, flow }]
      : [
          { name: 'connect, session, hold, close', engine, weight: 100 - share, flow },
          {
            name: 'connect, session, hold, cut without a close handshake',
            engine,
            weight: share,
            flow: [...flow, { function: CUT_FUNCTION }],
          },
        ];
  const script = {
    config: {
      target: socketio ? socketIoOrigin(url) : url,
      ...(share > 0 ? { processor: `./${processorFileName(scriptFileName)}` } : {}),
      // A step that waits for a reply waits as long as the gate's does (close-timeout-ms), in seconds.
      timeout: load.closeTimeoutMs / 1000,
      phases,
      ...(socketio ? socketIoConfig(load, url) : wsConfig(load, protocol)),
    },
    scenarios,
  };
  return { script: header(load, url, protocol, share) + stringify(script, { lineWidth: 0 }), processor: share > 0 ? PROCESSOR : null };
}

/** Arrivals spread evenly over the scenario's prescribed time: one every cycle per client, as the gate's clients do. */
function phase(name: string, arrivals: number, durationMs: number): Record<string, unknown> {
  // Artillery reads "NNNms" as milliseconds (a bare number is seconds, whole ones only); it refuses a zero duration.
  return { name, duration: `${Math.max(arrivals, Math.round(durationMs))}ms`, arrivalCount: arrivals };
}

/**
 * The share of connections the gate cuts, over the whole run, in percent: Artillery picks a scenario per virtual user
 * by weight over all phases, so the leak scenario's abrupt ratio is spread over flapping's connections too.
 */
function abruptShare(load: LoadShape): number {
  const flapping = load.flapping?.cycles ?? 0;
  const leak = load.leak ? load.leak.clients * load.leak.cycles : 0;
  if (flapping + leak === 0) return 0;
  return Math.round((100 * leak * (load.leak?.abruptRatio ?? 0)) / (flapping + leak));
}

/** The protocol's opening as flow steps, where the engine does not do it itself. */
function opening(protocol: SpokenProtocol, socketio: boolean): Step[] {
  if (protocol === 'graphql-ws') {
    return [{ send: { payload: '{"type":"connection_init"}', match: { json: '$.type', value: 'connection_ack' } } }];
  }
  if (protocol === 'socket.io' && !socketio) {
    // Engine.IO's open packet, then the default namespace's connect and its ack.
    return [
      { wait: { capture: { regexp: '^0\\{', as: 'engineIoOpen' } } },
      { send: { payload: '40', capture: { regexp: '^40', as: 'connected' } } },
    ];
  }
  return [];
}

function wsConfig(load: LoadShape, protocol: SpokenProtocol): Record<string, unknown> {
  const subprotocols = [...new Set([...load.subprotocols, ...(protocol === 'graphql-ws' ? [GRAPHQL_TRANSPORT_WS] : [])])];
  const headers = headerTemplates(load);
  if (subprotocols.length === 0 && Object.keys(headers).length === 0) return {};
  return { ws: { ...(subprotocols.length > 0 ? { subprotocols } : {}), ...(Object.keys(headers).length > 0 ? { headers } : {}) } };
}

function socketIoConfig(load: LoadShape, url: string): Record<string, unknown> {
  const headers = headerTemplates(load);
  const path = new URL(url).pathname.replace(/\/?$/, '/');
  return { socketio: { path, transports: ['websocket'], ...(Object.keys(headers).length > 0 ? { extraHeaders: headers } : {}) } };
}

/** Header values are secrets: the script reads each from an environment variable named after the header. */
function headerTemplates(load: LoadShape): Record<string, string> {
  return Object.fromEntries(load.headerNames.map((name) => [name, `{{ $env.${envName(name)} }}`]));
}

function envName(header: string): string {
  return header.toUpperCase().replace(/[^A-Z0-9]/g, '_');
}

/** `ws://host:port/socket.io/?EIO=4…` → `http://host:port`: socket.io-client takes the origin and a path option. */
function socketIoOrigin(url: string): string {
  const u = new URL(url);
  return `${u.protocol === 'wss:' ? 'https:' : 'http:'}//${u.host}`;
}

/** One step of the plan in Artillery's own form. */
function artilleryStep(step: SessionStep): Step {
  switch (step.kind) {
    case 'send':
      return step.match.length > 0 ? { send: { payload: step.text, ...conditions(step.match) } } : { send: step.text };
    case 'wait':
      return { wait: conditions(step.match) };
    case 'think':
      return { think: step.ms / 1000 };
    case 'loop':
      return { loop: step.steps.map(artilleryStep), count: step.count };
    case 'emit':
      return {
        emit: [step.event, ...step.args],
        ...(step.namespace !== '' ? { namespace: step.namespace } : {}),
        ...(step.acknowledge ? { acknowledge: reply(step.acknowledge) } : {}),
        ...(step.response ? { response: { channel: step.response.channel, ...reply(step.response) } } : {}),
      };
  }
}

function reply(spec: { data?: JsonValue; match: ReplyMatch[] }): Step {
  return { ...(spec.data !== undefined ? { data: spec.data } : {}), ...conditions(spec.match) };
}

/**
 * Reply conditions as Artillery reads them: a match with a value compares; a condition without one is a capture
 * (Artillery fails a step whose capture finds nothing, and ignores a match that has no value).
 */
function conditions(matches: readonly ReplyMatch[]): Step {
  const match: Step[] = [];
  const capture: Step[] = [];
  matches.forEach((m, i) => {
    const spec: Step =
      m.kind === 'json'
        ? { json: m.expr }
        : { regexp: m.source, ...(m.flags ? { flags: m.flags } : {}), ...(m.group !== undefined ? { group: m.group } : {}) };
    if (m.value !== undefined) match.push({ ...spec, value: m.value });
    else capture.push({ ...spec, as: `gateCondition${i + 1}` });
  });
  return {
    ...(match.length > 0 ? { match: match.length === 1 ? match[0] : match } : {}),
    ...(capture.length > 0 ? { capture: capture.length === 1 ? capture[0] : capture } : {}),
  };
}

function header(load: LoadShape, url: string, protocol: SpokenProtocol, share: number): string {
  const lines = [
    `Written by ws-resilience-gate: the load of its run against ${url} (${protocol}), to run at any scale with Artillery:`,
    '  artillery run THIS_FILE   (--target URL points it elsewhere; artillery run-fargate runs it distributed)',
    `Phases: ${phasesText(load)} as the gate ran them (hold ${load.holdMs} ms); raise arrivalCount and duration together to scale.`,
    ...(share > 0
      ? [`${share} % of connections end without a close handshake, as the gate's abrupt cycles (the processor beside this file).`]
      : []),
    ...(load.headerNames.length > 0
      ? [`Header values are read from the environment: set ${load.headerNames.map(envName).join(', ')} first.`]
      : []),
  ];
  return `${lines.map((l) => `# ${l}`).join('\n')}\n`;
}

/** "flapping (20 connections) and leak (3 × 15)". */
function phasesText(load: LoadShape): string {
  const parts = [
    load.flapping ? `flapping (${load.flapping.cycles} connections)` : null,
    load.leak ? `leak (${load.leak.clients} × ${load.leak.cycles})` : null,
  ].filter((p) => p !== null);
  return parts.join(' and ') || 'no load';
}

const PROCESSOR = `// Written by ws-resilience-gate: ends a virtual user's connection without a close handshake, as the gate's
// abrupt cycles do (a client that vanished). Loaded by the Artillery script beside it (config.processor).
'use strict';

module.exports = {
  ${CUT_FUNCTION}(context, events, done) {
    // The ws engine keeps its WebSocket in context.ws; the socketio engine's is under the Engine.IO transport.
    const ws = context.ws || (context.sockets && context.sockets[''] && context.sockets[''].io.engine.transport.ws);
    if (ws && typeof ws.terminate === 'function') ws.terminate();
    done();
  },
};
`;

/** The protocol a run spoke: detected or chosen; raw when a stopped run never settled it. */
export function spokenProtocol(load: LoadShape, server: ServerInfo): SpokenProtocol {
  return (
    server.protocol?.id ??
    (load.protocolChoice === 'raw' || load.protocolChoice === 'socket.io' || load.protocolChoice === 'graphql-ws'
      ? load.protocolChoice
      : 'raw')
  );
}
