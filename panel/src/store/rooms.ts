/**
 * Rooms, from `room` events. With @socket.io/admin-ui they are facts: `join`/`leave` of one socket.
 * Inferred from broadcasts they are guesses: each `group` event carries the whole member set (the
 * proxy republishes a group with fewer members when one leaves), so it replaces what was known.
 * A room left empty is forgotten, as Socket.IO forgets it. In a cluster, admin-ui memberships carry
 * the node of their session, kept per member.
 */
import type { RoomEvent } from '../../../shared/events.js';
import type { RoomView } from './model.js';

export type RoomsState = Map<string, RoomView>;

export const roomKey = (source: string, nsp: string, room: string): string =>
  `${source}\u0000${nsp}\u0000${room}`;

export function reduceRoom(rooms: RoomsState, e: RoomEvent): void {
  const key = roomKey(e.source, e.nsp, e.room);
  const prior = rooms.get(key);
  let members: readonly string[];
  let memberNodes = prior?.memberNodes;
  if (e.action === 'group') {
    members = e.members ?? [];
  } else {
    const member = e.socketId ?? e.sessionId;
    if (member === undefined) return;
    const current = prior?.members ?? [];
    members =
      e.action === 'join'
        ? current.includes(member)
          ? current
          : [...current, member]
        : current.filter((m) => m !== member);
    if (e.action === 'join' && e.node) memberNodes = { ...memberNodes, [member]: e.node };
    else if (e.action === 'leave' && memberNodes?.[member] !== undefined) {
      const { [member]: _gone, ...rest } = memberNodes;
      memberNodes = rest;
    }
  }
  if (members.length === 0) {
    rooms.delete(key);
    return;
  }
  rooms.set(key, {
    key,
    nsp: e.nsp,
    room: e.room,
    source: e.source,
    own: e.own ?? prior?.own ?? false,
    members,
    memberKind: e.action === 'group' || e.socketId === undefined ? 'session' : 'socket',
    ...(memberNodes && Object.keys(memberNodes).length ? { memberNodes } : {}),
    updatedAt: e.ts,
  });
}
