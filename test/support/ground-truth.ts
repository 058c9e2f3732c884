/**
 * Scores the proxy's event stream against what a test knows for a fact (issue #10): which client
 * each Engine.IO session belongs to, whether it is that client's first, and the reasons each side
 * gave for its end. The clients record the truth themselves (their engine ids, their `disconnect`
 * reasons); the target's sockets record the server's.
 */
import type { Server, Socket as ServerSocket } from 'socket.io';
import type { Socket } from 'socket.io-client';
import type { AttemptEvent, CloseEvent, ProxyEvent } from '../../shared/events.js';

/** One client as it knows itself: its sessions in order and the reason it gave for each end. */
export interface TruthClient {
  name: string;
  sessions: string[];
  clientReasons: Map<string, string>;
}

/** Records a socket.io-client's sessions and reasons from its own events. */
export function watchClient(name: string, socket: Socket): TruthClient {
  const truth: TruthClient = { name, sessions: [], clientReasons: new Map() };
  let current: string | undefined;
  socket.io.on('open', () => {
    current = socket.io.engine.id;
    if (current) truth.sessions.push(current);
  });
  socket.on('disconnect', (reason) => {
    if (current && !truth.clientReasons.has(current)) truth.clientReasons.set(current, reason);
  });
  return truth;
}

/** Records the server's reason per engine id, for every socket of `io` (call again after a restart). */
export function watchServer(io: Server, reasons: Map<string, string>): void {
  io.on('connection', (socket: ServerSocket) => {
    const sid = (socket.conn as unknown as { id: string }).id;
    socket.on('disconnect', (reason) => void reasons.set(sid, reason));
  });
}

export interface Score {
  sessions: number;
  /** Sessions filed under the right client with the right attempt kind (first or reconnect). */
  groupedRight: number;
  /** Attempts the stream called certain, and those of them that were wrong (must be none). */
  certain: number;
  certainWrong: string[];
  /** Reasons (both sides) right, right only as a listed alternative, and wrong. */
  reasonsRight: number;
  reasonsAmbiguous: number;
  reasonsWrong: string[];
  /** One line per session, for the report. */
  lines: string[];
}

export function score(
  events: ProxyEvent[],
  clients: TruthClient[],
  serverReasons: Map<string, string>,
): Score {
  const attempts = new Map<string, AttemptEvent>();
  const closes = new Map<string, CloseEvent>();
  for (const e of events) {
    if (e.type === 'attempt' && e.outcome === 'connected' && e.sessionId) attempts.set(e.sessionId, e);
    if (e.type === 'close' && !closes.has(e.sessionId)) closes.set(e.sessionId, e);
  }
  const s: Score = {
    sessions: 0,
    groupedRight: 0,
    certain: 0,
    certainWrong: [],
    reasonsRight: 0,
    reasonsAmbiguous: 0,
    reasonsWrong: [],
    lines: [],
  };
  for (const c of clients) {
    const firstKey = c.sessions[0] ? attempts.get(c.sessions[0])?.clientKey : undefined;
    c.sessions.forEach((sid, i) => {
      s.sessions++;
      const a = attempts.get(sid);
      // A first session filed under another truth client's first key: two clients merged.
      const sharedKey = clients.some(
        (o) =>
          o !== c && o.sessions[0] !== undefined && attempts.get(o.sessions[0])?.clientKey === a?.clientKey,
      );
      const right =
        !!a && !sharedKey && (i === 0 ? a.attempt === 0 : a.attempt >= 1 && a.clientKey === firstKey);
      if (right) s.groupedRight++;
      if (a?.confidence === 'certain') {
        s.certain++;
        if (!right) s.certainWrong.push(`${c.name} session ${i}: ${sid}`);
      }
      const close = closes.get(sid);
      const reasons = [
        reasonCheck(
          s,
          c.name,
          i,
          'client',
          c.clientReasons.get(sid),
          close?.clientReason,
          close?.clientReasonAlternatives,
        ),
        reasonCheck(
          s,
          c.name,
          i,
          'server',
          serverReasons.get(sid),
          close?.serverReason,
          close?.serverReasonAlternatives,
        ),
      ];
      s.lines.push(
        `${c.name} #${i}: ${a ? `attempt ${a.attempt} (${a.confidence})` : 'no attempt'} ${right ? 'right' : 'WRONG'}; ${reasons.join(', ')}`,
      );
    });
  }
  return s;
}

function reasonCheck(
  s: Score,
  name: string,
  i: number,
  side: string,
  truth: string | undefined,
  said: string | undefined,
  alternatives: string[] | undefined,
): string {
  if (truth === undefined) return `${side}: not known`;
  if (said === truth) {
    s.reasonsRight++;
    return `${side} ${truth} right`;
  }
  if (said !== undefined && alternatives?.includes(truth)) {
    s.reasonsAmbiguous++;
    return `${side} ${truth} ambiguous (said ${said})`;
  }
  s.reasonsWrong.push(`${name} #${i} ${side}: was ${truth}, said ${said ?? 'nothing'}`);
  return `${side} ${truth} WRONG (said ${said ?? 'nothing'})`;
}

/** A score as one line of docs/ground-truth.md. */
export function scoreLine(name: string, s: Score): string {
  const share = s.sessions ? Math.round((100 * s.groupedRight) / s.sessions) : 100;
  return `| ${name} | ${s.sessions} | ${s.groupedRight} (${share} %) | ${s.certain} | ${s.certainWrong.length} | ${s.reasonsRight} | ${s.reasonsAmbiguous} | ${s.reasonsWrong.length} |`;
}
