// The fault inputs through parseConfig: defaults, what the user sets, and the limit's explicitness.

import { describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config/parse.js';

const URL_ONLY = { url: 'ws://127.0.0.1:8080/' };

describe('the fault inputs', () => {
  it('gives the documented defaults when nothing is set', () => {
    const config = parseConfig(URL_ONLY);
    expect(config.faults).toEqual({
      network: { text: '', toxics: [] },
      deadPeers: { clients: 5, timeoutMs: 90_000 },
      slowConsumer: { durationMs: 10_000, maxBytes: 160 * 1024 * 1024, messageBytes: 65536, subscribeMessage: null },
    });
    expect(config.limits.maxSlowConsumerGrowthMb).toEqual({ value: 50, explicit: false });
  });

  it('reads every input', () => {
    const config = parseConfig({
      ...URL_ONLY,
      network: 'latency=100ms',
      'dead-peer-clients': '3',
      'dead-peer-timeout-s': '2.5',
      'slow-consumer-duration-s': '5',
      'slow-consumer-mb': '8',
      'subscribe-message': '{"op":"subscribe"}',
      'max-slow-consumer-growth-mb': '20',
    });
    expect(config.faults.network.toxics).toHaveLength(2);
    expect(config.faults.deadPeers).toEqual({ clients: 3, timeoutMs: 2500 });
    expect(config.faults.slowConsumer).toMatchObject({
      durationMs: 5000,
      maxBytes: 8 * 1024 * 1024,
      subscribeMessage: '{"op":"subscribe"}',
    });
    expect(config.limits.maxSlowConsumerGrowthMb).toEqual({ value: 20, explicit: true });
    expect(parseConfig({ ...URL_ONLY, 'max-slow-consumer-growth-mb': 'off' }).limits.maxSlowConsumerGrowthMb.value).toBeNull();
  });
});
