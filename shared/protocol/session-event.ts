/**
 * The `session` event of a session read from its client side (in-page capture, HAR import): what the
 * handshake request and the open packet say. The proxy builds its own from the request it answered
 * (proxy/engine/session.ts) with the same open values.
 */
import type { HandshakeInfo, SessionEvent, TransportName } from '../events.js';
import type { EioVersion, OpenHandshake } from './engine-codec.js';

/** The open packet's values as events carry them, without the upgrades a proxy hid. */
export function openValues(open: OpenHandshake, hidden: readonly string[] = []): SessionEvent['open'] {
  return {
    pingInterval: open.pingInterval,
    pingTimeout: open.pingTimeout,
    upgrades: open.upgrades.filter((u) => !hidden.includes(u)),
    ...(open.maxPayload !== undefined ? { maxPayload: open.maxPayload } : {}),
  };
}

export interface ObservedHandshake {
  sid: string;
  clientKey: string;
  eio: EioVersion;
  transport: TransportName;
  /** The handshake request's absolute URL. */
  url: URL;
  open: OpenHandshake;
  /** What the observer knows of `socket.handshake` (no client address from the client side). */
  handshake: Omit<HandshakeInfo, 'address' | 'secure' | 'time'>;
}

export function observedSessionEvent(h: ObservedHandshake): Omit<SessionEvent, 'seq' | 'ts'> {
  const secure = h.url.protocol === 'https:' || h.url.protocol === 'wss:';
  return {
    type: 'session',
    sessionId: h.sid,
    clientKey: h.clientKey,
    eio: h.eio,
    transport: h.transport,
    // What the client talked to (the proxy, or the app itself).
    target: `${secure ? 'https' : 'http'}://${h.url.host}`,
    // The client's own address is known to the server only.
    handshake: { ...h.handshake, address: '', secure, time: new Date(h.handshake.issued).toString() },
    open: openValues(h.open),
    hiddenUpgrades: [],
  };
}
