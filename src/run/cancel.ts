// SIGINT and SIGTERM during a run: tear down and report, for both faces (the action and the CLI).

/**
 * Runs `body` with an AbortSignal that SIGINT or SIGTERM aborts (a cancelled workflow sends SIGINT, then SIGTERM).
 * `onSignal` hears the first signal only; the handlers are removed on every path.
 */
export async function withCancelSignals<T>(
  onSignal: (signal: NodeJS.Signals) => void,
  body: (signal: AbortSignal) => Promise<T>,
): Promise<{ result: T; cancelledBy: NodeJS.Signals | null }> {
  const cancel = new AbortController();
  let cancelledBy: NodeJS.Signals | null = null;
  const handle = (signal: NodeJS.Signals): void => {
    if (cancelledBy) return;
    cancelledBy = signal;
    onSignal(signal);
    // The signal's name is the reason: the report says which one stopped the run.
    cancel.abort(signal);
  };
  process.on('SIGINT', handle);
  process.on('SIGTERM', handle);
  try {
    const result = await body(cancel.signal);
    return { result, cancelledBy };
  } finally {
    process.off('SIGINT', handle);
    process.off('SIGTERM', handle);
  }
}

/** The CLI's exit status after a cancel: 128 + the signal's number. */
export function cancelExitCode(signal: NodeJS.Signals): number {
  return signal === 'SIGINT' ? 130 : 143;
}
