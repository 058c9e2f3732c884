/**
 * A session as a sequence diagram, in rows: one arrow per packet between the three columns (client,
 * proxy, target) in the stream's order, runs of heartbeats folded into one row (unless unfolded),
 * the session's lifecycle notes on the leg they concern (the handshake, the upgrade per leg, the
 * close on each leg, disconnects, interventions at the proxy), and each EVENT linked to its ACK.
 * Pure functions of the session and its packets: the view (SequenceView.tsx) only draws the rows.
 */
import type { Direction, Leg } from '../../../../shared/events.js';
import { eventLabel, sioLabel } from '../../lib/packet-format.js';
import type { PacketRow } from '../../store/packet-store.js';
import type { SessionView, TimelineItem } from '../../store/model.js';

/** Which part of the path an arrow covers: both legs (relayed), or one (the proxy's own, a drop). */
export type Span = 'both' | 'client' | 'server';

export type SeqRow =
  | {
      kind: 'packet';
      seq: number;
      ts: number;
      direction: Direction;
      span: Span;
      label: string;
      transport: 'polling' | 'websocket';
      /** The packet's ACK (for an EVENT) or EVENT (for an ACK), when the proxy matched them. */
      link: number | undefined;
      latency: number | undefined;
      heartbeat: boolean;
      probe: boolean;
      /** The proxy sent it, or changed it on the way. */
      injected: boolean;
      edited: boolean;
    }
  | {
      kind: 'heartbeats';
      /** Seq of the run's first packet: the run's key, for unfolding it. */
      seq: number;
      ts: number;
      until: number;
      pings: number;
      pongs: number;
    }
  | { kind: 'note'; seq: number; ts: number; leg: Leg | 'both'; text: string; tone: 'good' | 'bad' | 'info' };

/** Heartbeats in a row, from this many on, fold into one row. */
export const FOLD_FROM = 3;

/** The packet's label: `EVENT chat #3`, `ACK #3`, `CONNECT /admin`, `ping probe`, `upgrade`. */
export function packetLabel(row: PacketRow): string {
  const e = row.e;
  if (e.sio) {
    const name = eventLabel(e);
    const nsp = e.sio.nsp !== '/' ? ` ${e.sio.nsp}` : '';
    const id = e.sio.id !== undefined && e.sio.type.endsWith('EVENT') ? ` #${e.sio.id}` : '';
    if (e.sio.type === 'CONNECT' || e.sio.type === 'DISCONNECT' || e.sio.type === 'CONNECT_ERROR')
      return `${e.sio.type} ${e.sio.nsp}`;
    if (e.sio.type.endsWith('ACK')) return `${e.sio.type}${nsp} #${e.sio.id ?? '?'}`;
    return `${sioLabel(e)}${nsp} ${name}${id}`.trim();
  }
  if (e.engine === 'message') return e.raw ? 'message (raw)' : 'message';
  return e.data === 'probe' ? `${e.engine} probe` : e.engine;
}

function noteOf(item: TimelineItem): SeqRow | undefined {
  switch (item.kind) {
    case 'handshake':
      return {
        kind: 'note',
        seq: item.seq,
        ts: item.ts,
        leg: 'both',
        text: `handshake over ${item.transport}`,
        tone: 'info',
      };
    case 'upgrade':
      return {
        kind: 'note',
        seq: item.seq,
        ts: item.ts,
        leg: item.leg,
        text: `upgrade ${item.stage}${item.reason ? `: ${item.reason}` : ''}`,
        tone: item.stage === 'failure' ? 'bad' : item.stage === 'success' ? 'good' : 'info',
      };
    case 'close':
      return {
        kind: 'note',
        seq: item.seq,
        ts: item.ts,
        leg: item.leg,
        text: `closed: ${item.reason}`,
        tone: 'bad',
      };
    case 'disconnect':
      return {
        kind: 'note',
        seq: item.seq,
        ts: item.ts,
        leg: item.leg,
        text: `${item.nsp} disconnected: ${item.clientReason} / ${item.serverReason}`,
        tone: 'bad',
      };
    case 'intervention':
      return {
        kind: 'note',
        seq: item.seq,
        ts: item.ts,
        leg: 'both',
        text: `proxy ${item.action}${item.count > 1 ? ` ×${item.count}` : ''}: ${item.detail}`,
        tone: 'info',
      };
    default:
      return undefined; // connects and errors are packets of their own; heartbeats are in the rows
  }
}

