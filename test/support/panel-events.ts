/** Builders of proxy events for the panel's store tests: seqs and times increase by themselves. */
import type {
  CloseEvent,
  PacketEvent,
  ProblemEvent,
  ProxyEvent,
  SessionEvent,
  UnstampedEvent,
} from '../../shared/events.js';

export const T0 = Date.parse('2026-01-01T10:00:00.000Z');

export class EventFactory {
  seq = 0;
  ts = T0;

  /** Stamps an event; `advance` ms pass before it. */
  ev<E extends UnstampedEvent>(e: E, advance = 1): ProxyEvent {
    this.ts += advance;
    return { ...e, seq: ++this.seq, ts: this.ts } as unknown as ProxyEvent;
  }

  session(sid: string, clientKey: string, extra: Partial<SessionEvent> = {}): ProxyEvent {
    return this.ev({
      type: 'session',
      sessionId: sid,
      clientKey,
      eio: 4,
      transport: 'polling',
      target: 'http://127.0.0.1:3000',
      handshake: {
        headers: { 'user-agent': 'node-XMLHttpRequest', 'x-forwarded-for': '10.0.0.7' },
        query: { EIO: '4', transport: 'polling', client: clientKey },
        url: '/socket.io/?EIO=4&transport=polling',
        address: '127.0.0.1',
        xdomain: false,
        secure: false,
        issued: this.ts,
        time: new Date(this.ts).toString(),
      },
      open: { pingInterval: 25000, pingTimeout: 20000, maxPayload: 1000, upgrades: ['websocket'] },
      hiddenUpgrades: [],
      ...extra,
    } as UnstampedEvent);
  }

  /** A Socket.IO EVENT packet; `id` asks for an ack. */
  emit(
    sid: string,
    direction: 'c2s' | 's2c',
    event: string,
    args: unknown[],
    opts: { nsp?: string; id?: number; size?: number } = {},
  ): PacketEvent {
    const nsp = opts.nsp ?? '/';
    const all = [event, ...args];
    const data = `2${nsp === '/' ? '' : `${nsp},`}${opts.id ?? ''}${JSON.stringify(all)}`;
    return this.ev({
      type: 'packet',
      sessionId: sid,
      direction,
      transport: 'websocket',
      engine: 'message',
      size: opts.size ?? data.length + 1,
      data,
      sio: { type: 'EVENT', nsp, event, args: all, ...(opts.id !== undefined ? { id: opts.id } : {}) },
    } as UnstampedEvent) as PacketEvent;
  }

  ack(sid: string, direction: 'c2s' | 's2c', id: number, args: unknown[], nsp = '/'): PacketEvent {
    const data = `3${nsp === '/' ? '' : `${nsp},`}${id}${JSON.stringify(args)}`;
    return this.ev({
      type: 'packet',
      sessionId: sid,
      direction,
      transport: 'websocket',
      engine: 'message',
      size: data.length + 1,
      data,
      sio: { type: 'ACK', nsp, id, args },
    } as UnstampedEvent) as PacketEvent;
  }

  /** The server leg closing `sid` with "transport close", reasons known for certain. */
  transportClose(sid: string, extra: Partial<CloseEvent> = {}): ProxyEvent {
    return this.ev({
      type: 'close',
      sessionId: sid,
      leg: 'server',
      first: 'server',
      reason: 'transport close',
      clientReason: 'transport close',
      serverReason: 'transport close',
      confidence: 'certain',
      ...extra,
    } as UnstampedEvent);
  }

  heartbeat(sid: string, engine: 'ping' | 'pong', direction: 'c2s' | 's2c'): PacketEvent {
    return this.ev({
      type: 'packet',
      sessionId: sid,
      direction,
      transport: 'websocket',
      engine,
      size: 1,
    } as UnstampedEvent) as PacketEvent;
  }

  /** A `problem` event as the proxy publishes it: a reserved name in `sid`'s packet `seq`. */
  problem(sid: string, seq: number, extra: Partial<ProblemEvent> = {}): ProblemEvent {
    return this.ev({
      type: 'problem',
      kind: 'reserved-event',
      severity: 'warning',
      title: '"disconnect" is a reserved event name',
      fix: 'Rename the event.',
      sessionId: sid,
      seqs: [seq],
      confidence: 'certain',
      evidence: [`packet #${seq} is an EVENT named "disconnect"`],
      ...extra,
    } as UnstampedEvent) as ProblemEvent;
  }
}
