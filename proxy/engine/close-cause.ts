/**
 * Names the end of an Engine.IO session in both vocabularies (socket.io-client's and the socket.io
 * server's), from what crossed the proxy: who closed first, how, and the heartbeat history. The wire
 * does not always say; where two server reasons look alike on the wire, the description says so.
 */
import type { EioVersion } from '../../shared/engineio.js';
import type { Leg } from '../../shared/events.js';

export type EndKind =
  /** An Engine.IO close packet (`1`). */
  | 'close-packet'
  /** A WebSocket closed with a close frame. */
  | 'clean'
  /** A WebSocket cut without a close frame (1006), or a reset. */
  | 'abnormal'
  /** The target refused a request of the session (HTTP status, e.g. 400 unknown sid, 413 too large). */
  | 'refused'
  /** The target could not be reached. */
  | 'unreachable'
  /** Nothing crossed for longer than the heartbeat allows. */
  | 'silence';

export interface SessionEnd {
  leg: Leg;
  kind: EndKind;
  /** WebSocket close code or HTTP status. */
  code?: number;
  transport: 'polling' | 'websocket';
}

export interface HeartbeatHistory {
  eio: EioVersion;
  pingInterval: number;
  pingTimeout: number;
  now: number;
  /** When the session opened: the clock of the first heartbeat starts there. */
  openedAt: number;
  /** When the last ping crossed, and whether its pong came back. */
  lastPingAt?: number;
  pongPending: boolean;
  /** The client's last message was a Socket.IO packet the server rejects. */
  sentInvalid: boolean;
  /** The target's last error answer to a request of the session. */
  refusal?: { code: number; at: number };
}

export interface EndReasons {
  clientReason: string;
  serverReason: string;
  description: string;
}

/** Slack for timers on both ends and the proxy's own latency. */
const SLACK_MS = 50;

export function reasonsFor(end: SessionEnd, hb: HeartbeatHistory): EndReasons {
  const sincePing = hb.now - (hb.lastPingAt ?? hb.openedAt);
  const heartbeatWindow = hb.pingInterval + hb.pingTimeout - SLACK_MS;

  if (end.leg === 'server') {
    if (hb.sentInvalid) {
      return both(
        'transport close',
        'parse error',
        'the target closed the session after an invalid packet from the client',
      );
    }
    // EIO4: the server pings and waits pingTimeout for the pong; EIO3: it waits for the client's ping.
    const serverTimedOut =
      hb.eio === 4 ? hb.pongPending && sincePing >= hb.pingTimeout - SLACK_MS : sincePing >= heartbeatWindow;
    if (serverTimedOut && end.kind !== 'abnormal' && end.kind !== 'unreachable') {
      return both('transport close', 'ping timeout', 'the client did not answer the heartbeat in time');
    }
    switch (end.kind) {
      case 'refused':
        if (end.code === 413) {
          return both(
            'transport error',
            'transport error',
            "a payload over the target's maxHttpBufferSize (HTTP 413)",
          );
        }
        return both(
          'transport error',
          'transport close',
          `the target refused a request of the session (HTTP ${end.code ?? '?'})`,
        );
      case 'unreachable':
        return both('transport error', 'transport error', 'the target could not be reached');
      case 'abnormal':
        return both(
          'transport close',
          'transport close',
          "the target's connection was cut (target stopped or crashed?)",
        );
      case 'clean':
        if (end.code === 1009) {
          return both(
            'transport close',
            'transport error',
            "a message over the target's maxHttpBufferSize (WebSocket 1009)",
          );
        }
        return both(
          'transport close',
          'forced server close',
          'the target closed the connection (socket.conn.close(), io.close() or a shutdown)',
        );
      default:
        return both(
          'transport close',
          'forced server close',
          'the target closed the connection (socket.conn.close(), io.close() or a shutdown)',
        );
    }
  }

  // A client gives up its transport right after an error answer ("xhr post error" on a 413).
  if (hb.refusal && hb.now - hb.refusal.at < 1000) {
    const what =
      hb.refusal.code === 413
        ? "a payload over the target's maxHttpBufferSize (HTTP 413)"
        : `HTTP ${hb.refusal.code}`;
    return both(
      'transport error',
      'transport close',
      `the target refused a request (${what}); the client gave up the transport`,
    );
  }
  const clientTimedOut =
    hb.eio === 4 ? sincePing >= heartbeatWindow : hb.pongPending && sincePing >= hb.pingTimeout - SLACK_MS;
  if (clientTimedOut && end.kind !== 'abnormal') {
    return both('ping timeout', 'transport close', 'the client heard no heartbeat in time and gave up');
  }
  switch (end.kind) {
    case 'close-packet':
    case 'clean':
      return both('forced close', 'transport close', 'the client closed its connection');
    case 'silence':
      return both(
        'transport close',
        'ping timeout',
        'nothing crossed the proxy for longer than the heartbeat allows',
      );
    default:
      return both(
        'transport close',
        'transport close',
        "the client's connection was cut (network lost, tab closed?)",
      );
  }
}

const both = (clientReason: string, serverReason: string, description: string): EndReasons => ({
  clientReason,
  serverReason,
  description,
});
