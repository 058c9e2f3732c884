/**
 * The piped wire gives ws's parser the client's masked bytes without a copy when the target's socket
 * wrote them at once, and with one when the socket still holds them (proxy/engine/websocket-wire.ts
 * `parserCopy`): ws unmasks in place, so a missed copy would corrupt what the target is still to be
 * sent. A target that stops reading (a real `ws` server whose socket is paused) makes the proxy's
 * writes queue; every message must still reach it, and the observer, byte for byte.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import WebSocket, { WebSocketServer } from 'ws';
import type { LinkObserver } from '../../proxy/engine/websocket-wire.js';
import { startMitm, type Mitm } from '../support/websocket-mitm.js';

// Small messages: ws unmasks a frame in place only when the chunk holds all of it (one that spans
// chunks is gathered into a copy first), and 16 MB of them overflow the loopback buffers.
const MESSAGES = 8000;
const SIZE = 2048;

let server: WebSocketServer;
let port: number;
let serverSide: Promise<WebSocket>;

before(async () => {
  server = new WebSocketServer({ port: 0, host: '127.0.0.1', perMessageDeflate: false, maxPayload: 0 });
  await new Promise<void>((r) => server.once('listening', () => r()));
  port = (server.address() as AddressInfo).port;
});

after(() => new Promise<void>((r) => server.close(() => r())));

/** Message i: SIZE bytes that differ from every other message's, so a mix-up shows too. */
function message(i: number): Buffer {
  const bytes = Buffer.alloc(SIZE);
  for (let j = 0; j < SIZE; j += 4) bytes.writeUInt32LE((j * 2654435761 + i * 40503) >>> 0, j);
  return bytes;
}

const digest = (b: Buffer) => createHash('sha256').update(b).digest('hex');

async function relay(pauseTarget: boolean): Promise<void> {
  const observed: string[] = [];
  const observer: LinkObserver = {
    message: (direction, data) => void (direction === 'c2s' && observed.push(digest(data))),
    close() {},
    error() {},
  };
  serverSide = new Promise((r) => server.once('connection', (ws) => r(ws)));
  const mitm: Mitm = await startMitm(port, () => {}, observer);
  const client = new WebSocket(mitm.url.replace('http', 'ws'), { perMessageDeflate: false });
  try {
    await new Promise((r, j) => client.once('open', r).once('error', j));
    const target = await serverSide;
    const received: string[] = [];
    const all = new Promise<void>((r) =>
      target.on('message', (data: Buffer) => {
        received.push(digest(data));
        if (received.length === MESSAGES) r();
      }),
    );
    const socket = (target as unknown as { _socket: import('node:net').Socket })._socket;
    if (pauseTarget) socket.pause();
    const sent = Array.from({ length: MESSAGES }, (_, i) => message(i));
    for (const bytes of sent) client.send(bytes, { binary: true });
    if (pauseTarget) {
      // Long enough for the proxy's target leg to fill the loopback buffers and queue the rest.
      await new Promise((r) => setTimeout(r, 400));
      const wire = await mitm.link;
      assert.ok(wire, 'the wire is up');
      socket.resume();
    }
    await all;
    const expected = sent.map(digest);
    assert.deepEqual(received, expected, 'the target got every message intact, in order');
    assert.deepEqual(observed, expected, 'the observer saw every message intact, in order');
  } finally {
    client.terminate();
    await mitm.close();
  }
}

test('masked messages written at once reach the target and the observer intact', () => relay(false));

test('masked messages the target is slow to read (queued on the proxy) reach both intact', () => relay(true));
