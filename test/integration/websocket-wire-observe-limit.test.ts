/**
 * A piped message over the wire's observation limit (proxy/engine/websocket-wire.ts OBSERVE_LIMIT)
 * goes on as it came without being gathered by the parser; the observer is told (`unobserved`), the
 * parser starts again at the next message, and a takeover after it still sends every later message
 * exactly once. Real `ws` peers on both sides, the limit lowered to 1 MiB.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import WebSocket, { WebSocketServer } from 'ws';
import type { Direction } from '../../shared/events.js';
import type { LinkObserver } from '../../proxy/engine/websocket-wire.js';
import { startMitm, type Mitm } from '../support/websocket-mitm.js';

const LIMIT = 1024 * 1024;

let server: WebSocketServer;
let port: number;

before(async () => {
  // Compression offered; the clients of the uncompressed scenes decline it.
  server = new WebSocketServer({ port: 0, host: '127.0.0.1', maxPayload: 0, perMessageDeflate: true });
  await new Promise<void>((r) => server.once('listening', () => r()));
  port = (server.address() as AddressInfo).port;
});

after(() => new Promise<void>((r) => server.close(() => r())));

const digest = (b: Buffer | string) => createHash('sha256').update(b).digest('hex').slice(0, 16);

interface Scene {
  mitm: Mitm;
  client: WebSocket;
  target: WebSocket;
  /** What each end received, as digests, in order. */
  atTarget: string[];
  atClient: string[];
  observed: Array<[Direction, string]>;
  unobserved: Array<[Direction, number, number]>;
  close(): Promise<void>;
}

async function scene(perMessageDeflate = false): Promise<Scene> {
  const observed: Array<[Direction, string]> = [];
  const unobserved: Array<[Direction, number, number]> = [];
  const observer: LinkObserver = {
    message: (direction, data) => void observed.push([direction, digest(data)]),
    close() {},
    error() {},
    unobserved: (direction, bytes, limit) => void unobserved.push([direction, bytes, limit]),
  };
  const connected = new Promise<WebSocket>((r) => server.once('connection', (ws) => r(ws)));
  const mitm = await startMitm(port, () => {}, observer, LIMIT);
  const client = new WebSocket(mitm.url.replace('http', 'ws'), { perMessageDeflate, maxPayload: 0 });
  await new Promise((r, j) => client.once('open', r).once('error', j));
  const target = await connected;
  const atTarget: string[] = [];
  const atClient: string[] = [];
  target.on('message', (d: Buffer) => atTarget.push(digest(d)));
  client.on('message', (d: Buffer) => atClient.push(digest(d)));
  return {
    mitm,
    client,
    target,
    atTarget,
    atClient,
    observed,
    unobserved,
    close: async () => {
      client.terminate();
      await mitm.close();
    },
  };
}

