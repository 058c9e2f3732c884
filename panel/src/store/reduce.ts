/**
 * The panel's model and the one entry point that changes it: `applyEvents`, which runs each event
 * through the reducers (sessions, packets and acks, rooms, problems, stats) in that order, since the
 * later ones read what the earlier ones recorded (the session's client, its first close). Problems
 * are `problem` events, found by shared/analysis in the proxy or in the panel's source layer
 * (source/analysis.ts): the model only lists them.
 *
 * It also keeps the stream's cursor. A live source that reconnects is sent the proxy's history again:
 * events already applied (seq and time not beyond ours) are skipped. An event with a seq we have
 * passed but a later time means a new proxy process (seqs start at 1 again): the model starts over.
 */
import type { ProxyEvent } from '../../../shared/events.js';
import { linkAck } from './acks.js';
import { DEFAULT_PACKET_LIMITS, PacketStore, type PacketLimits } from './packet-store.js';
import { ProblemLog } from './problem-log.js';
import { reduceRoom, type RoomsState } from './rooms.js';
import { createSessionsState, reduceSessions, type SessionsState } from './sessions.js';
import { createStats, reduceStats, type StatsState } from './stats.js';

/** Distinct event names remembered for the filter's suggestions. */
const MAX_EVENT_NAMES = 500;

export interface PanelModel extends SessionsState {
  packets: PacketStore;
  rooms: RoomsState;
  problems: ProblemLog;
  stats: StatsState;
  /** What `dropped` events said: events this panel never got. */
  dropped: { events: number; notices: number; lastTs?: number };
  /** Namespaces and event names seen, for the filter's suggestions. */
  names: { namespaces: Set<string>; events: Set<string> };
  cursor: { lastSeq: number; lastTs: number; applied: number; skipped: number };
}

export function createModel(limits: PacketLimits = DEFAULT_PACKET_LIMITS): PanelModel {
  return {
    ...createSessionsState(),
    packets: new PacketStore(limits),
    rooms: new Map(),
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
}

export function applyEvents(model: PanelModel, events: readonly ProxyEvent[]): ApplyResult {
  const result: ApplyResult = { applied: 0, skipped: 0, restarted: false };
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
    }
    applyOne(model, e);
    model.cursor.lastSeq = e.seq;
    model.cursor.lastTs = Math.max(model.cursor.lastTs, e.ts);
    model.cursor.applied++;
    result.applied++;
  }
  return result;
}

function applyOne(model: PanelModel, e: ProxyEvent): void {
  reduceSessions(model, e);
  switch (e.type) {
    case 'packet':
      model.packets.add(e);
      if (e.sio) {
        model.names.namespaces.add(e.sio.nsp);
        if (e.sio.event !== undefined && model.names.events.size < MAX_EVENT_NAMES)
          model.names.events.add(e.sio.event);
      }
      break;
    case 'ack':
      linkAck(model.packets, e);
      break;
    case 'room':
      reduceRoom(model.rooms, e);
      break;
    case 'problem':
      model.problems.add(e);
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
}