function packetRowOf(row: PacketRow): SeqRow {
  const e = row.e;
  // The proxy's own packet crosses one leg: towards the target it leaves the proxy, and the reverse.
  const span: Span = e.injected ? (e.direction === 'c2s' ? 'server' : 'client') : 'both';
  return {
    kind: 'packet',
    seq: e.seq,
    ts: e.ts,
    direction: e.direction,
    span,
    label: packetLabel(row),
    transport: e.transport,
    link: row.linkSeq,
    latency: row.latency,
    heartbeat: row.heartbeat,
    probe: e.data === 'probe',
    injected: e.injected === true,
    edited: e.edited === true,
  };
}

/**
 * The rows of `session`'s sequence: its `packets` (oldest first) and its lifecycle notes merged by
 * seq, runs of FOLD_FROM or more heartbeats folded unless their first seq is in `unfolded`.
 */
export function sequenceRows(
  session: SessionView,
  packets: readonly PacketRow[],
  unfolded: ReadonlySet<number> = new Set(),
): SeqRow[] {
  const notes = session.timeline.map(noteOf).filter((n): n is SeqRow => n !== undefined);
  const rows: SeqRow[] = [];
  let n = 0;
  let run: PacketRow[] = [];
  const flush = () => {
    const first = run[0];
    if (first && run.length >= FOLD_FROM && !unfolded.has(first.e.seq)) {
      let pings = 0;
      for (const r of run) if (r.e.engine === 'ping') pings++;
      rows.push({
        kind: 'heartbeats',
        seq: first.e.seq,
        ts: first.e.ts,
        until: (run[run.length - 1] as PacketRow).e.ts,
        pings,
        pongs: run.length - pings,
      });
    } else for (const r of run) rows.push(packetRowOf(r));
    run = [];
  };
  for (const p of packets) {
    while (n < notes.length && (notes[n] as SeqRow).seq < p.e.seq) {
      flush();
      rows.push(notes[n++] as SeqRow);
    }
    if (p.heartbeat) run.push(p);
    else {
      flush();
      rows.push(packetRowOf(p));
    }
  }
  flush();
  while (n < notes.length) rows.push(notes[n++] as SeqRow);
  return rows;
}

export interface AckLink {
  /** Row indexes of the EVENT and of its ACK. */
  from: number;
  to: number;
  latency: number | undefined;
  eventSeq: number;
  ackSeq: number;
  /** Which of the side-by-side bracket tracks it is drawn in (overlapping links get different ones). */
  track: number;
}

/** The EVENT -> ACK links between rows, each on a track no overlapping link uses. */
export function ackLinks(rows: readonly SeqRow[]): AckLink[] {
  const index = new Map<number, number>();
  rows.forEach((r, i) => index.set(r.seq, i));
  const links: AckLink[] = [];
  const trackEnds: number[] = []; // per track: the last row a link on it reaches
  rows.forEach((r, i) => {
    if (r.kind !== 'packet' || r.link === undefined || r.link < r.seq) return;
    const to = index.get(r.link);
    if (to === undefined) return;
    let track = trackEnds.findIndex((end) => end < i);
    if (track < 0) track = trackEnds.length;
    trackEnds[track] = to;
    links.push({ from: i, to, latency: r.latency, eventSeq: r.seq, ackSeq: r.link, track });
  });
  return links;
}

/** Rows `first`..`last` (exclusive) in a window `height` px tall at `scrollTop`, plus `overscan` each way. */
export function rowWindow(
  count: number,
  rowHeight: number,
  scrollTop: number,
  height: number,
  overscan = 10,
): { first: number; last: number } {
  const first = Math.max(0, Math.floor(scrollTop / rowHeight) - overscan);
  const last = Math.min(count, Math.ceil((scrollTop + height) / rowHeight) + overscan);
  return { first, last: Math.max(first, last) };
}
