/**
 * The clock of every event's `ts`: epoch milliseconds with the sub-millisecond part of the monotonic
 * clock. One function, so that the wire's arrival stamps (websocket-wire.ts) and the bus's own stamps
 * are on the same clock and can be compared and subtracted.
 */
import { performance } from 'node:perf_hooks';

export function eventClock(): number {
  return performance.timeOrigin + performance.now();
}
