// The proposed fault inputs: defaults, accepted values, and one-line errors that name the input.

import { describe, expect, it } from 'vitest';
import { FAULT_INPUTS, parseFaultsConfig } from '../src/config/faults.js';
import { INPUTS } from '../src/config/inputs.js';
import { ConfigError } from '../src/config/types.js';

describe('parseFaultsConfig', () => {
  it('gives the documented defaults when nothing is set', () => {
    expect(parseFaultsConfig({})).toEqual({
      network: { text: '', toxics: [] },
      deadPeers: { clients: 5, timeoutMs: 60_000 },
      slowConsumer: { durationMs: 10_000, maxBytes: 64 * 1024 * 1024, messageBytes: 65536, subscribeMessage: null },
      maxSlowConsumerGrowthMb: { value: 50, explicit: false },
    });
  });

  it('reads every input', () => {
    const config = parseFaultsConfig({
      network: 'latency=100ms',
      'dead-peer-clients': '3',
      'dead-peer-timeout-s': '2.5',
      'slow-consumer-duration-s': '5',
      'slow-consumer-mb': '8',
      'subscribe-message': '{"op":"subscribe"}',
      'max-slow-consumer-growth-mb': '20',
    });
    expect(config.network.toxics).toHaveLength(2);
    expect(config.deadPeers).toEqual({ clients: 3, timeoutMs: 2500 });
    expect(config.slowConsumer).toMatchObject({ durationMs: 5000, maxBytes: 8 * 1024 * 1024, subscribeMessage: '{"op":"subscribe"}' });
    expect(config.maxSlowConsumerGrowthMb).toEqual({ value: 20, explicit: true });
    expect(parseFaultsConfig({ 'max-slow-consumer-growth-mb': 'off' }).maxSlowConsumerGrowthMb).toEqual({ value: null, explicit: true });
  });

  it.each([
    ['dead-peer-clients', '0', "'dead-peer-clients' must be a whole number from 1 to 1000, got '0'"],
    ['dead-peer-clients', '2.5', "'dead-peer-clients' must be a whole number from 1 to 1000, got '2.5'"],
    ['dead-peer-timeout-s', 'soon', "'dead-peer-timeout-s' must be a number from 1 to 3600, got 'soon'"],
    ['max-slow-consumer-growth-mb', '-1', "'max-slow-consumer-growth-mb' must be a number from 0 to 1000000, got '-1'"],
  ] as const)('refuses %s=%j', (name, given, message) => {
    expect(() => parseFaultsConfig({ [name]: given })).toThrow(
      new ConfigError(name, given, message.split(' must be ')[1]!.split(', got')[0]!),
    );
    expect(() => parseFaultsConfig({ [name]: given })).toThrow(message);
  });

  it('names no input the action already has', () => {
    const existing = new Set<string>(INPUTS.map((i) => i.name));
    expect(FAULT_INPUTS.map((i) => i.name).filter((n) => existing.has(n))).toEqual([]);
  });
});