async function until(check: () => boolean, what: string): Promise<void> {
  const end = Date.now() + 10_000;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const big = (n: number, fill: number) => Buffer.alloc(n, fill);

test('a message over the limit is relayed whole and not observed; the messages around it are', async () => {
  const s = await scene();
  try {
    const sent = ['before', big(2 * LIMIT, 1), 'after', Buffer.from([1, 2, 3])];
    for (const m of sent) s.client.send(m);
    await until(() => s.atTarget.length === sent.length, 'four messages at the target');
    assert.deepEqual(s.atTarget, sent.map(digest));
    await until(() => s.observed.length === 3, 'three observed');
    assert.deepEqual(
      s.observed.map(([, d]) => d),
      [sent[0]!, sent[2]!, sent[3]!].map(digest),
    );
    assert.deepEqual(s.unobserved, [['c2s', 2 * LIMIT, LIMIT]]);

    // The other way, the same.
    s.target.send(big(LIMIT + 1, 2));
    s.target.send('reply');
    await until(() => s.atClient.length === 2, 'two messages at the client');
    assert.deepEqual(s.atClient, [digest(big(LIMIT + 1, 2)), digest('reply')]);
    await until(() => s.observed.length === 4, 'the reply observed');
    assert.deepEqual(s.observed.at(-1), ['s2c', digest('reply')]);
    assert.deepEqual(s.unobserved.at(-1), ['s2c', LIMIT + 1, LIMIT]);
  } finally {
    await s.close();
  }
});

test('a fragmented message that grows over the limit is skipped to its last fragment', async () => {
  const s = await scene();
  try {
    const half = big(LIMIT * 0.75, 3);
    s.client.send(half, { fin: false });
    s.client.send(half, { fin: true });
    s.client.send('next');
    await until(() => s.atTarget.length === 2, 'two messages at the target');
    assert.deepEqual(s.atTarget, [digest(Buffer.concat([half, half])), digest('next')]);
    await until(() => s.observed.length === 1, 'the next one observed');
    assert.deepEqual(s.observed, [['c2s', digest('next')]]);
    assert.equal(s.unobserved.length, 1);
    assert.equal(s.unobserved[0]![1], 2 * half.length, 'its size as its frames told');
  } finally {
    await s.close();
  }
});

test('taken over after a skipped message: every later message goes through the hooks once', async () => {
  const s = await scene();
  try {
    const seen: string[] = [];
    s.client.send(big(8 * LIMIT, 4));
    // Taken over once the parser has skipped it, while the rest of it may still be on its way: the
    // switch then waits for its end.
    await until(() => s.unobserved.length === 1, 'the big one skipped');
    const wire = await s.mitm.link;
    const switched = wire.terminate({
      message: (_d, m) => {
        seen.push(m.data.toString());
        return { action: 'pass' };
      },
    });
    for (let i = 0; i < 20; i++) s.client.send(`m${i}`);
    await switched;
    await until(() => s.atTarget.length === 21, 'all 21 at the target');
    const expected = Array.from({ length: 20 }, (_, i) => `m${i}`);
    assert.deepEqual(s.atTarget, [digest(big(8 * LIMIT, 4)), ...expected.map(digest)]);
    // Observed once each, in order, piped or sent on by the hooks; the hooks saw those after the switch.
    const observedC2s = s.observed.filter(([d]) => d === 'c2s').map(([, d]) => d);
    assert.deepEqual(observedC2s, expected.map(digest));
    assert.ok(seen.length > 0);
    assert.deepEqual(seen, expected.slice(expected.length - seen.length));
    const before = seen.length;
    // A terminated direction reads every message to send it on, whatever its size.
    s.client.send(big(2 * LIMIT, 5));
    await until(() => s.atTarget.length === 22, 'the big one after the switch');
    assert.equal(s.atTarget.at(-1), digest(big(2 * LIMIT, 5)));
    assert.equal(seen.length, before + 1);
    assert.deepEqual(s.unobserved.length, 1);
  } finally {
    await s.close();
  }
});

test('a compressed stream is observed whole whatever the size (the skipped inflate context would be lost)', async () => {
  const s = await scene(true);
  try {
    assert.match((await s.mitm.extensions) ?? '', /permessage-deflate/);
    const payload = big(2 * LIMIT, 6);
    s.client.send(payload);
    s.client.send('after');
    await until(() => s.atTarget.length === 2, 'both at the target');
    await until(() => s.observed.length === 2, 'both observed');
    assert.deepEqual(
      s.observed.map(([, d]) => d),
      [digest(payload), digest('after')],
    );
    assert.deepEqual(s.unobserved, []);
  } finally {
    await s.close();
  }
});

test('a takeover asked for while a message is skipped happens at its end, with nothing after it', async () => {
  const s = await scene();
  try {
    s.client.send(big(8 * LIMIT, 7));
    await until(() => s.unobserved.length === 1, 'the big one skipped');
    const wire = await s.mitm.link;
    let done = false;
    const switched = wire.terminate({ message: () => ({ action: 'pass' }) }).then(() => (done = true));
    await until(() => s.atTarget.length === 1, 'the big one at the target');
    await until(() => done, 'the switch, with the client idle');
    await switched;
  } finally {
    await s.close();
  }
});
