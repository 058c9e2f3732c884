/**
 * The WebSocket link (proxy/engine/websocket-wire.ts) between a real socket.io@4 server and
 * socket.io-client@4, with permessage-deflate on both ways and a threshold of 0 (every message
 * compressed, context takeover on): piped, then terminated mid-connection; dropping, editing,
 * holding and injecting messages must leave both peers' streams healthy, checked from what the real
 * server and client receive.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { io, type Socket as ClientSocket } from 'socket.io-client';
import type { LinkHooks } from '../../proxy/engine/websocket-wire.js';
import { once, startTarget, type Target } from '../support/harness.js';
import { quietObserver, startMitm as startMitm0, type Mitm } from '../support/websocket-mitm.js';

let target: Target;
const received: unknown[][] = [];

before(async () => {
  target = await startTarget({ perMessageDeflate: { threshold: 0 } });
  target.io.on('connection', (s) => {
    s.onAny((...args: unknown[]) => {
      const ack = typeof args.at(-1) === 'function' ? (args.pop() as (v: unknown) => void) : undefined;
      received.push(args);
      ack?.(args.slice(1));
    });
  });
});

after(() => target.close());

/** The wire, terminated at once unless `hooks` is undefined (piped). */
function startMitm(hooks: LinkHooks | undefined, observer = quietObserver): Promise<Mitm> {
  return startMitm0(target.port, (wire) => void (hooks && wire.terminate(hooks)), observer);
}

function connect(url: string): ClientSocket {
  return io(url, { transports: ['websocket'], perMessageDeflate: { threshold: 0 }, reconnection: false });
}

const text = (m: { data: Buffer }) => m.data.toString();

test('relays compressed traffic both ways unchanged, binary included', async () => {
  const compressed: Record<string, number> = { c2s: 0, s2c: 0 };
  const mitm = await startMitm({
    message: (direction: string, m: { compressed: boolean }) => {
      if (m.compressed) compressed[direction]!++;
      return { action: 'pass' };
    },
  });
  const client = connect(mitm.url);
  try {
    await once(client, 'connect');
    assert.match((await mitm.extensions) ?? '', /permessage-deflate/);
    for (let i = 0; i < 20; i++) {
      const payload = 'x'.repeat(i * 300);
      assert.deepEqual(await client.timeout(5000).emitWithAck('echo', payload, i), [payload, i]);
    }
    const bytes = Buffer.from([0, 1, 2, 255]);
    const [back] = (await client.timeout(5000).emitWithAck('bin', bytes)) as [Buffer];
    assert.deepEqual(Buffer.from(back), bytes);
    // Both peers really compressed (so a dropped message would have broken a piped stream).
    assert.ok(compressed.c2s! >= 20 && compressed.s2c! >= 20, JSON.stringify(compressed));
  } finally {
    client.close();
    await mitm.close();
  }
});

test('a dropped compressed message leaves both streams healthy', async () => {
  received.length = 0;
  const mitm = await startMitm({
    message: (direction: string, m: { data: Buffer }) =>
      direction === 'c2s' && text(m).includes('"drop-me"') ? { action: 'drop' } : { action: 'pass' },
  });
  const client = connect(mitm.url);
  try {
    await once(client, 'connect');
    client.emit('drop-me', 'a'.repeat(2000));
    assert.deepEqual(await client.timeout(5000).emitWithAck('after', 'b'.repeat(2000)), ['b'.repeat(2000)]);
    assert.deepEqual(
      received.map((r) => r[0]),
      ['after'],
    );
  } finally {
    client.close();
    await mitm.close();
  }
});

test('an edited message reaches the server edited, and later messages stay intact', async () => {
  received.length = 0;
  const mitm = await startMitm({
    message: (direction: string, m: { data: Buffer }) =>
      direction === 'c2s' && text(m).startsWith('42["edit-me"')
        ? { action: 'replace', data: '42["edit-me","edited"]', isBinary: false }
        : { action: 'pass' },
  });
  const client = connect(mitm.url);
  try {
    await once(client, 'connect');
    client.emit('edit-me', 'original');
    assert.deepEqual(await client.timeout(5000).emitWithAck('next', 'n'), ['n']);
    assert.deepEqual(received, [
      ['edit-me', 'edited'],
      ['next', 'n'],
    ]);
  } finally {
    client.close();
    await mitm.close();
  }
});

