/**
 * A value that a view adopts at most once every `ms` while it keeps changing: the first change after
 * a quiet spell shows at once, later ones wait for the pace (the last one always lands). `urgent`
 * changes skip the wait.
 *
 * For views a flood would otherwise redo on every store batch (20 a second) for nobody to read. A
 * dashboard opened on 10,000 live sessions takes in the proxy's 100,000-event history and 800
 * heartbeats a second: the packet table's tail moved, and the sidebar's rows were laid out again (a
 * heartbeat of a session whose start had left the history adds it), on every batch, and the sidebar
 * scrolled at 67 ms frames at p95 (33 ms is the target, issue #15; 33.3 ms paced).
 */
import { useEffect, useReducer, useRef } from 'react';

/** The fastest pace: four moves a second. */
export const PACE_MS = 250;

export function usePaced<T>(value: T, ms = PACE_MS, urgent?: (shown: T, next: T) => boolean): T {
  // Derived during render rather than in an effect, which would render every batch twice. The ref
  // is written in render, but always to the same result for the same inputs and time.
  const held = useRef({ value, at: -Infinity, due: false });
  const [woken, wake] = useReducer((n: number) => n + 1, 0);
  const h = held.current;
  if (!Object.is(value, h.value)) {
    const now = performance.now();
    if (urgent?.(h.value, value)) {
      h.value = value;
      h.due = false;
    }
    // `due`: the timer for the pace fired. Its delay is rounded to whole milliseconds, so it may run
    // a fraction of one before `ms` has passed by performance.now(); the value must land then
    // anyway, or a list that stops changing would stay behind until its next change.
    else if (h.due || now - h.at >= ms) held.current = { value, at: now, due: false };
  }
  const shown = held.current.value;
  const behind = !Object.is(shown, value);
  useEffect(() => {
    if (!behind) return;
    const t = setTimeout(
      () => {
        held.current.due = true;
        wake();
      },
      Math.max(0, Math.ceil(held.current.at + ms - performance.now())),
    );
    return () => clearTimeout(t);
    // `woken`: a wake that did not land the value (it changed meanwhile, urgently) sets a new timer.
  }, [behind, shown, ms, woken]);
  return shown;
}
