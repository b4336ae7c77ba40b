// The Faults section in words (pure): what the proxy injected, how the server handled dead peers and a slow consumer.

import { formatMb, formatMbDelta, formatMs } from '../model/format.js';
import type { Report } from '../model/report.js';

/** One sentence per part of the Faults section that ran; empty when none did. */
export function faultLines(report: Report): string[] {
  const faults = report.faults;
  if (!faults) return [];
  const lines: string[] = [];
  const n = faults.network;
  if (n) {
    const toxics = n.toxics.map(
      (t) =>
        `${t.toxic} ${t.direction} ${Object.entries(t.params)
          .map(([k, v]) => `${k}=${v}`)
          .join(' ')}`,
    );
    lines.push(`network: ${n.spec} (${toxics.join('; ')}), ${n.connections} connections through the proxy, ${n.resets} reset on purpose`);
  }
  const d = faults.deadPeers;
  if (d) {
    const limit = `${Math.round(d.timeoutMs / 1000)} s`;
    const reap = d.reapMs ? `, reaped after ${formatMs(d.reapMs.p50)} (p50) to ${formatMs(d.reapMs.max)} (max)` : '';
    const late = d.reapedLate && d.lateMs ? `; ${d.reapedLate} reaped late, after ${formatMs(d.lateMs.max)} at most` : '';
    const watched = `${Math.round((d.watchedMs ?? d.timeoutMs) / 1000)} s`;
    const open = d.stillOpen > 0 ? `; ${d.stillOpen} still open after ${watched}` : '';
    lines.push(`dead peers: ${d.silenced} of ${d.clients} clients went silent, ${d.reaped} reaped within ${limit}${reap}${late}${open}`);
  }
  const s = report.faults?.slowConsumer;
  if (s) {
    const reaction = s.serverClosed
      ? 'the server closed the slow client'
      : s.serverPausedReading
        ? 'the server stopped reading it'
        : 'the server kept reading and writing';
    const wrote = formatMb(s.serverBytesWhilePaused);
    lines.push(
      `slow consumer (${s.mode}): ${s.messagesSent} messages sent, the server wrote ${wrote} towards it while it did not read; ` +
        `${reaction}; memory ${formatMbDelta(s.memoryGrowthBytes)}`,
    );
  }
  return lines;
}
