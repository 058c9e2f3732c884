/**
 * The control slice: what the proxy holds and has armed (held packets, rules, faults) as the panel
 * last read it from the control API, the held packet selected for the keyboard, and the answer of
 * the last action (the proxy's error message, shown as it is). Its own small zustand store, written
 * only by the control driver (source/control-driver.ts), so the model's slices never wait on HTTP.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { EmitResult, Fault, HeldPacket, Rule, Unanswered } from '../source/control-client.js';
import type { Composition } from './recent-compositions.js';

/** The answer to the last thing the person asked the proxy to do. */
export interface ActionOutcome {
  /** What was asked, in words ("forward p1", "fault client-ping-timeout"). */
  what: string;
  ok: boolean;
  /** The proxy's error message (with its HTTP status), when not ok. */
  error?: string;
  status?: number;
}

export interface ComposeOutcome extends ActionOutcome {
  result?: EmitResult;
}

/** What the composer shows: prefilled from the selection, or from a packet by "Replay". */
export interface ComposeDraft {
  sessionId: string;
  nsp: string;
  direction: 'c2s' | 's2c';
  event: string;
  /** The args editor's text. */
  argsText: string;
  /** Bumped on every fill, so the composer takes the draft even when equal to the one before. */
  rev: number;
}

export interface ControlState {
  /** The source has a control API (a live sio-proxy). */
  available: boolean;
  /** Held packets, oldest first. */
  held: HeldPacket[];
  rules: Rule[];
  /** Lasting faults of the sessions asked about, by sid. */
  faults: Readonly<Record<string, Fault[]>>;
  targetFaults: Fault[];
  /** On a dashboard over Redis: proxies the lists above lack (gone, or no answer in time). */
  unanswered: Unanswered[];
  /** The held packet the keyboard acts on (its id); defaults to the oldest. */
  selectedHeld?: string;
  /** The held packet open in the editor. */
  editingHeld?: string;
  last?: ActionOutcome;
  compose?: ComposeOutcome;
  draft?: ComposeDraft;
  /** The composer's recent sends, newest first (persisted by the driver). */
  recent: Composition[];

  set(change: Partial<Omit<ControlState, 'set'>>): void;
}

export type ControlStore = StoreApi<ControlState>;

export function createControlStore(): ControlStore {
  return createStore<ControlState>()((set) => ({
    available: false,
    held: [],
    rules: [],
    faults: {},
    targetFaults: [],
    unanswered: [],
    recent: [],
    set: (change) => set(change),
  }));
}

/** The held packet the keyboard acts on: the selected one while it is held, else the oldest. */
export function selectedHeldPacket(s: ControlState): HeldPacket | undefined {
  return s.held.find((p) => p.id === s.selectedHeld) ?? s.held[0];
}