test('a held message holds the later ones of its direction; order is kept', async () => {
  received.length = 0;
  let release!: () => void;
  const released = new Promise<void>((r) => (release = r));
  let held = false;
  const mitm = await startMitm({
    message: (direction: string, m: { data: Buffer }) => {
      if (direction !== 'c2s' || !text(m).startsWith('42["first"')) return { action: 'pass' };
      held = true;
      return released.then(() => ({ action: 'pass' as const }));
    },
  });
  const client = connect(mitm.url);
  try {
    await once(client, 'connect');
    client.emit('first', 1);
    client.emit('second', 2);
    await new Promise((r) => setTimeout(r, 200));
    assert.ok(held);
    assert.deepEqual(received, []);
    release();
    assert.deepEqual(await client.timeout(5000).emitWithAck('third', 3), [3]);
    assert.deepEqual(
      received.map((r) => r[0]),
      ['first', 'second', 'third'],
    );
  } finally {
    client.close();
    await mitm.close();
  }
});

test('an injected message reaches the client as an event, between compressed ones', async () => {
  const mitm = await startMitm({ message: () => ({ action: 'pass' }) });
  const client = connect(mitm.url);
  try {
    await once(client, 'connect');
    const link = await mitm.link;
    const got = once<number>(client, 'injected');
    link.inject('s2c', '42["injected",7]');
    assert.equal(await got, 7);
    assert.deepEqual(await client.timeout(5000).emitWithAck('echo', 'y'.repeat(3000)), ['y'.repeat(3000)]);
  } finally {
    client.close();
    await mitm.close();
  }
});

test('destroy() cuts both legs: the client reports transport close', async () => {
  const mitm = await startMitm({ message: () => ({ action: 'pass' }) });
  const client = connect(mitm.url);
  try {
    await once(client, 'connect');
    const reason = once<string>(client, 'disconnect');
    (await mitm.link).destroy();
    assert.equal(await reason, 'transport close');
  } finally {
    client.close();
    await mitm.close();
  }
});

test('piped, then terminated mid-connection with compression on: a drop after the switch breaks nothing', async () => {
  received.length = 0;
  const seen: string[] = [];
  const mitm = await startMitm(undefined, {
    ...quietObserver,
    message: (direction, data) => seen.push(`${direction} ${data.toString().slice(0, 12)}`),
  });
  const client = connect(mitm.url);
  try {
    await once(client, 'connect');
    for (let i = 0; i < 5; i++)
      assert.deepEqual(await client.timeout(5000).emitWithAck('before', 'p'.repeat(1500)), [
        'p'.repeat(1500),
      ]);
    assert.equal(seen.filter((s) => /^c2s 42\d*\["before"/.test(s)).length, 5, JSON.stringify(seen));
    const link = await mitm.link;
    assert.equal(link.terminated, false);
    await link.terminate({
      message: (direction, m) =>
        direction === 'c2s' && m.data.toString().startsWith('42["drop-me"')
          ? { action: 'drop' }
          : { action: 'pass' },
    });
    assert.equal(link.terminated, true);
    client.emit('drop-me', 'd'.repeat(1500));
    for (let i = 0; i < 5; i++)
      assert.deepEqual(await client.timeout(5000).emitWithAck('after', 'q'.repeat(1500 + i)), [
        'q'.repeat(1500 + i),
      ]);
    assert.deepEqual(
      received.map((r) => r[0]),
      ['before', 'before', 'before', 'before', 'before', 'after', 'after', 'after', 'after', 'after'],
    );
    link.inject('s2c', '42["injected","late"]');
    assert.equal(await once(client, 'injected'), 'late');
  } finally {
    client.close();
    await mitm.close();
  }
});

test('terminating while messages stream both ways loses, duplicates and reorders nothing', async () => {
  received.length = 0;
  const mitm = await startMitm(undefined);
  const client = connect(mitm.url);
  try {
    await once(client, 'connect');
    const acks: Promise<unknown>[] = [];
    for (let i = 0; i < 200; i++) {
      acks.push(client.timeout(10000).emitWithAck('n', i, 'z'.repeat(i * 7)));
      if (i === 100) void (await mitm.link).terminate({ message: () => ({ action: 'pass' }) });
    }
    const answers = await Promise.all(acks);
    answers.forEach((a, i) => assert.deepEqual(a, [i, 'z'.repeat(i * 7)]));
    assert.deepEqual(
      received.map((r) => r[1]),
      Array.from({ length: 200 }, (_, i) => i),
    );
    assert.equal((await mitm.link).terminated, true);
  } finally {
    client.close();
    await mitm.close();
  }
});
