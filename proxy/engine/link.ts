/**
 * A transport of one session as the proxy carries it: engine.io's `Transport`, seen from the middle.
 * The relays create links (they hold the connections); the session owns them and reads through them
 * whether it is alive and which transport is in use.
 *
 * Both links relay as they came by default: the polling link's requests are forwarded one to one,
 * the WebSocket link pipes the two TCP streams (zero copy, backpressure by the pipe) and observes
 * copies; `Session.observe` reports packets after the fact, so a session nothing is armed for pays
 * nothing per packet. Intervention (proxy/intervene) terminates a link's wire (WebSocketWire,
 * PollingWire) when something is armed for its session: from then on every packet passes the
 * hooks (`pass | drop | replace`, or a promise that holds it and the later ones) before the wire
 * writes it to the other leg, and the wire can send packets of the proxy's own.
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
        /** WebSocket only: piped while `hooks.admits` lets each message by (websocket-wire.ts). */
        watch?(hooks: LinkHooks): void;
        /** A packet of the proxy's own, in its WebSocket-frame form (polling: resolves with its seq once sent). */
        inject(direction: Direction, data: Buffer | string, isBinary?: boolean): unknown;
        pause(): void;
        resume(): void;
      }
    | undefined;
  /** The seq of the last packet event the link reported. */
  readonly lastSeq: number;
}
