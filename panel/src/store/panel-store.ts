/**
 * The panel's zustand store (vanilla: no React here, so the tests run it in Node). It holds the
 * model, which source feeds it and that source's status, and pause/resume: while paused, incoming
 * events wait in a buffer and are applied, in order, on resume. Nothing is lost, and the buffer is
 * bounded: past MAX_BUFFERED events the panel resumes by itself rather than grow without limit.
 *
 * The model is mutated in place by `applyEvents` (see reduce.ts); `version` is bumped after each
 * batch so that subscribers re-render once per batch. What the source found in the full payloads of
 * cut packets (`search`, full-search.ts) is replaced whole instead: it belongs to the packets held,
 * so it goes when they do (a new source, a restarted proxy).
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { ProxyEvent } from '../../../shared/events.js';
import type { FullSearch } from './full-search.js';
import { applyEvents, createModel, resetModel, type PanelModel } from './reduce.js';
import type { PacketLimits } from './packet-store.js';
import type { SourceInfo, SourceStatus } from '../source/event-source.js';

export type { SourceInfo, SourceStatus };

export const MAX_BUFFERED = 500_000;

export interface PanelState {
  model: PanelModel;
  /** Bumped after every change of the model. */
  version: number;
  paused: boolean;
  /** Events received while paused, applied on resume. */
  buffered: ProxyEvent[];
  /** The panel resumed by itself because the buffer was full. */
  autoResumed: boolean;
  source: SourceInfo;
  status: SourceStatus;
  /** How many times the stream started over (a new proxy process). */
  restarts: number;
  /** The text filter's answer from the full payloads of cut packets, when the source has one. */
  search: FullSearch | undefined;

  ingest(events: readonly ProxyEvent[]): void;
  pause(): void;
  resume(): void;
  setStatus(status: SourceStatus): void;
  /** A new source: empties the model. */
  startSource(source: SourceInfo): void;
  setSearch(search: FullSearch | undefined): void;
}

export type PanelStore = StoreApi<PanelState>;

export interface PanelStoreOptions {
  limits?: PacketLimits;
  /** Events held while paused before the panel resumes by itself (default MAX_BUFFERED). */
  maxBuffered?: number;
}

export function createPanelStore(opts: PanelStoreOptions = {}): PanelStore {
  const maxBuffered = opts.maxBuffered ?? MAX_BUFFERED;
  return createStore<PanelState>()((set, get) => {
    const apply = (events: readonly ProxyEvent[]) => {
      const { model, version, restarts } = get();
      const r = applyEvents(model, events);
      if (r.applied === 0 && !r.restarted) return;
      if (r.restarted) set({ version: version + 1, restarts: restarts + 1, search: undefined });
      else set({ version: version + 1 });
    };
    return {
      model: createModel(opts.limits),
      version: 0,
      paused: false,
      buffered: [],
      autoResumed: false,
      source: { kind: 'none', label: 'no source' },
      status: { state: 'connecting', since: Date.now() },
      restarts: 0,
      search: undefined,

      ingest(events) {
        if (events.length === 0) return;
        const { paused, buffered } = get();
        if (!paused) return apply(events);
        const next = buffered.concat(events);
        if (next.length > maxBuffered) {
          set({ paused: false, buffered: [], autoResumed: true });
          return apply(next);
        }
        set({ buffered: next });
      },

      pause() {
        if (!get().paused) set({ paused: true, autoResumed: false });
      },

      resume() {
        const { buffered } = get();
        set({ paused: false, buffered: [], autoResumed: false });
        if (buffered.length) apply(buffered);
      },

      setStatus(status) {
        set({ status });
      },

      startSource(source) {
        const { model, version } = get();
        resetModel(model);
        set({
          source,
          version: version + 1,
          paused: false,
          buffered: [],
          autoResumed: false,
          restarts: 0,
          search: undefined,
          status: { state: 'connecting', since: Date.now() },
        });
      },

      setSearch(search) {
        set({ search });
      },
    };
  });
}
