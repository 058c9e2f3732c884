/**
 * The panel's zustand store (vanilla: no React here, so the tests run it in Node). It holds the
 * model, which source feeds it and that source's status, and pause/resume: while paused, incoming
 * events wait in a buffer (pause-buffer.ts) and are applied, in order, on resume. Nothing is lost,
 * and the buffer is bounded: past MAX_BUFFERED events the panel resumes by itself rather than grow
 * without limit.
 *
 * The model is mutated in place by `applyEvents` (see reduce.ts); after each batch the revisions of
 * the slices it changed are bumped (slices.ts), once per batch, so that a view re-renders when what
 * it reads changed and only then. What the source found in the full payloads of cut packets
 * (`search`, full-search.ts) is replaced whole instead: it belongs to the packets held, so it goes
 * when they do (a new source, a restarted proxy).
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { ProxyEvent } from '../../../shared/events.js';
import type { FullSearch } from './full-search.js';
import type { PacketLimits } from './packet-store.js';
import { NOTHING_WAITING, PauseBuffer, type Waiting } from './pause-buffer.js';
import { applyEvents, createModel, resetModel, type PanelModel } from './reduce.js';
import { ALL_SLICES, bumpRevisions, INITIAL_REVISIONS, type Revisions } from './slices.js';
import type { SourceInfo, SourceStatus } from '../source/event-source.js';

export type { SourceInfo, SourceStatus };

export const MAX_BUFFERED = 500_000;

export interface PanelState {
  model: PanelModel;
  /** One revision per slice of the model, bumped after every batch that changed it. */
  rev: Revisions;
  paused: boolean;
  /** What waits to be applied on resume. */
  waiting: Waiting;
  /** The panel resumed by itself because the buffer was full. */
  autoResumed: boolean;
  source: SourceInfo;
  status: SourceStatus;
  /** How many times the stream started over (a new proxy process). */
  restarts: number;
  /** The text filter's answer from the full payloads of cut packets, when the source has one. */
  search: FullSearch | undefined;

  /** Applies `events`, or holds them while paused (the store keeps the array: do not change it after). */
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
  const buffer = new PauseBuffer();
  return createStore<PanelState>()((set, get) => {
    /** Applies the batches in order; returns the state to set with it (one update for them all). */
    const apply = (batches: readonly (readonly ProxyEvent[])[]): Partial<PanelState> => {
      const { model, rev, restarts } = get();
      let changed = 0;
      let restarted = 0;
      for (const events of batches) {
        const r = applyEvents(model, events);
        changed |= r.changed;
        if (r.restarted) restarted++;
      }
      if (restarted)
        return { rev: bumpRevisions(rev, changed), restarts: restarts + restarted, search: undefined };
      return changed ? { rev: bumpRevisions(rev, changed) } : {};
    };
    const unpause = { paused: false, waiting: NOTHING_WAITING, autoResumed: false };

    return {
      model: createModel(opts.limits),
      rev: INITIAL_REVISIONS,
      paused: false,
      waiting: NOTHING_WAITING,
      autoResumed: false,
      source: { kind: 'none', label: 'no source' },
      status: { state: 'connecting', since: Date.now() },
      restarts: 0,
      search: undefined,

      ingest(events) {
        if (events.length === 0) return;
        if (!get().paused) {
          const next = apply([events]);
          if (next.rev) set(next); // nothing new (a reconnect's history again): nothing to tell the views
          return;
        }
        if (get().waiting.events + events.length > maxBuffered) {
          const batches = buffer.take();
          batches.push(events);
          return set({ ...unpause, autoResumed: true, ...apply(batches) });
        }
        buffer.push(events);
        set({ waiting: buffer.waiting });
      },

      pause() {
        if (!get().paused) set({ paused: true, autoResumed: false });
      },

      resume() {
        set({ ...unpause, ...apply(buffer.take()) });
      },

      setStatus(status) {
        set({ status });
      },

      startSource(source) {
        const { model, rev } = get();
        resetModel(model);
        buffer.clear();
        set({
          ...unpause,
          source,
          rev: bumpRevisions(rev, ALL_SLICES),
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
