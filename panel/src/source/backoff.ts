/** Reconnect delays: doubling from `min` to `max`, with jitter so that many tabs do not retry in step. */
export interface BackoffOptions {
  min: number;
  max: number;
  /** 0.2: each delay is within ±20% of the nominal one. */
  jitter: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { min: 250, max: 10_000, jitter: 0.2 };

/** Delay before retry number `attempt` (0 for the first retry). */
export function backoffDelay(
  attempt: number,
  opts: BackoffOptions = DEFAULT_BACKOFF,
  random = Math.random,
): number {
  const nominal = Math.min(opts.max, opts.min * 2 ** Math.min(attempt, 30));
  return Math.round(nominal * (1 - opts.jitter + 2 * opts.jitter * random()));
}
