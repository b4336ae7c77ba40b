// The one interface every toxic implements: a stage on one direction of one proxied connection.

/** Where a stage hands on what it lets through: the next stage, or the destination socket. */
export interface Sink {
  write(chunk: Buffer): void;
  /** The source sent FIN and everything before it was handed on. */
  end(): void;
}

export type Direction = 'upstream' | 'downstream';

/** What a stage may know and do beyond passing bytes. */
export interface ToxicContext {
  direction: Direction;
  /** Uniform in [0, 1); a parameter so unit tests can fix the dice. */
  random: () => number;
  /** Ends the whole connection with an RST on both sockets. */
  reset(reason: string): void;
}

/** One toxic on one direction of one connection: bytes in, bytes out (later, split, or not at all), in order. */
export interface ToxicStage {
  write(chunk: Buffer): void;
  /** The source sent FIN: pass it on after whatever the stage still holds. */
  end(): void;
  /** The connection is gone: drop what is held and clear every timer. */
  destroy(): void;
  /** Bytes it holds back now (a delaying toxic); the proxy stops reading the source while its toxics hold too much. */
  readonly heldBytes?: number;
}

/** Value kinds a `network` key accepts (see spec.ts for the forms). */
export type ValueKind = 'duration' | 'bytes' | 'rate' | 'ratio';

/**
 * A toxic: its `network` keys, how their values become its parameters, and how it builds a stage.
 * Adding one is one file plus one registry line (toxics/index.ts).
 */
export interface Toxic<P> {
  name: string;
  /** `network` keys this toxic reads, with the kind of value each takes; the first one switches it on. */
  keys: Readonly<Record<string, ValueKind>>;
  /** Directions it applies to when a key has no `up.` / `down.` prefix. */
  defaultDirections: readonly Direction[];
  /** Parameters from the parsed values of its keys; a string is an error message naming the key (the parser throws it). */
  params(values: Readonly<Record<string, number>>): P | string;
  create(params: P, next: Sink, context: ToxicContext): ToxicStage;
}
