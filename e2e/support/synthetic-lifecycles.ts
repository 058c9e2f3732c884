/**
 * A synthetic NDJSON capture for the timeline's load test, in the proxy's event schema: `clients`
 * clients with two sessions each (polling, upgraded to WebSocket; the first dropped by the target,
 * then failed attempts and a reconnect), one busy session carrying `busy` packets, and the rest of
 * `packets` spread over the other sessions, events with acks and heartbeats. Events are written in
 * time order with increasing seqs, as the proxy records them.
 */
import { writeFile } from 'node:fs/promises';
import type { ProxyEvent, UnstampedEvent } from '../../shared/events.js';

export interface LifecycleStats {
  sessions: number;
  clients: number;
  packets: number;
  events: number;
  bytes: number;
  busySid: string;
  busyPackets: number;
  acks: number;
}

const T0 = Date.parse('2026-01-01T10:00:00.000Z');

type Draft = UnstampedEvent & { ts: number };

export async function writeLifecycles(
  path: string,
  opts: { clients: number; packets: number; busy: number; spanMs?: number },
): Promise<LifecycleStats> {
  const span = opts.spanMs ?? 3_600_000;
  const drafts: Draft[] = [];
  const sid = (c: number, k: number) => `L${String(c).padStart(5, '0')}-${k}-synthetic`;
  const sessions: { sid: string; start: number; end: number }[] = [];
  let acks = 0;
  // Each client: a first session, a drop, two failed attempts, a second session to the end.
  for (let c = 0; c < opts.clients; c++) {
    const clientKey = `client${c}`;
    const start = T0 + ((c * 7919) % Math.floor(span * 0.5));
    const drop = start + span * 0.2 + ((c * 104729) % Math.floor(span * 0.1));
    const back = drop + 1500 + (c % 5) * 400;
    for (let k = 0; k < 2; k++) {
      const id = sid(c, k);
      const at = k === 0 ? start : back;
      const end = k === 0 ? drop : T0 + span;
      sessions.push({ sid: id, start: at, end });
      drafts.push({
        type: 'session',
        ts: at,
        sessionId: id,
        clientKey,
        eio: 4,
        transport: 'polling',
        target: 'http://127.0.0.1:3000',
        handshake: {
          headers: { 'user-agent': 'node-XMLHttpRequest' },
          query: { EIO: '4', transport: 'polling', client: `user-${c}` },
          url: '/socket.io/?EIO=4&transport=polling',
          address: '127.0.0.1',
          xdomain: false,
          secure: false,
          issued: at,
          time: new Date(at).toString(),
        },
        open: { pingInterval: 25000, pingTimeout: 20000, maxPayload: 1000000, upgrades: ['websocket'] },
        hiddenUpgrades: [],
      } as Draft);
      drafts.push({
        type: 'attempt',
        ts: at + 0.1,
        clientKey,
        attempt: k === 0 ? 0 : 3,
        delay: k === 0 ? 0 : 400,
        outcome: 'connected',
        sessionId: id,
        ...(k === 0 ? {} : { cause: 'transport close' }),
        confidence: 'likely',
        evidence: [],
      } as Draft);
      drafts.push({
        type: 'connect',
        ts: at + 2,
        sessionId: id,
        nsp: '/',
        socketId: `${id}-sock`,
        recovered: false,
      } as Draft);
      for (const leg of ['server', 'client'] as const)
        drafts.push({
          type: 'upgrade',
          ts: at + 30 + (leg === 'client' ? 5 : 0),
          sessionId: id,
          leg,
          stage: 'success',
        } as Draft);
      if (k === 0) {
        for (const leg of ['server', 'client'] as const)
          drafts.push({
            type: 'close',
            ts: drop + (leg === 'client' ? 1 : 0),
            sessionId: id,
            leg,
            first: 'server',
            reason: 'transport close',
            clientReason: 'transport close',
            serverReason: 'transport close',
            active: true,
          } as Draft);
        for (let a = 1; a <= 2; a++)
          drafts.push({
            type: 'attempt',
            ts: drop + a * 500,
            clientKey,
            attempt: a,
            delay: 500,
            outcome: 'failed',
            cause: 'transport close',
            error: 'ECONNREFUSED',
            confidence: 'likely',
            evidence: [],
          } as Draft);
      }
    }
  }
  // Packets: the busy session first, then round robin over the others, within each one's life.
  const busy = sessions[1] as { sid: string; start: number; end: number };
  const packet = (s: { sid: string; start: number; end: number }, n: number, of: number) => {
    const ts = s.start + 40 + ((s.end - s.start - 80) * (n + 0.5)) / of;
    if (n % 20 === 19) {
      drafts.push({
        type: 'packet',
        ts,
        sessionId: s.sid,
        direction: 's2c',
        transport: 'websocket',
        engine: 'ping',
        size: 1,
      } as Draft);
      return;
    }
    const asks = n % 10 === 1;
    const id = asks ? n : undefined;
    const args = ['tick', { n }];
    const data = `2${id ?? ''}${JSON.stringify(args)}`;
    drafts.push({
      type: 'packet',
      ts,
      sessionId: s.sid,
      direction: n % 3 ? 'c2s' : 's2c',
      transport: 'websocket',
      engine: 'message',
      size: data.length + 1,
      data,
      sio: { type: 'EVENT', nsp: '/', event: 'tick', args, ...(id !== undefined ? { id } : {}) },
    } as Draft);
    if (id === undefined) return;
    acks++;
    const ackData = `3${id}[true]`;
    drafts.push({
      type: 'packet',
      ts: ts + 3,
      sessionId: s.sid,
      direction: n % 3 ? 's2c' : 'c2s',
      transport: 'websocket',
      engine: 'message',
      size: ackData.length + 1,
      data: ackData,
      sio: { type: 'ACK', nsp: '/', id, args: [true] },
      __ackOf: id,
    } as unknown as Draft);
  };
  let packets = 0;
  const busyCount = Math.floor(opts.busy * 0.9); // acks add about a tenth
  for (let n = 0; n < busyCount; n++) packet(busy, n, busyCount);
  const others = sessions.filter((s) => s !== busy);
  const rest = Math.floor((opts.packets - opts.busy) * 0.9);
  const per = Math.max(1, Math.floor(rest / others.length));
  for (const s of others) for (let n = 0; n < per; n++) packet(s, n, per);

  drafts.sort((a, b) => a.ts - b.ts);
  let seq = 0;
  const lines: string[] = [];
  // `ack` events need the seqs of their EVENT and ACK: the EVENT comes first in time.
  const pending = new Map<string, { seq: number; ts: number }>();
  let busyPackets = 0;
  for (const d of drafts) {
    const e = { ...d, seq: ++seq } as ProxyEvent & { __ackOf?: number };
    if (e.type === 'packet') {
      packets++;
      if (e.sessionId === busy.sid) busyPackets++;
      const key = `${e.sessionId}:${e.sio?.id}`;
      if (e.sio?.type === 'EVENT' && e.sio.id !== undefined) pending.set(key, { seq: e.seq, ts: e.ts });
      if (e.__ackOf !== undefined) {
        delete e.__ackOf;
        lines.push(JSON.stringify(e));
        const ev = pending.get(key);
        if (ev) {
          lines.push(
            JSON.stringify({
              type: 'ack',
              seq: ++seq,
              ts: e.ts,
              sessionId: e.sessionId,
              nsp: '/',
              id: e.sio?.id,
              direction: e.direction === 'c2s' ? 's2c' : 'c2s',
              event: 'tick',
              latency: e.ts - ev.ts,
              eventSeq: ev.seq,
              ackSeq: e.seq,
            }),
          );
          pending.delete(key);
        }
        continue;
      }
    }
    lines.push(JSON.stringify(e));
  }
  const text = lines.join('\n') + '\n';
  await writeFile(path, text);
  return {
    sessions: sessions.length,
    clients: opts.clients,
    packets,
    events: lines.length,
    bytes: text.length,
    busySid: busy.sid,
    busyPackets,
    acks,
  };
}
