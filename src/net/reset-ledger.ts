// Which connections the fault proxy reset on purpose, by the gate client's local port, until the client asks:
// one flag per port in shared memory, so a proxy on a worker thread and the clients on the gate's thread read
// the same ledger without a round trip.

const PORTS = 65536;

export class ResetLedger {
  private readonly flags: Uint8Array;

  /** A fresh ledger, or one over the memory of another (the proxy thread's, handed over as `buffer`). */
  constructor(readonly buffer: SharedArrayBuffer = new SharedArrayBuffer(PORTS)) {
    this.flags = new Uint8Array(buffer);
  }

  /** The proxy is about to reset this port's connection: noted before the RST goes out, so the client finds it. */
  mark(port: number): void {
    if (inRange(port)) Atomics.store(this.flags, port, 1);
  }

  /** A port seen again belongs to a new connection: an old reset nobody asked about is not this one's. */
  clear(port: number): void {
    if (inRange(port)) Atomics.store(this.flags, port, 0);
  }

  /** True (once) when this port's connection was reset on purpose. */
  take(port: number): boolean {
    return inRange(port) && Atomics.exchange(this.flags, port, 0) === 1;
  }
}

function inRange(port: number): boolean {
  return Number.isInteger(port) && port > 0 && port < PORTS;
}
