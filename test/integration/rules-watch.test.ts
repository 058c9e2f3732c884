/**
 * Rules that match nothing cost nothing (issue #14): a WebSocket with rules armed stays piped while
 * no rule could match its messages, and a direction is terminated right before the first message one
 * could match. The real Intervention (rules, holds) over a WebSocketWire, between a real socket.io@4
 * server and socket.io-client@4; every check is on what the real peers receive.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { io, type Socket as ClientSocket } from 'socket.io-client';
import type { InterceptedLink } from '../../proxy/engine/link.js';
import { SessionTable } from '../../proxy/engine/session-table.js';
import type { WebSocketWire } from '../../proxy/engine/websocket-wire.js';
import { EventBus } from '../../proxy/events/bus.js';
import { Intervention } from '../../proxy/intervene/intervention.js';
import { once, startTarget, type Target } from '../support/harness.js';
import { startMitm, type Mitm } from '../support/websocket-mitm.js';

let plain: Target;
let deflate: Target;
/** What the server received, in order: [event, ...args]. */
const received: unknown[][] = [];

function serve(target: Target): void {
  target.io.on('connection', (s) => {
    s.onAny((...args: unknown[]) => {
      const ack = typeof args.at(-1) === 'function' ? (args.pop() as (v: unknown) => void) : undefined;
      received.push(args);
      ack?.(args.slice(1));
    });
    // The server's own stream: `count` events `s` to the client, as fast as it can.
    s.on('burst', (count: number) => {
      for (let i = 0; i < count; i++)
        s.emit('s', i, i % 50 === 0 ? Buffer.from([i & 0xff, 1, 2]) : 'x'.repeat(i % 40));
    });
  });
}

before(async () => {
  plain = await startTarget();
  deflate = await startTarget({ perMessageDeflate: { threshold: 0 } });
  serve(plain);
  serve(deflate);
});

after(async () => {
  await plain.close();
  await deflate.close();
});

interface Setup {
  mitm: Mitm;
  wire: WebSocketWire;
  intervention: Intervention;
  client: ClientSocket;
  close(): Promise<void>;
}

/** The real Intervention watching one WebSocket of session S1, with `rules` added first. */
async function setup(target: Target, rules: object[], compress = false): Promise<Setup> {
  received.length = 0;
  const intervention = new Intervention({
    bus: new EventBus(),
    sessions: new SessionTable(),
    pauseTimeoutMs: 20_000,
  });
  for (const rule of rules) intervention.addRule(rule);
  const mitm = await startMitm(target.port, (wire) => {
    const link = { transport: 'websocket', busy: true, owner: { sid: 'S1', eio: 4 }, wire, lastSeq: 0 };
    intervention.wireOpened(link as unknown as InterceptedLink);
  });
  const client = io(mitm.url, {
    transports: ['websocket'],
    ...(compress ? { perMessageDeflate: { threshold: 0 } } : {}),
    reconnection: false,
  });
  await once(client, 'connect');
  const wire = await mitm.link;
  return {
    mitm,
    wire,
    intervention,
    client,
    close: async () => {
      intervention.close();
      client.close();
      await mitm.close();
    },
  };
}

