/**
 * A transport of one session as the proxy carries it: engine.io's `Transport`, seen from the middle.
 * The relays create links (they hold the connections); the session owns them and reads through them
 * whether it is alive and which transport is in use.
 *
 * Today both links relay bytes untouched: the polling link forwards each request and answer as they
 * come, the WebSocket link pipes the two TCP streams (zero copy, backpressure by the pipe) and
 * observes copies. Neither can put a packet on the wire of its own, so a session answers "may I send
 * now?" with no.
 *
 * Seam for intervention (issue #11), on purpose not stubbed here:
 * - A terminated, frame-aware WebSocket link (both legs ended by the proxy: per-leg compression
 *   contexts, re-masking, the original fragmentation kept when a message is unchanged) and a polling
 *   link that answers polls for itself. They implement this interface plus a `send(direction, packet)`
 *   and a `writable` flag, and are chosen per session where the links are created: at the handshake
 *   (PollingRelay.openSession) or at the 101 (WebSocketRelay.handle), when a hook is armed for it.
 * - The hook point `onPacket -> pass | drop | replace | delay | hold` belongs in those links, before
 *   they write a packet to the other leg. The default links never call it, so a session nothing is
 *   armed for pays nothing per packet: its bytes go on the pipe as now, and `Session.observe` keeps
 *   reporting them after the fact.
 */
import type { Direction, TransportName } from '../../shared/events.js';
import type { Session } from './session.js';
import type { LinkHooks } from './websocket-wire.js';

export interface Link {
  readonly transport: TransportName;
  /** A request or connection of this link is open: its session is alive whatever the clock says. */
  readonly busy: boolean;
}

/** A link intervention can act on: `WebSocketLink` (a WebSocketWire) or `PollingLink` (a PollingWire). */
export interface InterceptedLink extends Link {
  readonly owner: Session | undefined;
  readonly wire:
    | {
        /** Every later packet passes `hooks`; resolves once the wire has switched. */
        terminate(hooks: LinkHooks): Promise<void>;
        /** A packet of the proxy's own, in its WebSocket-frame form (polling: resolves with its seq once sent). */
        inject(direction: Direction, data: Buffer | string, isBinary?: boolean): unknown;
        pause(): void;
        resume(): void;
      }
    | undefined;
  /** The seq of the last packet event the link reported. */
  readonly lastSeq: number;
}
