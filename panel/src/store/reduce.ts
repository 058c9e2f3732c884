/**
 * The panel's model and the one entry point that changes it: `applyEvents`, which runs each event
 * through the reducers (sessions, packets and acks, rooms, problems, stats) in that order, since the
 * later ones read what the earlier ones recorded (the session's client, its first close). Problems
 * are `problem` events, found by shared/analysis in the proxy or in the panel's source layer
 * (source/analysis.ts): the model only lists them.
 *
 * It also says which slices of the model a batch changed (slices.ts), for the store's revisions, and
 * keeps the stream's cursor. A live source that reconnects is sent the proxy's history again:
 * events already applied (seq and time not beyond ours) are skipped. An event with a seq we have
 * passed but a later time means a new proxy process (seqs start at 1 again): the model starts over.
 */
import type { ProxyEvent, SamplingEvent } from '../../../shared/events.js';
import { linkAck } from './acks.js';
import { DEFAULT_PACKET_LIMITS, PacketStore, type PacketLimits } from './packet-store.js';
import { ProblemLog } from './problem-log.js';
import { RoomHistory } from './room-history.js';
import { reduceRoom, roomKey, type RoomsState } from './rooms.js';
import { createSessionsState, reduceSessions, type SessionsState } from './sessions.js';
import { ALL_SLICES, SLICE_BIT } from './slices.js';
import { createStats, reduceStats, type StatsState } from './stats.js';

/** Distinct event names remembered for the filter's suggestions. */
const MAX_EVENT_NAMES = 500;

export interface PanelModel extends SessionsState {
  packets: PacketStore;
  rooms: RoomsState;
  /** Every join and leave, for the rooms over time (part of the rooms slice). */
  roomHistory: RoomHistory;
  problems: ProblemLog;
  stats: StatsState;
  /** What `dropped` events said: events this panel never got. */
  dropped: { events: number; notices: number; lastTs?: number };
  /** The proxy's last `sampling` notice: packet events left out of the stream under overload. */
  sampling?: SamplingEvent;
  /** Namespaces and event names seen, for the filter's suggestions. */
  names: { namespaces: Set<string>; events: Set<string> };
  cursor: { lastSeq: number; lastTs: number; applied: number; skipped: number };
}

export function createModel(limits: PacketLimits = DEFAULT_PACKET_LIMITS): PanelModel {
  return {
    ...createSessionsState(),
    packets: new PacketStore(limits),
    rooms: new Map(),
    roomHistory: new RoomHistory(),
    problems: new ProblemLog(),
    stats: createStats(),
    dropped: { events: 0, notices: 0 },
    names: { namespaces: new Set(), events: new Set() },
    cursor: { lastSeq: 0, lastTs: -Infinity, applied: 0, skipped: 0 },
  };
}

/** Empties the model in place (a new source, or the proxy restarted). */
export function resetModel(model: PanelModel): void {
  const fresh = createModel(model.packets.limits);
  model.packets.clear(); // keeps the store's identity and bumps its generation for the views
  Object.assign(model, { ...fresh, packets: model.packets });
}

export interface ApplyResult {
  applied: number;
  skipped: number;
  /** The stream started over (a new proxy process): the model was reset first. */
  restarted: boolean;
  /** The slices changed, as a mask of SLICE_BIT (all of them after a restart). */
  changed: number;
}

export function applyEvents(model: PanelModel, events: readonly ProxyEvent[]): ApplyResult {
  const result: ApplyResult = { applied: 0, skipped: 0, restarted: false, changed: 0 };
  const problemsBefore = model.problems.version;
  for (const e of events) {
    const { cursor } = model;
    if (e.seq <= cursor.lastSeq) {
      if (e.ts <= cursor.lastTs) {
        cursor.skipped++;
        result.skipped++;
        continue;
      }
      resetModel(model);
      result.restarted = true;
      result.changed = ALL_SLICES;
    }
    result.changed |= applyOne(model, e);
    model.cursor.lastSeq = e.seq;
    model.cursor.lastTs = Math.max(model.cursor.lastTs, e.ts);
    model.cursor.applied++;
    result.applied++;
  }
  if (model.problems.version !== problemsBefore) result.changed |= SLICE_BIT.problems;
  return result;
}

/** Applies `e`; returns the slices it changed but problems (the batch compares the log's version). */
function applyOne(model: PanelModel, e: ProxyEvent): number {
  // Stats and the panel's counters (cursor, dropped) change with every event.
  let changed = SLICE_BIT.stats;
  if (reduceSessions(model, e)) changed |= SLICE_BIT.sessions;
  switch (e.type) {
    case 'packet':
      changed |= SLICE_BIT.packets;
      model.packets.add(e);
      if (e.sio) {
        model.names.namespaces.add(e.sio.nsp);
        if (e.sio.event !== undefined && model.names.events.size < MAX_EVENT_NAMES)
          model.names.events.add(e.sio.event);
      }
      break;
    case 'ack':
      changed |= SLICE_BIT.packets;
      linkAck(model.packets, e);
      break;
    case 'room':
      changed |= SLICE_BIT.rooms;
      model.roomHistory.record(model.rooms.get(roomKey(e.source, e.nsp, e.room)), e);
      reduceRoom(model.rooms, e);
      break;
    case 'problem':
      model.problems.add(e);
      break;
    case 'sampling':
      model.sampling = e;
      break;
    case 'dropped':
      model.dropped = {
        events: model.dropped.events + e.count,
        notices: model.dropped.notices + 1,
        lastTs: e.ts,
      };
      break;
    default:
      break;
  }
  reduceStats(model.stats, e, model.sessions);
  return changed;
}
