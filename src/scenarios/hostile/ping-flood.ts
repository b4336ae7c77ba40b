// ping-flood: hostile-pings pings written at once; the server answers the last, or protects itself by closing.

import { pingFrame } from '../../client/frames.js';
import { now } from '../../model/clock.js';
import { closedOrDropped, type FrameCase } from './case.js';
import { PROBE, reaction } from './reaction.js';

export const pingFlood: FrameCase = {
  id: 'ping-flood',
  kind: 'frame',
  title: 'burst of pings',
  expected: 'pong to the last ping, or a close or drop (flood protection) (section 5.5.3)',
  // ws drops a client with 60 pongs pending: protection from a flood, which is what the case probes for.
  matchesRfc: (o) => closedOrDropped(o) || (o.outcome === 'kept-open' && o.lastPongAnswered === true),
  async run(raw, { spec, timeoutMs, signal }) {
    const payloads = Array.from({ length: spec.pings }, (_, i) => Buffer.from(`flood-${i}`));
    const last = payloads[payloads.length - 1] ?? PROBE;
    const start = now();
    raw.write(Buffer.concat(payloads.map((p) => pingFrame(p))));
    const answered = (): boolean => raw.lastPong !== null && raw.lastPong.equals(last);
    await raw.waitUntil(() => raw.closeInfo !== null || raw.ended || answered(), timeoutMs, signal);
    return { ...reaction(raw, start), pings: spec.pings, pongs: raw.pongs, lastPongAnswered: answered() };
  },
};
