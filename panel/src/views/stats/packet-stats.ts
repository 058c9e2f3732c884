/**
 * What the packets of a time window say, in one pass over the packet store's rows (no copy of
 * them): events per bucket by event name, ack latencies by event name, bytes per bucket by
 * direction, heartbeat round trips per session, and the slowest acks and biggest packets.
 */
import type { Direction } from '../../../../shared/events.js';
import type { PacketRow } from '../../store/packet-store.js';
import type { WindowList } from '../../store/window-list.js';
import {
  bucketOf,
  type StatsWindow,
  LATENCY_EDGES,
  latencyBin,
  percentile,
  topLayers,
  TopN,
} from './layout.js';

export const OTHER = '(other)';

export interface AckLatency {
  event: string;
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  /** Acks per LATENCY_EDGES bin. */
  bins: number[];
}

/** A packet a list links to: its seq selects it in the packet table. */
export interface PacketRef {
  seq: number;
  ts: number;
  sessionId: string;
  direction: Direction;
  event?: string;
  /** Ack latency (slowest acks) or size in bytes (biggest packets). */
  value: number;
}

export interface HeartbeatRtt {
  sessionId: string;
  count: number;
  last: number;
  p50: number;
  max: number;
}

export interface PacketStats {
  /** Event names by rate, the top N then OTHER when there are more. */
  eventNames: string[];
  /** Per eventNames entry, events per second in each bucket. */
  eventRates: number[][];
  /** Events (EVENT, BINARY_EVENT) in the window, by name. */
  eventTotals: Map<string, number>;
  /** By event name, most acked first. */
  ackLatency: AckLatency[];
  /** Bytes per second in each bucket, by direction. */
  bytes: Record<Direction, number[]>;
  bytesTotal: Record<Direction, number>;
  /** By session, the highest median first. */
  heartbeats: HeartbeatRtt[];
  slowestAcks: PacketRef[];
  biggestPackets: PacketRef[];
}

const isEvent = (row: PacketRow) => row.e.sio?.type === 'EVENT' || row.e.sio?.type === 'BINARY_EVENT';

/** The rows whose time is in [from, to): rows are in seq order, which the stream keeps in time order. */
export function rowRange(rows: WindowList<PacketRow>, from: number, to: number): [number, number] {
  return [rows.lowerBound((r) => r.e.ts >= from), rows.lowerBound((r) => r.e.ts >= to)];
}

export function packetStats(
  rows: WindowList<PacketRow>,
  win: StatsWindow,
  opts: { topEvents?: number; listLength?: number } = {},
): PacketStats {
  const topEvents = opts.topEvents ?? 6;
  const listLength = opts.listLength ?? 10;
  const seconds = win.bucketMs / 1000;
  const perName = new Map<string, number[]>();
  const eventTotals = new Map<string, number>();
  const latencies = new Map<string, number[]>();
  const bytes = { c2s: new Array<number>(win.count).fill(0), s2c: new Array<number>(win.count).fill(0) };
  const bytesTotal = { c2s: 0, s2c: 0 };
  const pings = new Map<string, number>(); // session -> time of the ping awaiting its pong
  const rtts = new Map<string, number[]>();
  const slowest = new TopN<PacketRef>(listLength);
  const biggest = new TopN<PacketRef>(listLength);

  const [first, end] = rowRange(rows, win.from, win.to);
  for (let i = first; i < end; i++) {
    const row = rows.at(i)!;
    const e = row.e;
    const b = bucketOf(e.ts, win.start, win.bucketMs, win.count);
    if (b >= 0) bytes[e.direction][b] = (bytes[e.direction][b] ?? 0) + e.size / seconds;
    bytesTotal[e.direction] += e.size;
    biggest.offer(e.size, () => refOf(row, e.size));
    if (row.heartbeat) {
      // The ping of one side and the other side's pong: the round trip the proxy sees.
      if (e.engine === 'ping') pings.set(e.sessionId, e.ts);
      else {
        const sent = pings.get(e.sessionId);
        if (sent !== undefined) {
          pings.delete(e.sessionId);
          push(rtts, e.sessionId, e.ts - sent);
        }
      }
      continue;
    }
    if (!isEvent(row)) continue;
    const name = e.sio?.event ?? '';
    eventTotals.set(name, (eventTotals.get(name) ?? 0) + 1);
    let series = perName.get(name);
    if (!series) perName.set(name, (series = new Array<number>(win.count).fill(0)));
    if (b >= 0) series[b] = (series[b] ?? 0) + 1 / seconds;
    if (row.latency !== undefined) {
      push(latencies, name, row.latency);
      slowest.offer(row.latency, () => refOf(row, row.latency!));
    }
  }

  const { keys: eventNames, layers: eventRates } = topLayers(perName, eventTotals, topEvents, OTHER);
  return {
    eventNames,
    eventRates,
    eventTotals,
    ackLatency: [...latencies]
      .map(([event, values]) => ackLatency(event, values))
      .sort((a, b) => b.count - a.count),
    bytes,
    bytesTotal,
    heartbeats: [...rtts]
      .map(([sessionId, values]) => {
        const sorted = [...values].sort((a, b) => a - b);
        return {
          sessionId,
          count: values.length,
          last: values[values.length - 1]!,
          p50: percentile(sorted, 50),
          max: sorted[sorted.length - 1]!,
        };
      })
      .sort((a, b) => b.p50 - a.p50),
    slowestAcks: slowest.items,
    biggestPackets: biggest.items,
  };
}

/** Latency percentiles and bins of one event name's acks. */
export function ackLatency(event: string, values: readonly number[]): AckLatency {
  const sorted = [...values].sort((a, b) => a - b);
  const bins = new Array<number>(LATENCY_EDGES.length).fill(0);
  for (const v of sorted) bins[latencyBin(v)]!++;
  return {
    event,
    count: sorted.length,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1] ?? NaN,
    bins,
  };
}

function refOf(row: PacketRow, value: number): PacketRef {
  const { seq, ts, sessionId, direction, sio } = row.e;
  return { seq, ts, sessionId, direction, ...(sio?.event !== undefined ? { event: sio.event } : {}), value };
}

function push(map: Map<string, number[]>, key: string, v: number): void {
  const list = map.get(key);
  if (list) list.push(v);
  else map.set(key, [v]);
}
