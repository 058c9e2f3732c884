/**
 * Names the end of an Engine.IO session in both vocabularies (socket.io-client's and the socket.io
 * server's), from what crossed the proxy: who closed first, how, and the heartbeat history. The wire
 * does not always say; where two server reasons look alike on the wire, the description says so.
 */
import type { EioVersion } from '../../shared/engineio.js';
import type { Confidence, Leg } from '../../shared/events.js';
import type { EndReasons as ModelEndReasons } from '../../shared/protocol/sockets.js';

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
  /** Every namespace had already been disconnected on purpose, by a DISCONNECT (41) from this leg. */
  disconnectedBy?: Leg;
}

/** The `refusal` code of a request whose connection the target cut instead of answering. */
export const CUT_REQUEST = 0;

/** The model's reasons, always with confidence (`guess` whenever an alternative fits as well) and evidence. */
export interface EndReasons extends ModelEndReasons {
  confidence: Confidence;
  evidence: string[];
}

/** Slack for timers on both ends and the proxy's own latency. */
const SLACK_MS = 50;

/** The reasons, how sure they are, and the facts of the wire they rest on. */
export function reasonsFor(end: SessionEnd, hb: HeartbeatHistory): EndReasons {
  const r = classify(end, hb);
  const confidence: Confidence =
    r.clientReasonAlternatives || r.serverReasonAlternatives ? 'guess' : (r.confidence ?? 'likely');
  return {
    ...r,
    confidence,
    evidence: [...endEvidence(end), ...heartbeatEvidence(hb), ...(r.evidence ?? [])],
  };
}

/** The close as the proxy saw it. */
function endEvidence(end: SessionEnd): string[] {
  const who = end.leg === 'client' ? 'the client' : 'the target';
  switch (end.kind) {
    case 'close-packet':
      return [`${who} sent an Engine.IO close packet (1) first`];
    case 'clean':
      return [`${who} closed the WebSocket first, with code ${end.code ?? '?'}`];
    case 'abnormal':
      return [`${who}'s connection was cut without a close frame (1006)`];
    case 'refused':
      return [`the target answered a request of the session with HTTP ${end.code ?? '?'}`];
    case 'unreachable':
      return ['the proxy could not reach the target for a request of the session'];
    case 'silence':
      return ['nothing crossed the proxy for longer than pingInterval + pingTimeout'];
    case 'abandoned':
      return ['the client left a polling request before its answer'];
  }
}

/** The heartbeat per leg: the last ping the proxy delivered, and whether its pong came back. */
function heartbeatEvidence(hb: HeartbeatHistory): string[] {
  if (hb.lastPingAt === undefined) return [];
  const ago = Math.round((hb.now - hb.lastPingAt) / 100) / 10;
  const pinged = hb.eio === 4 ? 'the client' : 'the target';
  return [
    hb.pongPending
      ? `the last ping, delivered to ${pinged} ${ago} s before, got no pong`
      : `the last ping (${ago} s before) got its pong`,
  ];
}

type Classified = Omit<EndReasons, 'confidence' | 'evidence'> & {
  confidence?: Confidence;
  evidence?: string[];
};

