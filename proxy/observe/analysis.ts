/**
 * The problem detectors of shared/analysis on the proxy's bus: every event goes through them, and
 * the problems they find go back on the bus as `problem` events, so that the stream, its history,
 * `--record`, HAR export and `--log` all carry them.
 *
 * A problem is published after the bus has handed the event that raised it to every observer (a
 * microtask later), never from inside that dispatch: an emit from an observer would reach the
 * observers after this one before the event itself, out of seq order.
 */
import { Analyzer } from '../../shared/analysis/analyzer.js';
import type { ProblemReport } from '../../shared/analysis/detector.js';
import type { EventBus } from '../events/bus.js';

export interface Analysis {
  /** Stops analysing (problems already found are still published). */
  close(): void;
}

export function startAnalysis(bus: EventBus): Analysis {
  const outbox: ProblemReport[] = [];
  let scheduled = false;
  const publish = () => {
    scheduled = false;
    for (const p of outbox.splice(0)) bus.emit(p);
  };
  const analyzer = new Analyzer((problem) => {
    outbox.push(problem);
    if (scheduled) return;
    scheduled = true;
    queueMicrotask(publish);
  });
  const unsubscribe = bus.subscribe((e) => analyzer.observe(e));
  return {
    close: () => void unsubscribe(),
  };
}
