/**
 * Binary through the proxy with Engine.IO v3 (socket.io@2 <-> socket.io-client@2): in event args and
 * in acks, both ways, byte for byte. Over WebSocket binary frames carry a leading packet-type byte.
 * Over polling `forceBase64: true` sends `b64=1` and binary travels as `b4...` text.
 *
 * XHR2 binary payloads (application/octet-stream bodies) cannot come from socket.io-client@2 in Node:
 * engine.io-client@3 (lib/transports/polling.js) only uses them when `new XMLHttpRequest()` has a
 * `responseType`, and xmlhttprequest-ssl@1.6 has none, so the Node client always polls with b64=1.
 * The first mode below pins that fact; v2-raw-polling.test.ts drives XHR2 payloads by hand against
 * the real socket.io@2 server instead.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { V2ClientOptions, V2ClientSocket } from 'socket.io-client-v2';
import type { V2ServerSocket } from 'socket.io-v2';
import { startProxy, waitFor, type Proxy } from '../support/harness.js';
import {
  allBytes,
  bytesOf,
  closeSuite,
  connectPair,
  describeEvents,
  emitWithAckV2,
  packetEvents,
  sessionEvents,
  startV2Target,
  type V2Target,
} from '../support/v2-helpers.js';

type Ack = (...args: unknown[]) => void;

const MODES: Array<{ name: string; opts: V2ClientOptions; transport: string }> = [
  {
    name: 'polling, default options (b64=1 in Node)',
    opts: { transports: ['polling'] },
    transport: 'polling',
  },
  {
    name: 'polling, forceBase64: true',
    opts: { transports: ['polling'], forceBase64: true },
    transport: 'polling',
  },
  { name: 'websocket', opts: { transports: ['websocket'] }, transport: 'websocket' },
];

const reversed = (b: Buffer) => Buffer.from(b).reverse();

function assertSameBytes(actual: unknown, expected: Buffer, what: string): void {
  const bytes = bytesOf(actual);
  assert.ok(bytes, `${what} arrived as binary (got ${Object.prototype.toString.call(actual)})`);
  assert.equal(bytes.length, expected.length, `${what}: length`);
  assert.ok(bytes.equals(expected), `${what}: same bytes`);
}

describe('Engine.IO v3 binary through the proxy', () => {
  let target: V2Target;
  let proxy: Proxy;
  const big = allBytes(5000); // every byte value, 0xFF included (the XHR2 length terminator)
  const small = Buffer.from([0xff, 0x00, 0x04, 0xff]);

  before(async () => {
    target = await startV2Target();
    target.io.on('connection', (socket: V2ServerSocket) => {
      // Checks the bytes server-side and answers with binary: the reversed buffers, in an ack.
      socket.on('upload', (label: unknown, a: unknown, nested: unknown, ack: Ack) => {
        const b = bytesOf((nested as { inner?: unknown } | undefined)?.inner);
        const first = bytesOf(a);
        ack(
          label,
          first ? reversed(first) : 'not binary',
          b ? { inner: reversed(b), size: b.length } : 'not binary',
        );
      });
    });
    proxy = await startProxy(target.url);
  });

  after(() => closeSuite(proxy, target));

  for (const mode of MODES) {
    describe(mode.name, () => {
      let client: V2ClientSocket;
      let server: V2ServerSocket;
      let requestsBefore = 0;

      before(async () => {
        requestsBefore = target.requests.length;
        ({ client, server } = await connectPair(target.io.sockets, proxy.url, mode.opts));
      });
      after(() => client.close());

      test('client -> server: binary args, and binary in the ack, byte for byte', async () => {
        const [label, first, nested] = await emitWithAckV2(client, 'upload', 'u1', big, { inner: small });
        assert.equal(label, 'u1');
        assertSameBytes(first, reversed(big), 'first ack arg');
        const n = nested as { inner?: unknown; size?: unknown };
        assert.equal(n.size, small.length);
        assertSameBytes(n.inner, reversed(small), 'nested ack arg');
        assert.equal(client.io.engine.transport.name, mode.transport);
      });

      test('server -> client: binary args, and binary in the ack, byte for byte', async () => {
        client.on('download', ((a: unknown, b: unknown, ack: Ack) => {
          const x = bytesOf(a);
          const y = bytesOf((b as { deep?: unknown[] } | undefined)?.deep?.[1]);
          ack(x ? reversed(x) : 'not binary', { deep: [y ? reversed(y) : 'not binary'] });
        }) as (...a: never[]) => void);
        const [first, second] = await emitWithAckV2(server, 'download', big, { deep: ['text', small] });
        assertSameBytes(first, reversed(big), 'ack arg from the client');
        assertSameBytes(
          (second as { deep?: unknown[] }).deep?.[0],
          reversed(small),
          'nested ack arg from the client',
        );
      });

      if (mode.transport === 'polling') {
        test('polling used b64=1: base64 text bodies, no octet-stream', () => {
          const mine = target.requests.slice(requestsBefore);
          const handshake = mine.find((r) => r.method === 'GET' && !r.url.includes('sid='));
          assert.ok(handshake, 'the handshake reached the target');
          assert.match(handshake.url, /[?&]b64=1(&|$)/, 'b64=1 in the handshake');
          const posts = mine.filter((r) => r.method === 'POST');
          assert.ok(posts.length > 0, 'the client posted');
          assert.deepEqual(
            posts.filter((r) => (r.contentType ?? '').startsWith('application/octet-stream')),
            [],
            'no octet-stream POST',
          );
          const session = sessionEvents(proxy.events).find((e) => e.sessionId === client.io.engine.id);
          assert.equal(session?.handshake.query.b64, '1', 'the proxy saw b64=1');
        });
      }

      test('the proxy reassembled binary events and acks with their attachment sizes', async () => {
        const sid = client.io.engine.id;
        const events = await waitFor(
          () => {
            const ps = packetEvents(proxy.events, sid);
            return ps.some((e) => e.direction === 'c2s' && e.sio?.type === 'BINARY_ACK') ? ps : undefined;
          },
          2000,
          `a BINARY_ACK from the client on the bus:\n${describeEvents(packetEvents(proxy.events, sid))}`,
        );
        const up = events.find((e) => e.direction === 'c2s' && e.sio?.event === 'upload');
        assert.equal(up?.sio?.type, 'BINARY_EVENT', describeEvents(events));
        assert.deepEqual(up?.sio?.attachments, [big.length, small.length]);
        const args = up?.sio?.args as unknown[] | undefined;
        assert.equal(args?.[0], 'upload');
        assertSameBytes(args?.[2], big, 'decoded attachment 0 on the bus');
        const upAck = events.find(
          (e) =>
            e.direction === 's2c' &&
            e.sio?.id === up?.sio?.id &&
            (e.sio?.type === 'ACK' || e.sio?.type === 'BINARY_ACK'),
        );
        assert.equal(upAck?.sio?.type, 'BINARY_ACK');
        assert.deepEqual(upAck?.sio?.attachments, [big.length, small.length]);
        const down = events.find((e) => e.direction === 's2c' && e.sio?.event === 'download');
        assert.equal(down?.sio?.type, 'BINARY_EVENT');
        assert.deepEqual(down?.sio?.attachments, [big.length, small.length]);
        const errors = proxy.events.filter((e) => e.type === 'error' && e.sessionId === sid);
        assert.deepEqual(errors, [], 'no error reported for this session');
      });
    });
  }

  test('binary across the polling -> websocket upgrade', async () => {
    const { client } = await connectPair(target.io.sockets, proxy.url, {
      transports: ['polling', 'websocket'],
    });
    const [, beforeUp] = await emitWithAckV2(client, 'upload', 'before', small, { inner: big });
    assertSameBytes(beforeUp, reversed(small), 'ack before the upgrade');
    await waitFor(() => client.io.engine.transport.name === 'websocket', 5000, 'the upgrade');
    const [, afterUp, nested] = await emitWithAckV2(client, 'upload', 'after', big, { inner: small });
    assertSameBytes(afterUp, reversed(big), 'ack after the upgrade');
    assertSameBytes((nested as { inner?: unknown }).inner, reversed(small), 'nested ack after the upgrade');
    client.close();
  });
});
