/**
 * The detectors on the proxy's bus (proxy/observe/analysis.ts): a problem goes back on the bus as a
 * `problem` event with a seq of its own, after every observer has had the event that raised it, so
 * that every observer sees seqs in order. HAR export lists the problems it is given.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EventBus } from '../../proxy/events/bus.js';
import { startAnalysis } from '../../proxy/observe/analysis.js';
import type { ProblemEvent, ProxyEvent, UnstampedEvent } from '../../shared/events.js';
import { eventsToHar } from '../../shared/har.js';

const session: UnstampedEvent = {
  type: 'session',
  sessionId: 'S',
  clientKey: 'k',
  eio: 4,
  transport: 'websocket',
  target: 'http://127.0.0.1:3000',
  handshake: {
    headers: {},
    query: {},
    url: '/socket.io/?EIO=4&transport=websocket',
    address: '127.0.0.1',
    xdomain: false,
    secure: false,
    issued: 0,
    time: '',
  },
  open: { pingInterval: 25000, pingTimeout: 20000, maxPayload: 100, upgrades: [] },
  hiddenUpgrades: [],
};
/** A client EVENT named `event`, as a decoder that accepts reserved names reads it. */
const eventPacket = (event: string, size: number): UnstampedEvent => ({
  type: 'packet',
  sessionId: 'S',
  direction: 'c2s',
  transport: 'websocket',
  engine: 'message',
  size,
  data: `2${JSON.stringify([event])}`,
  sio: { type: 'EVENT', nsp: '/', event, args: [event] },
});
const reserved = (size: number) => eventPacket('disconnect', size);

test('problems go on the bus after the event that raised it, in seq order for every observer', async () => {
  const bus = new EventBus();
  const before: ProxyEvent[] = [];
  const after: ProxyEvent[] = [];
  bus.subscribe((e) => before.push(e));
  const analysis = startAnalysis(bus);
  bus.subscribe((e) => after.push(e)); // an observer subscribed after the analysis
  bus.emit(session);
  const packetSeq = bus.emit(reserved(500)); // reserved and over maxPayload: two problems
  bus.emit({ type: 'drain', sessionId: 'S', leg: 'client' });
  assert.deepEqual(
    after.map((e) => e.type),
    ['session', 'packet', 'drain'],
    'nothing published from inside the dispatch',
  );
  await Promise.resolve();
  for (const seen of [before, after]) {
    assert.deepEqual(
      seen.map((e) => e.seq),
      [1, 2, 3, 4, 5],
    );
    const problems = seen.filter((e): e is ProblemEvent => e.type === 'problem');
    assert.deepEqual(
      problems.map((p) => [p.kind, p.seqs]),
      [
        ['payload-too-large', [packetSeq]],
        ['reserved-event', [packetSeq]],
      ],
    );
  }
  analysis.close();
  bus.emit(reserved(10));
  await Promise.resolve();
  assert.equal(after.filter((e) => e.type === 'problem').length, 2, 'closed: no more analysis');
});

test('a clean stream on the bus publishes nothing', async () => {
  const bus = new EventBus();
  const seen: ProxyEvent[] = [];
  startAnalysis(bus);
  bus.subscribe((e) => seen.push(e));
  bus.emit(session);
  bus.emit(eventPacket('chat', 50));
  await new Promise((r) => setTimeout(r, 5));
  assert.deepEqual(
    seen.map((e) => e.type),
    ['session', 'packet'],
  );
});

test('HAR export lists the problems in log.comment', async () => {
  const bus = new EventBus();
  const seen: ProxyEvent[] = [];
  bus.subscribe((e) => seen.push(e));
  startAnalysis(bus);
  bus.emit(session);
  const packetSeq = bus.emit(reserved(50));
  await Promise.resolve();
  const comment = eventsToHar(seen).log.comment ?? '';
  assert.match(comment, /client leg/);
  assert.ok(
    comment.endsWith(
      `Problems found:\n- reserved-event: "disconnect" is a reserved event name (session S, events ${packetSeq})`,
    ),
    comment,
  );
  assert.doesNotMatch(eventsToHar(seen.filter((e) => e.type !== 'problem')).log.comment ?? '', /Problems/);
});
