/**
 * A synthetic NDJSON capture in the proxy's event schema (shared/events.ts), as `GET /api/capture`
 * or `--record FILE` write it: sessions with their handshake and namespace connect, then packets of
 * a busy app interleaved across the sessions: events both ways with JSON args, one c2s event in ten
 * acked (ACK packet and `ack` event), heartbeats, and a rare marker for text searches.
 */
import { createWriteStream } from 'node:fs';
import type { AckEvent, ConnectEvent, PacketEvent, ProxyEvent, SessionEvent } from '../../shared/events.js';

export const EVENT_NAMES = [
  'chat',
  'move',
  'typing',
  'presence',
  'score',
  'cursor',
  'notify',
  'sync',
] as const;
/** One packet in this many carries the marker in its args. */
export const NEEDLE_EVERY = 1000;
export const NEEDLE = 'needle-7f3a';

export interface CaptureStats {
  packets: number;
  /** Packets the panel shows by default (heartbeats hidden). */
  visible: number;
  heartbeats: number;
  byEvent: Record<string, number>;
  needles: number;
  s2c: number;
  events: number;
  bytes: number;
}

/** Writes `packets` packet events over `sessions` sessions to `path`. */
export async function writeCapture(path: string, packets: number, sessions = 100): Promise<CaptureStats> {
  const out = createWriteStream(path);
  const stats: CaptureStats = {
    packets: 0,
    visible: 0,
    heartbeats: 0,
    byEvent: {},
    needles: 0,
    s2c: 0,
    events: 0,
    bytes: 0,
  };
  let seq = 0;
  let ts = Date.parse('2026-01-01T10:00:00.000Z');
  let buf: string[] = [];
  const emit = async (e: ProxyEvent) => {
    const line = JSON.stringify(e);
    buf.push(line);
    stats.events++;
    stats.bytes += line.length + 1;
    if (buf.length >= 2000) await flush();
  };
  const flush = async () => {
    const chunk = buf.join('\n') + '\n';
    buf = [];
    if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
  };
  const stamp = () => ({ seq: ++seq, ts: (ts += 0.5) });
  const sid = (i: number) => `S${String(i).padStart(5, '0')}-synthetic-sid`;
  const socketId = (i: number) => `K${String(i).padStart(5, '0')}-synthetic-sock`;

  for (let i = 0; i < sessions; i++) {
    const session: SessionEvent = {
      type: 'session',
      ...stamp(),
      sessionId: sid(i),
      clientKey: `client${String(i).padStart(2, '0')}`,
      eio: 4,
      transport: 'websocket',
      target: 'http://127.0.0.1:3000',
      handshake: {
        headers: { 'user-agent': 'node-XMLHttpRequest', host: '127.0.0.1:8080' },
        query: { EIO: '4', transport: 'websocket', client: `user-${i}` },
        url: '/socket.io/?EIO=4&transport=websocket',
        address: '127.0.0.1',
        xdomain: false,
        secure: false,
        issued: ts,
        time: new Date(ts).toString(),
      },
      open: { pingInterval: 25000, pingTimeout: 20000, maxPayload: 1000000, upgrades: [] },
      hiddenUpgrades: [],
    };
    await emit(session);
    const connect: ConnectEvent = {
      type: 'connect',
      ...stamp(),
      sessionId: sid(i),
      nsp: '/',
      socketId: socketId(i),
      recovered: false,
    };
    await emit(connect);
  }

  const packet = (
    p: Omit<PacketEvent, 'type' | 'seq' | 'ts' | 'transport' | 'engine'> & Partial<PacketEvent>,
  ) => {
    const e = { type: 'packet', ...stamp(), transport: 'websocket', engine: 'message', ...p } as PacketEvent;
    stats.packets++;
    if (e.direction === 's2c') stats.s2c++;
    return e;
  };

  let ackId = 0;
  for (let n = 0; stats.packets < packets; n++) {
    const s = n % sessions;
    if (n % 20 === 19 && stats.packets + 2 <= packets) {
      // A heartbeat: ping from the server, pong from the client.
      await emit(packet({ sessionId: sid(s), direction: 's2c', engine: 'ping', size: 1 }));
      await emit(packet({ sessionId: sid(s), direction: 'c2s', engine: 'pong', size: 1 }));
      stats.heartbeats += 2;
      continue;
    }
    const name = EVENT_NAMES[(n * 7) % EVENT_NAMES.length] as string;
    const direction = n % 3 === 0 ? 's2c' : 'c2s';
    const needle = n % NEEDLE_EVERY === 500;
    const args = [
      name,
      {
        user: `user-${s}`,
        n,
        text: needle ? `look: ${NEEDLE}` : `message ${n} from user-${s}`,
        at: [n % 640, n % 480],
      },
    ];
    const asks = direction === 'c2s' && n % 10 === 1 && stats.packets + 2 <= packets;
    const id = asks ? ackId++ : undefined;
    const data = `2${id ?? ''}${JSON.stringify(args)}`;
    const event = packet({
      sessionId: sid(s),
      direction,
      size: data.length + 1,
      data,
      sio: { type: 'EVENT', nsp: '/', event: name, args, ...(id !== undefined ? { id } : {}) },
    });
    await emit(event);
    stats.visible++;
    stats.byEvent[name] = (stats.byEvent[name] ?? 0) + 1;
    if (needle) stats.needles++;
    if (id === undefined) continue;
    const ackArgs = [{ ok: true }];
    const ackData = `3${id}${JSON.stringify(ackArgs)}`;
    const ack = packet({
      sessionId: sid(s),
      direction: 's2c',
      size: ackData.length + 1,
      data: ackData,
      sio: { type: 'ACK', nsp: '/', id, args: ackArgs },
    });
    await emit(ack);
    stats.visible++;
    const link: AckEvent = {
      type: 'ack',
      ...stamp(),
      sessionId: sid(s),
      nsp: '/',
      id,
      direction: 'c2s',
      event: name,
      latency: ack.ts - event.ts,
      eventSeq: event.seq,
      ackSeq: ack.seq,
    };
    await emit(link);
  }
  await flush();
  await new Promise<void>((resolve, reject) =>
    out.end((err?: Error | null) => (err ? reject(err) : resolve())),
  );
  return stats;
}
