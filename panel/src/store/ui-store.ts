/**
 * What the user chose, apart from the data: the filter, the selected packet and session, the tab.
 * Its own zustand store so that typing in the filter never touches the model, and vice versa.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import { EMPTY_FILTER, type PacketFilter } from './filter.js';

export type Tab = 'packets' | 'socket' | 'rooms' | 'problems' | 'stats' | 'control' | 'timeline' | 'sequence';

/**
 * The time range the Timeline shows, shared with Stats. `live`: the range follows the newest
 * instant, keeping its length (`to - from`); otherwise it is fixed.
 */
export interface TimeWindow {
  from: number;
  to: number;
  live: boolean;
}

export interface SessionSelection {
  sid: string;
  /** The namespace for the socket view; undefined: the session's first. */
  nsp?: string;
  /** The session selected before, when the selection followed its client's reconnect to this one. */
  from?: string;
}

export interface UiState {
  filter: PacketFilter;
  /** Seq of the selected packet. */
  selectedSeq?: number;
  session?: SessionSelection;
  tab: Tab;
  /** Show every socket's own private room in the rooms view. */
  showOwnRooms: boolean;
  sidebarOpen: boolean;
  /** Problem kinds the user muted: the Problems view folds them away. */
  mutedKinds: readonly string[];
  /** Hide what the stream only guessed (attempt chips, inferred rooms). */
  hideGuesses: boolean;
  /** Set by the Timeline's zoom, pan and brush; undefined until the user moves it (Stats keeps its default). */
  timeWindow?: TimeWindow;

  setFilter(change: Partial<PacketFilter>): void;
  resetFilter(): void;
  selectPacket(seq: number | undefined): void;
  /** Selects a session (and filters the packets to it); `undefined` clears both. */
  selectSession(selection: SessionSelection | undefined): void;
  setTab(tab: Tab): void;
  setShowOwnRooms(show: boolean): void;
  setHideGuesses(hide: boolean): void;
  toggleSidebar(): void;
  toggleMutedKind(kind: string): void;
  setTimeWindow(window: TimeWindow | undefined): void;
}

export type UiStore = StoreApi<UiState>;

export function createUiStore(): UiStore {
  return createStore<UiState>()((set) => ({
    filter: EMPTY_FILTER,
    tab: 'packets',
    showOwnRooms: false,
    sidebarOpen: true,
    mutedKinds: [],
    hideGuesses: false,
    setFilter: (change) => set((s) => ({ filter: { ...s.filter, ...change } })),
    resetFilter: () => set((s) => ({ filter: { ...EMPTY_FILTER, heartbeats: s.filter.heartbeats } })),
    selectPacket: (seq) => set({ selectedSeq: seq }),
    selectSession: (selection) =>
      set((s) => ({
        session: selection,
        filter: { ...s.filter, sessionId: selection?.sid ?? '' },
      })),
    setTab: (tab) => set({ tab }),
    setShowOwnRooms: (show) => set({ showOwnRooms: show }),
    setHideGuesses: (hide) => set({ hideGuesses: hide }),
    toggleSidebar: () => set((s) => ({ sidebarOpen: !s.sidebarOpen })),
    setTimeWindow: (window) => set({ timeWindow: window }),
    toggleMutedKind: (kind) =>
      set((s) => ({
        mutedKinds: s.mutedKinds.includes(kind)
          ? s.mutedKinds.filter((k) => k !== kind)
          : [...s.mutedKinds, kind],
      })),
  }));
}
