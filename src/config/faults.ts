// The fault scenarios' inputs (proposed): their definitions, to be merged into inputs.ts, and their pure parser.

import { parseNetwork, type NetworkSpec } from '../net/spec.js';
import { ConfigError, type Limit } from './types.js';
import type { InputDefinition } from './inputs.js';

/** What the fault scenarios and the proxy need from the configuration. */
export interface FaultsConfig {
  /** Toxics on the load scenarios' traffic (flapping, leak, recovery go through a proxy); no toxics: no proxy. */
  network: NetworkSpec;
  deadPeers: { clients: number; timeoutMs: number };
  slowConsumer: { durationMs: number; maxBytes: number; messageBytes: number; subscribeMessage: string | null };
  maxSlowConsumerGrowthMb: Limit;
}

/** The inputs, in the shape of inputs.ts (a test keeps action.yml in sync once they are merged there). */
export const FAULT_INPUTS = [
  {
    name: 'network',
    default: 'none',
    description:
      'Network faults on the flapping, leak and recovery traffic, injected by a proxy inside the gate: comma-separated key=value, e.g. `latency=100ms,jitter=20ms,slice=64,bandwidth=64kb,reset-ratio=0.2`. Keys: latency, jitter, bandwidth (bytes/s), slice (bytes), slice-delay, slow-close, blackhole (after a duration), reset-ratio (share of connections reset mid-handshake or mid-message). Prefix up. or down. for one direction. `none`: no proxy.',
  },
  {
    name: 'dead-peer-clients',
    default: '5',
    description: 'dead-peers scenario: clients that complete the handshake and then go silent (no FIN, no RST).',
  },
  {
    name: 'dead-peer-timeout-s',
    default: '60',
    description:
      'dead-peers scenario: seconds the server may keep a silent client open before `dead-peer-reaping` fails. A server reaps them with a ping/pong heartbeat.',
  },
  {
    name: 'slow-consumer-duration-s',
    default: '10',
    description: 'slow-consumer scenario: the longest time the client does not read.',
  },
  {
    name: 'slow-consumer-mb',
    default: '64',
    description: 'slow-consumer scenario: megabytes the client sends for the server to echo (ignored with subscribe-message).',
  },
  {
    name: 'subscribe-message',
    default: '',
    description:
      'slow-consumer scenario: a message after which the server pushes to the client (the client then sends nothing else). Empty: the client sends messages the server echoes.',
  },
  {
    name: 'max-slow-consumer-growth-mb',
    default: '50',
    description: "Limit of the server tree's memory growth while one client does not read (`slow-consumer-memory`), or `off`.",
  },
] as const satisfies readonly InputDefinition[];

export type FaultInputName = (typeof FAULT_INPUTS)[number]['name'];

const MB = 1024 * 1024;
const defaultOf = (name: FaultInputName): string => FAULT_INPUTS.find((i) => i.name === name)!.default;

function value(raw: Partial<Record<FaultInputName, string>>, name: FaultInputName): string {
  const given = raw[name]?.trim();
  return given === undefined || given === '' ? defaultOf(name) : given;
}

function number(raw: Partial<Record<FaultInputName, string>>, name: FaultInputName, min: number, max: number, integer: boolean): number {
  const text = value(raw, name);
  const n = Number(text);
  if (!/^\d+(\.\d+)?$/.test(text) || !Number.isFinite(n) || n < min || n > max || (integer && !Number.isInteger(n))) {
    throw new ConfigError(name, text, `${integer ? 'a whole number' : 'a number'} from ${min} to ${max}`);
  }
  return n;
}

/** Parses the fault inputs (pure); throws ConfigError naming the input, what was given and what is accepted. */
export function parseFaultsConfig(raw: Partial<Record<FaultInputName, string>>): FaultsConfig {
  const limitText = value(raw, 'max-slow-consumer-growth-mb');
  const explicit =
    raw['max-slow-consumer-growth-mb'] !== undefined &&
    raw['max-slow-consumer-growth-mb'].trim() !== '' &&
    limitText !== defaultOf('max-slow-consumer-growth-mb');
  const limit: Limit =
    limitText.toLowerCase() === 'off'
      ? { value: null, explicit }
      : { value: number(raw, 'max-slow-consumer-growth-mb', 0, 1_000_000, false), explicit };
  const subscribe = raw['subscribe-message'] ?? '';
  return {
    network: parseNetwork(value(raw, 'network')),
    deadPeers: {
      clients: number(raw, 'dead-peer-clients', 1, 1000, true),
      timeoutMs: number(raw, 'dead-peer-timeout-s', 1, 3600, false) * 1000,
    },
    slowConsumer: {
      durationMs: number(raw, 'slow-consumer-duration-s', 1, 600, false) * 1000,
      maxBytes: number(raw, 'slow-consumer-mb', 1, 4096, false) * MB,
      messageBytes: 64 * 1024,
      subscribeMessage: subscribe === '' ? null : subscribe,
    },
    maxSlowConsumerGrowthMb: limit,
  };
}
