/**
 * Room membership as it changed, for the rooms-over-time view: each join and leave with its time and
 * source, recorded from the `room` events before rooms.ts applies them (an inferred `group` event
 * carries the whole member set: the changes are its difference from what was known). Bounded: the
 * oldest changes go first, and the view says from when it knows.
 */
import type { RoomEvent, RoomSource } from '../../../shared/events.js';
import type { RoomView } from './model.js';
import { roomKey } from './rooms.js';

export const MAX_ROOM_CHANGES = 50_000;

export interface RoomChange {
  ts: number;
  seq: number;
  /** The room's key in the rooms slice (source, namespace, name). */
  key: string;
  nsp: string;
  room: string;
  source: RoomSource;
  own: boolean;
  /** A socket id (admin-ui) or an Engine.IO session id (inferred groups). */
  member: string;
  memberKind: 'socket' | 'session';
  action: 'join' | 'leave';
}

export class RoomHistory {
  changes: RoomChange[] = [];
  /** Changes dropped to stay within MAX_ROOM_CHANGES. */
  dropped = 0;

  /** Records what `e` changes, given the room as it was before (`prior`). */
  record(prior: RoomView | undefined, e: RoomEvent): void {
    const key = roomKey(e.source, e.nsp, e.room);
    const before = prior?.members ?? [];
    const base = {
      ts: e.ts,
      seq: e.seq,
      key,
      nsp: e.nsp,
      room: e.room,
      source: e.source,
      own: e.own ?? prior?.own ?? false,
    };
    if (e.action === 'group') {
      const after = e.members ?? [];
      for (const m of after)
        if (!before.includes(m)) this.push({ ...base, member: m, memberKind: 'session', action: 'join' });
      for (const m of before)
        if (!after.includes(m)) this.push({ ...base, member: m, memberKind: 'session', action: 'leave' });
      return;
    }
    const member = e.socketId ?? e.sessionId;
    if (member === undefined) return;
    const isIn = before.includes(member);
    if ((e.action === 'join') === isIn) return; // nothing changes
    this.push({
      ...base,
      member,
      memberKind: e.socketId === undefined ? 'session' : 'socket',
      action: e.action,
    });
  }

  private push(change: RoomChange): void {
    this.changes.push(change);
    if (this.changes.length > MAX_ROOM_CHANGES) {
      const over = this.changes.length - MAX_ROOM_CHANGES;
      this.changes.splice(0, over);
      this.dropped += over;
    }
  }
}
