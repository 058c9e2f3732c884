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
  | 'silence'
  /** The client left a polling request before its answer (engine.io then ends the session). */
  | 'abandoned';

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
  /** The target's last error answer to a request of the session (`size`: of a cut request's body). */
  refusal?: { code: number; at: number; size?: number };
  /** When the client last had two requests of a kind in flight (engine.io: "overlap from client"). */
  overlapAt?: number;
}

/** The `refusal` code of a request whose connection the target cut instead of answering. */
export const CUT_REQUEST = 0;

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

  // No request waits and nothing crossed for longer than the heartbeat allows: the last ping went
  // unanswered, so each side gave up on its own timer (a client whose network is gone included).
  if (end.kind === 'silence') {
    return both(
      'ping timeout',
      'ping timeout',
      'nothing crossed the proxy for longer than the heartbeat allows (network lost?)',
    );
  }

  if (end.leg === 'server') {
    if (hb.sentInvalid) {
      return both(
        'transport close',
        'parse error',
        'the target closed the session after an invalid packet from the client',
      );
    }
    const cut = recentCut(hb);
    if (cut && end.kind === 'close-packet') return both('transport close', cut.serverReason, cut.description);
    if (hb.overlapAt !== undefined && hb.now - hb.overlapAt < 1000 && end.kind !== 'unreachable') {
      return both(
        'transport close',
        'transport error',
        'the client had two polling requests of a kind in flight: engine.io answers the second 400 and ends the session ("overlap from client")',
      );
    }
    // EIO4: the server pings and waits pingTimeout for the pong; EIO3: it waits for the client's ping.
    const serverTimedOut =
      hb.eio === 4 ? hb.pongPending && sincePing >= hb.pingTimeout - SLACK_MS : sincePing >= heartbeatWindow;
    if (serverTimedOut && end.kind !== 'abnormal' && end.kind !== 'unreachable') {
      return both(
        'transport close',
        'ping timeout',
        "the client did not answer the heartbeat in time (a client whose network stalled does not hear the close either: it says 'ping timeout')",
      );
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
        // ws closes so on a frame it rejects, and engine.io ends the session as a transport error.
        if (end.code === 1002 || end.code === 1007) {
          return both(
            'transport close',
            'transport error',
            `the target rejected an invalid WebSocket frame from the client (WebSocket ${end.code})`,
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

  if (end.kind === 'abandoned') {
    return both(
      'transport error',
      'transport error',
      'the client left a polling request before its answer (page closed, network lost?): engine.io ends the session at once',
    );
  }
  // A client gives up its transport right after an error answer ("xhr post error" on a 413).
  const cut = recentCut(hb);
  if (cut) return both('transport error', cut.serverReason, `${cut.description}; the client gave up`);
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
      return both(
        'forced close',
        'transport close',
        "the client closed its connection (socket.io.engine.transport.close() looks the same on the wire; the client then says 'transport close')",
      );
    default:
      return both(
        'transport close',
        'transport close',
        "the client's connection was cut (network lost, tab closed?)",
      );
  }
}

/**
 * engine.io 3 cuts a polling POST over maxHttpBufferSize and then closes the session: its reason is
 * 'parse error' when the whole body came in the read that crossed the limit (it then parses what it
 * emptied), else 'transport error'. A body within one 64 KB socket read is taken to be the former.
 */
function recentCut(hb: HeartbeatHistory): { serverReason: string; description: string } | undefined {
  const r = hb.refusal;
  if (r?.code !== CUT_REQUEST || hb.now - r.at >= 1000) return undefined;
  const oneRead = (r.size ?? 0) <= 64 * 1024;
  return {
    serverReason: oneRead ? 'parse error' : 'transport error',
    description: `the target cut a POST of ${r.size ?? '?'} bytes: a payload over its maxHttpBufferSize (engine.io 3 says '${oneRead ? 'parse error' : 'transport error'}', or the other one depending on how the body was read)`,
  };
}

const both = (clientReason: string, serverReason: string, description: string): EndReasons => ({
  clientReason,
  serverReason,
  description,
});
