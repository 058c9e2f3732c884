/**
 * Connects a source to the panel store: drops what is not an event, runs the problem detectors over
 * what the source does not analyse itself (analysis.ts), and coalesces the source's
 * batches (the proxy sends one every 20 ms, history in many) into at most one store update per
 * FLUSH_MS, so React renders per interval rather than per message. A timer, not
 * requestAnimationFrame, so events keep being taken in while the tab is in the background.
 */
import type { ProxyEvent } from '../../../shared/events.js';
import type { PanelStore } from '../store/panel-store.js';
import type { EventSource } from './event-source.js';
import { isEvent } from './parse-capture.js';
import { SourceAnalysis } from './analysis.js';

export const FLUSH_MS = 50;

/**
 * Starts `source` into `store` (emptying it first). Returns the function that stops it. `tap` sees
 * each batch as it arrives, before the store (the control driver's `intervention` events).
 */
export function attachSource(
  source: EventSource,
  store: PanelStore,
  tap?: (batch: readonly ProxyEvent[]) => void,
): () => void {
  let queue: ProxyEvent[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  let analysis: SourceAnalysis | undefined;

  const flush = () => {
    timer = undefined;
    const batch = queue;
    queue = [];
    if (!stopped) store.getState().ingest(batch);
  };

  store.getState().startSource(source.info);
  source.connect(
    (batch) => {
      if (stopped) return;
      tap?.(batch);
      analysis ??= new SourceAnalysis(source.problems ?? 'panel');
      for (const e of analysis.run(batch.filter(isEvent))) queue.push(e);
      timer ??= setTimeout(flush, FLUSH_MS);
    },
    (status) => {
      if (stopped) return;
      // Apply what is queued first, so the status never runs ahead of the events before it.
      if (queue.length) {
        clearTimeout(timer);
        flush();
      }
      store.getState().setStatus(status);
    },
  );
  return () => {
    stopped = true;
    clearTimeout(timer);
    source.close();
  };
}
