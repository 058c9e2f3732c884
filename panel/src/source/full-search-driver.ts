/**
 * Asks the source to run the text filter over the full payloads of cut packets (the panel holds a
 * 4 KB preview of each) and puts the answers into the panel store, where the filter reads them. An
 * adapter like adapter.ts: the views never call the source for this.
 *
 * It asks only when there is something to find: a valid text filter, cut packets held, and a source
 * that can search (the proxy; not a file, whose cut payloads are cut for good). A new text waits
 * DEBOUNCE_MS of quiet and cancels the request of the text before it, so the latest text wins. Cut
 * packets that arrive later are asked about in follow-up rounds over their seqs alone, at most one
 * every FOLLOW_MS. A failed search is not retried until the text changes.
 */
import { parseTextQuery } from '../../../shared/match/text.js';
import type { PanelStore } from '../store/panel-store.js';
import type { UiStore } from '../store/ui-store.js';
import type { EventSource } from './event-source.js';

export interface FullSearchTiming {
  debounceMs: number;
  followMs: number;
}

export const DEFAULT_SEARCH_TIMING: FullSearchTiming = { debounceMs: 250, followMs: 1000 };

/** Starts searching for `source` (when it can) as the filter and the packets change; returns the stop. */
export function attachFullSearch(
  source: EventSource,
  panel: PanelStore,
  ui: UiStore,
  timing: FullSearchTiming = DEFAULT_SEARCH_TIMING,
): () => void {
  if (!source.search) return () => {};
  const search = source.search.bind(source);
  let timer: ReturnType<typeof setTimeout> | undefined;
  let inflight: AbortController | undefined;
  let generation = -1;
  let rev = 0;

  const cancel = () => {
    clearTimeout(timer);
    timer = undefined;
    inflight?.abort();
    inflight = undefined;
  };

  const check = () => {
    const { model, search: current, setSearch } = panel.getState();
    const packets = model.packets;
    const text = ui.getState().filter.text.trim();
    const query = parseTextQuery(text);
    if (!query || 'error' in query || packets.truncated === 0) {
      cancel();
      if (current) setSearch(undefined);
      return;
    }
    if (current?.text !== text || packets.generation !== generation) {
      cancel();
      generation = packets.generation;
      setSearch({ text, state: 'searching', seqs: new Set(), throughSeq: 0, searched: 0, evicted: 0, rev });
      timer = setTimeout(round, timing.debounceMs);
      return;
    }
    if (current.state !== 'failed' && packets.lastTruncatedSeq > current.throughSeq && !timer && !inflight)
      timer = setTimeout(round, timing.followMs);
  };

  const round = () => {
    timer = undefined;
    const { model, search: current, setSearch } = panel.getState();
    if (!current) return;
    const from = Math.max(current.throughSeq + 1, model.packets.firstSeq);
    const to = model.packets.lastTruncatedSeq;
    if (to < from) return;
    const request = new AbortController();
    inflight = request;
    search({ text: current.text, from, to }, request.signal).then(
      (answer) => {
        if (inflight !== request || panel.getState().search !== current) return;
        inflight = undefined;
        const found = answer.seqs.length > 0;
        setSearch({
          ...current,
          state: 'done',
          seqs: found ? new Set([...current.seqs, ...answer.seqs]) : current.seqs,
          throughSeq: to,
          searched: current.searched + answer.searched,
          evicted: current.evicted + answer.evicted,
          rev: found ? ++rev : current.rev,
        });
        check(); // cut packets that came in meanwhile
      },
      (err: unknown) => {
        if (inflight !== request || panel.getState().search !== current) return;
        inflight = undefined;
        setSearch({ ...current, state: 'failed', error: (err as Error).message, throughSeq: to });
      },
    );
  };

  const offUi = ui.subscribe((s, prev) => {
    if (s.filter.text !== prev.filter.text) check();
  });
  const offPanel = panel.subscribe((s, prev) => {
    if (s.rev.packets !== prev.rev.packets) check();
  });
  check();
  return () => {
    offUi();
    offPanel();
    cancel();
  };
}
