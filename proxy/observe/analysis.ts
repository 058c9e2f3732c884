/**
 * The problem detectors of shared/analysis on the proxy's bus: every event goes through them, and
 * the problems they find go back on the bus as `problem` events, so that the stream, its history,
 * `--record`, HAR export and `--log` all carry them.
 *
 * A problem is published after the bus has handed the event that raised it to every observer (a
 * microtask later), never from inside that dispatch: an emit from an observer would reach the
 * observers after this one before the event itself, out of seq order.
 *
 * A timer ticks the analyzer too, so that what never comes (an ACK, an upgrade) is judged in a
 * session that has gone quiet; it does nothing per packet and does not keep the process alive.
 */
import { Analyzer } from '../../shared/analysis/analyzer.js';
import type { AnalysisOptions, ProblemReport } from '../../shared/analysis/detector.js';
import { allDetectors } from '../../shared/analysis/detectors/index.js';
import type { EventBus } from '../events/bus.js';

export interface Analysis {
  /** Stops analysing (problems already found are still published). */
  close(): void;
}

/** How often a quiet proxy's analyzer looks at the clock. */
const TICK_INTERVAL_MS = 500;

export function startAnalysis(bus: EventBus, options: Partial<AnalysisOptions> = {}): Analysis {
  const outbox: ProblemReport[] = [];
  let scheduled = false;
  const publish = () => {
    scheduled = false;
    for (const p of outbox.splice(0)) bus.emit(p);
  };
  const analyzer = new Analyzer(
    (problem) => {
      outbox.push(problem);
      if (scheduled) return;
      scheduled = true;
      queueMicrotask(publish);
    },
    allDetectors(),
    options,
  );
  const unsubscribe = bus.subscribe((e) => analyzer.observe(e));
  const timer = setInterval(() => analyzer.tick(Date.now()), TICK_INTERVAL_MS);
  timer.unref();
  return {
    close: () => {
      clearInterval(timer);
      unsubscribe();
    },
  };
}
