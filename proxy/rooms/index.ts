/**
 * The two sources of room membership, wired for the CLI: rooms guessed from broadcasts (always on)
 * and, with `--admin-ui`, the rooms @socket.io/admin-ui reports. Each part can also be built alone
 * (InferredRooms, AdminUiSource, SessionIndex) with a bus, a URL and a session lookup.
 */
import type { EventBus } from '../events/bus.js';
import type { Logger } from '../log.js';
import { AdminUiSource, adminUiUrl, SessionIndex } from './admin-ui-source.js';
import { InferredRooms } from './inferred-rooms.js';

export { AdminUiSource, adminUiUrl, SessionIndex } from './admin-ui-source.js';
export { InferredRooms } from './inferred-rooms.js';

export interface RoomSourcesOptions {
  bus: EventBus;
  target: URL;
  /** The other nodes of a cluster (several targets): admin-ui there too, and `node` on room events. */
  otherNodes?: URL[];
  /** Engine.IO sids of the live sessions (for sessions that began before the index listened). */
  sessionIds: () => Iterable<string>;
  /** `--admin-ui`: undefined leaves admin-ui out; '' is the target's `/admin`. */
  adminUi: string | undefined;
  adminAuth: { username: string; password: string } | undefined;
  /** `--insecure`: do not verify an https target's certificate. */
  insecure?: boolean;
  /** The target's Engine.IO path. */
  path?: string;
  log: Logger;
}

export interface RoomSources {
  inferred: InferredRooms;
  admin: AdminUiSource | undefined;
  close(): void;
}

export function startRoomSources(opts: RoomSourcesOptions): RoomSources {
  const inferred = new InferredRooms(opts.bus);
  let index: SessionIndex | undefined;
  let admin: AdminUiSource | undefined;
  if (opts.adminUi !== undefined) {
    try {
      const url = adminUiUrl(opts.adminUi, opts.target);
      const others = opts.otherNodes ?? [];
      // A URL of its own names one server; '' or a path is on the target, so on each of its nodes.
      const onTarget = opts.adminUi === '' || opts.adminUi.startsWith('/');
      index = new SessionIndex(opts.bus, opts.sessionIds);
      admin = new AdminUiSource({
        bus: opts.bus,
        url,
        ...(onTarget && others.length ? { alternates: others.map((n) => adminUiUrl(opts.adminUi!, n)) } : {}),
        ...(others.length ? { nodeOf: index.nodeOf } : {}),
        ...(opts.path ? { path: opts.path } : {}),
        ...(opts.adminAuth ? { auth: opts.adminAuth } : {}),
        insecure: !!opts.insecure,
        lookup: index.lookup,
        log: opts.log,
      }).start();
    } catch (err) {
      opts.log.warn(`admin-ui: ${(err as Error).message}; rooms come from broadcasts only`);
    }
  }
  return {
    inferred,
    admin,
    close() {
      admin?.close();
      index?.close();
      inferred.close();
    },
  };
}