function classify(end: SessionEnd, hb: HeartbeatHistory): Classified {
  const sincePing = hb.now - (hb.lastPingAt ?? hb.openedAt);

  // Every namespace was already disconnected on purpose: the transport close that follows is
  // socket.io-client's Manager closing its connection (or the server's after socket.disconnect(true)).
  if (hb.disconnectedBy && end.kind !== 'silence' && end.kind !== 'unreachable') {
    return hb.disconnectedBy === 'server'
      ? {
          ...both(
            'io server disconnect',
            'server namespace disconnect',
            'the server disconnected the last namespace (DISCONNECT 41); the connection closes after it and the client does not reconnect',
          ),
          confidence: 'certain',
          evidence: ['a DISCONNECT (41) from the server ended the last namespace before the close'],
        }
      : {
          ...both(
            'io client disconnect',
            'client namespace disconnect',
            'the client called socket.disconnect() on its last namespace (DISCONNECT 41), then closed its connection',
          ),
          confidence: 'certain',
          evidence: ['a DISCONNECT (41) from the client ended the last namespace before the close'],
        };
  }
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
    if (cut && end.kind === 'close-packet')
      return {
        ...both('transport close', cut.serverReason, cut.description),
        serverReasonAlternatives: [cut.other],
      };
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
      return {
        ...both(
          'transport close',
          'ping timeout',
          "the client did not answer the heartbeat in time (a client whose network stalled does not hear the close either: it says 'ping timeout')",
        ),
        clientReasonAlternatives: ['ping timeout'],
      };
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
      // A target that went away: io.close() on a shutdown says so to its sockets, a crash says nothing.
      case 'unreachable':
        return {
          ...both('transport error', 'transport error', 'the target could not be reached'),
          serverReasonAlternatives: ['server shutting down'],
        };
      case 'abnormal':
        return {
          ...both(
            'transport close',
            'transport close',
            "the target's connection was cut (target stopped or crashed?)",
          ),
          serverReasonAlternatives: ['server shutting down'],
        };
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
        return serverClosed();
      default:
        return serverClosed();
    }
  }

  // socket.io-client never leaves its own long-poll (it closes with a close packet, and an upgrade
  // waits for the poll's answer): a page unloading (a reload, a new page, a closed tab) or a process
  // ending does. Only a connection reset on the way would make the client retry ('xhr poll error').
  if (end.kind === 'abandoned') {
    return both(
      'transport error',
      'transport error',
      'the client left a polling request before its answer (a page unloading or a process ending; socket.io-client itself never does): engine.io ends the session at once',
      false,
    );
  }
  // A client gives up its transport right after an error answer ("xhr post error" on a 413).
  const cut = recentCut(hb);
  if (cut)
    return {
      ...both('transport error', cut.serverReason, `${cut.description}; the client gave up`),
      serverReasonAlternatives: [cut.other],
    };
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
  // EIO4: a ping the proxy delivered went unanswered for pingTimeout: the client stopped reading
  // (a busy or frozen page), its own timer fired. The server's fires at about the same moment, so
  // its reason is 'ping timeout' unless the client's close reached it first.
  if (hb.eio === 4 && hb.pongPending && sincePing >= hb.pingTimeout - SLACK_MS && end.kind !== 'abnormal') {
    return {
      ...both(
        'ping timeout',
        'ping timeout',
        'the client stopped reading: it left the last ping unanswered and gave up on its own heartbeat',
      ),
      serverReasonAlternatives: ['transport close'],
    };
  }
  switch (end.kind) {
    case 'close-packet':
    case 'clean':
      // A browser leaving the page closes the WebSocket with 1001 (going away).
      if (end.code === 1001) {
        return both(
          'transport close',
          'transport close',
          'the page went away (the browser closed the WebSocket with 1001): a page load or a closed tab, not a reconnecting client',
          false,
        );
      }
      return {
        ...both(
          'forced close',
          'transport close',
          "the client closed its connection without a DISCONNECT (41): socket.io.engine.close(), or a client that does not send one (python-socketio's disconnect()); socket.io.engine.transport.close() looks the same and the client then says 'transport close'",
          // A client that closes by itself usually means to leave; whether it comes back is a guess.
          false,
        ),
        clientReasonAlternatives: ['transport close', 'io client disconnect'],
      };
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
function recentCut(
  hb: HeartbeatHistory,
): { serverReason: string; other: string; description: string } | undefined {
  const r = hb.refusal;
  if (r?.code !== CUT_REQUEST || hb.now - r.at >= 1000) return undefined;
  const oneRead = (r.size ?? 0) <= 64 * 1024;
  return {
    serverReason: oneRead ? 'parse error' : 'transport error',
    other: oneRead ? 'transport error' : 'parse error',
    description: `the target cut a POST of ${r.size ?? '?'} bytes: a payload over its maxHttpBufferSize (engine.io 3 says '${oneRead ? 'parse error' : 'transport error'}', or the other one depending on how the body was read)`,
  };
}

/**
 * socket.conn.close() (the server says 'forced close'), io.close() ('server shutting down') and a
 * Client closed with namespaces still on it ('forced server close') look the same on the wire.
 */
const serverClosed = (): Classified => ({
  ...both(
    'transport close',
    'forced close',
    'the target closed the connection (socket.conn.close(), io.close() or a shutdown)',
  ),
  serverReasonAlternatives: ['server shutting down', 'forced server close'],
});

const both = (
  clientReason: string,
  serverReason: string,
  description: string,
  reconnects?: boolean,
): Classified => ({
  clientReason,
  serverReason,
  description,
  ...(reconnects !== undefined ? { reconnects } : {}),
});