/** Collects the client's `s` events until `count` came. */
function serverStream(client: ClientSocket, count: number): Promise<unknown[][]> {
  const got: unknown[][] = [];
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${got.length} of ${count} s events`)), 15_000);
    client.on('s', (...args: unknown[]) => {
      got.push(args);
      if (got.length === count) {
        clearTimeout(timer);
        resolve(got);
      }
    });
    client.emit('burst', count);
  });
}

async function until(what: string, ok: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const expectedS = (count: number) =>
  Array.from({ length: count }, (_, i) => [
    i,
    i % 50 === 0 ? Buffer.from([i & 0xff, 1, 2]) : 'x'.repeat(i % 40),
  ]);

const sameStream = (got: unknown[][], want: unknown[][]) =>
  assert.deepEqual(
    got.map((a) => a.map((v) => (v instanceof Uint8Array ? Buffer.from(v) : v))),
    want,
  );

test('a rule for another event name leaves both directions piped, and every message goes through in order', async () => {
  const s = await setup(plain, [{ match: { event: 'never-sent' }, action: { kind: 'drop' } }]);
  try {
    const acks: Promise<unknown>[] = [];
    for (let i = 0; i < 300; i++) {
      // Binary packets too (a 451- header and its attachment), and another namespace's name in args.
      const arg = i % 30 === 0 ? Buffer.from([i & 0xff]) : { i, nsp: '/never-sent' };
      acks.push(s.client.timeout(10_000).emitWithAck('n', i, arg));
    }
    const stream = serverStream(s.client, 300);
    const answers = await Promise.all(acks);
    answers.forEach((a, i) => assert.deepEqual((a as unknown[])[0], i));
    sameStream(await stream, expectedS(300));
    assert.deepEqual(
      received.filter((r) => r[0] === 'n').map((r) => r[1]),
      Array.from({ length: 300 }, (_, i) => i),
    );
    assert.equal(s.wire.terminatedIn('c2s'), false, 'c2s stays piped');
    assert.equal(s.wire.terminatedIn('s2c'), false, 's2c stays piped');
    assert.equal(s.intervention.rules.list()[0]!.hits, 0);
  } finally {
    await s.close();
  }
});

test('a rule that matches the 500th message holds exactly it; nothing lost, duplicated or reordered', async () => {
  const s = await setup(plain, [{ match: { direction: 'c2s', event: 'stop' }, action: { kind: 'pause' } }]);
  try {
    for (let i = 0; i < 1000; i++) s.client.emit(i === 499 ? 'stop' : 'n', i, 'p'.repeat(i % 100));
    await until('the held packet', () => s.intervention.paused().length === 1);
    const [held] = s.intervention.paused();
    assert.equal(held!.event, 'stop');
    assert.deepEqual(held!.args, [499, 'p'.repeat(99)]);
    await until('the first 499', () => received.length >= 499);
    await new Promise((r) => setTimeout(r, 150));
    assert.deepEqual(
      received.map((r) => r[1]),
      Array.from({ length: 499 }, (_, i) => i),
      'everything before it, and nothing after it while it is held',
    );
    assert.equal(s.wire.terminatedIn('c2s'), true, 'c2s terminated at the 500th');
    assert.equal(s.wire.terminatedIn('s2c'), false, 's2c stays piped');
    s.intervention.decide(held!.id, { verdict: 'forward' });
    await until('all 1000', () => received.length >= 1000);
    await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(
      received.map((r) => [r[0], r[1], r[2]]),
      Array.from({ length: 1000 }, (_, i) => [i === 499 ? 'stop' : 'n', i, 'p'.repeat(i % 100)]),
    );
    assert.equal(s.intervention.paused().length, 0);
    sameStream(await serverStream(s.client, 100), expectedS(100));
  } finally {
    await s.close();
  }
});

test('compression on both legs, threshold 0: piped while the rule is for another session, then a switch later breaks nothing', async () => {
  const s = await setup(deflate, [{ match: { session: 'another' }, action: { kind: 'drop' } }], true);
  try {
    assert.match((await s.mitm.extensions) ?? '', /permessage-deflate/);
    for (let i = 0; i < 50; i++)
      assert.deepEqual(await s.client.timeout(5000).emitWithAck('n', i, 'c'.repeat(500)), [
        i,
        'c'.repeat(500),
      ]);
    sameStream(await serverStream(s.client, 100), expectedS(100));
    assert.equal(s.wire.terminatedIn('c2s'), false, 'a compressed message of another session stays piped');
    assert.equal(s.wire.terminatedIn('s2c'), false);
    // Now the rule is for this session's c2s messages: a compressed head is unreadable, so the next
    // c2s message switches its direction; s2c cannot match and stays piped.
    const rule = s.intervention.rules.list()[0]!;
    s.intervention.updateRule(rule.id, { match: { direction: 'c2s', event: 'drop-me' } });
    received.length = 0;
    s.client.emit('drop-me', 'd'.repeat(800));
    for (let i = 0; i < 50; i++)
      assert.deepEqual(await s.client.timeout(5000).emitWithAck('n', i, 'q'.repeat(600 + i)), [
        i,
        'q'.repeat(600 + i),
      ]);
    assert.deepEqual(
      received.map((r) => r[1]),
      Array.from({ length: 50 }, (_, i) => i),
      'drop-me dropped, the rest intact and in order',
    );
    sameStream(await serverStream(s.client, 100), expectedS(100));
    assert.equal(s.wire.terminatedIn('c2s'), true);
    assert.equal(s.wire.terminatedIn('s2c'), false, 'a rule for c2s leaves s2c piped, compressed or not');
    assert.equal(s.intervention.rules.list()[0]!.hits, 1);
  } finally {
    await s.close();
  }
});
