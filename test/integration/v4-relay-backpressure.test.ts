/**
 * The WebSocket relay under backpressure: when the target stops reading, the client's frames wait in
 * the pipe's write queue while the proxy observes them. Observation must not touch those bytes (ws's
 * frame parser unmasks in place: on the relayed chunk itself, the target got garbage).
 */
import assert from 'node:assert/strict';
import type { Socket as NetSocket } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { sleep, waitFor } from '../support/harness.js';
import { startEnv, type Env } from '../support/v4-helpers.js';

const N = 20_000;
const text = (i: number) => `${'x'.repeat(i % 2000)}${i}`;

describe('v4 WebSocket relay under backpressure', () => {
  let env: Env;
  let targetTcp: NetSocket | undefined;
  let received = 0;
  let wrong = 0;
  const closes: string[] = [];
  before(async () => {
    env = await startEnv({ maxHttpBufferSize: 1e8 });
    env.target.io.on('connection', (socket) => {
      const transport = socket.conn.transport as unknown as { socket?: { _socket?: NetSocket } };
      targetTcp = transport.socket?._socket;
      socket.conn.on('close', (reason: string) => closes.push(reason));
      socket.on('m', (i: number, s: string) => {
        received++;
        if (s !== text(i)) wrong++;
      });
    });
  });
  after(() => env.close());

  test('masked frames queued while the target does not read reach it intact', async () => {
    const client = await env.connect('proxy', { transports: ['websocket'] });
    assert.ok(targetTcp, "the target's TCP socket");
    targetTcp.pause();
    for (let i = 0; i < N; i++) client.emit('m', i, text(i));
    await sleep(500); // the proxy's kernel buffers towards the target fill; the rest waits in the pipe
    targetTcp.resume();
    await waitFor(() => received === N || closes.length > 0, 15_000, 'every message or a close');
    assert.deepEqual(closes, [], 'the target did not close the connection');
    assert.equal(wrong, 0, 'every message arrived as sent');
    assert.equal(received, N);
  });
});
