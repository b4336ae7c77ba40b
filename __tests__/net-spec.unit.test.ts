// The `network` input: every accepted form becomes typed toxics per direction; anything else is one ConfigError line.

import { describe, expect, it } from 'vitest';
import { ConfigError } from '../src/config/types.js';
import { networkForm, parseNetwork, parseValue } from '../src/net/spec.js';
import { proxiedTarget, upstreamOf } from '../src/net/target.js';

describe('parseNetwork', () => {
  it('reads the example into toxics on both directions, reset on the client-to-server side only', () => {
    const spec = parseNetwork('latency=100ms,jitter=20ms,slice=64,bandwidth=64kb,reset-ratio=0.2');
    expect(spec.text).toBe('latency=100ms,jitter=20ms,slice=64,bandwidth=64kb,reset-ratio=0.2');
    expect(spec.toxics).toEqual([
      { toxic: 'reset', direction: 'upstream', params: { ratio: 0.2 } },
      { toxic: 'latency', direction: 'upstream', params: { latencyMs: 100, jitterMs: 20 } },
      { toxic: 'bandwidth', direction: 'upstream', params: { bytesPerSecond: 65536 } },
      { toxic: 'slicer', direction: 'upstream', params: { sliceBytes: 64, delayMs: 1 } },
      { toxic: 'latency', direction: 'downstream', params: { latencyMs: 100, jitterMs: 20 } },
      { toxic: 'bandwidth', direction: 'downstream', params: { bytesPerSecond: 65536 } },
      { toxic: 'slicer', direction: 'downstream', params: { sliceBytes: 64, delayMs: 1 } },
    ]);
  });

  it('limits a key to one direction with up. or down.', () => {
    const spec = parseNetwork('down.bandwidth=1mb/s, up.latency=1.5s, slow-close=2s, down.reset-ratio=10%');
    expect(spec.toxics).toEqual([
      { toxic: 'latency', direction: 'upstream', params: { latencyMs: 1500, jitterMs: 0 } },
      { toxic: 'slow-close', direction: 'upstream', params: { delayMs: 2000 } },
      { toxic: 'reset', direction: 'downstream', params: { ratio: 0.1 } },
      { toxic: 'bandwidth', direction: 'downstream', params: { bytesPerSecond: 1024 * 1024 } },
      { toxic: 'slow-close', direction: 'downstream', params: { delayMs: 2000 } },
    ]);
  });

  it.each(['', '  ', 'none', 'OFF'])('%j means no toxics', (raw) => {
    expect(parseNetwork(raw)).toEqual({ text: '', toxics: [] });
  });

  it.each([
    ['latency=abc', "latency takes a duration (100ms, 1.5s; a bare number is ms), got 'latency=abc'"],
    ['latency=100ms,warp=9', "unknown toxic key 'warp', got 'warp=9'"],
    ['latency', "each pair is key=value, got 'latency'"],
    ['reset-ratio=1.5', "reset-ratio takes a share from 0 to 1 (0.2 or 20%), got 'reset-ratio=1.5'"],
    ['slice=0', 'slice must be a whole number of bytes >= 1'],
    ['bandwidth=0', 'bandwidth must be at least 1 byte per second'],
    ['jitter=20ms', 'jitter needs latency on the upstream direction'],
    ['latency=10ms,jitter=20ms', 'jitter (20 ms) must not exceed latency (10 ms)'],
    ['latency=10ms,up.latency=20ms', "latency is given twice for the upstream direction, got 'up.latency=20ms'"],
    ['latency=10ms,,slice=4', 'an empty pair'],
    ['slice=4kbps', "slice takes a size (64, 512b, 4kb, 1mb; kb = 1024 bytes), got 'slice=4kbps'"],
  ])('refuses %j in one line that names the input and the accepted form', (raw, tail) => {
    let error: unknown;
    try {
      parseNetwork(raw);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    expect(message).not.toContain('\n');
    expect(message.startsWith(`'network' must be ${networkForm()}`)).toBe(true);
    expect(message).toContain(tail);
  });
});

describe('parseValue', () => {
  it.each([
    ['duration', '100ms', 100],
    ['duration', '100', 100],
    ['duration', '1.5s', 1500],
    ['duration', '.5s', 500],
    ['bytes', '64', 64],
    ['bytes', '4kb', 4096],
    ['bytes', '1MB', 1048576],
    ['rate', '64kb/s', 65536],
    ['ratio', '20%', 0.2],
    ['ratio', '1', 1],
  ] as const)('%s %j is %d', (kind, raw, value) => {
    expect(parseValue(kind, raw)).toBeCloseTo(value, 10);
  });

  it.each([
    ['duration', '-1ms'],
    ['duration', '1h'],
    ['bytes', '1e3'],
    ['ratio', '101%'],
    ['rate', ''],
  ] as const)('%s %j is not a value', (kind, raw) => {
    expect(parseValue(kind, raw)).toBeNull();
  });
});

describe('the target through the proxy', () => {
  const base = { headers: {}, subprotocols: [], connectTimeoutMs: 1000, closeTimeoutMs: 1000 };

  it('keeps a host name (certificate, SNI, Host header) and pins it to the proxy on 127.0.0.1', () => {
    const target = { ...base, url: 'wss://localhost:8443/socket?x=1', pinned: { address: '::1', family: 6 as const } };
    expect(upstreamOf(target)).toEqual({ host: '::1', port: 8443 });
    expect(proxiedTarget(target, { port: 5000 })).toEqual({
      ...base,
      url: 'wss://localhost:5000/socket?x=1',
      pinned: { address: '127.0.0.1', family: 4 },
    });
  });

  it('turns an IP literal into 127.0.0.1, where the proxy listens', () => {
    const target = { ...base, url: 'ws://[::1]:8080/' };
    expect(upstreamOf(target)).toEqual({ host: '::1', port: 8080 });
    expect(proxiedTarget(target, { port: 5000 })).toEqual({ ...base, url: 'ws://127.0.0.1:5000/' });
    expect(upstreamOf({ ...base, url: 'ws://127.0.0.1/' })).toEqual({ host: '127.0.0.1', port: 80 });
  });
});
