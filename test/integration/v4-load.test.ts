/**
 * Socket.IO v4 under a little load through the proxy: many concurrent sessions, each its own, none
 * mixed up with another.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Socket } from 'socket.io-client';
import { sleep, waitFor } from '../support/harness.js';
import {
  closeClient,
  engineId,
  random,
  sessionEvents,
  startEnv,
  toBuffer,
  type Env,
} from '../support/v4-helpers.js';

const CLIENTS = 50;

describe('v4 concurrent clients', () => {
  let env: Env;
  before(async () => {
    env = await startEnv();
    env.target.io.on('connection', (socket) => {
      socket.on('whoami', (token: string, blob: unknown, ack: (...args: unknown[]) => void) =>
        ack({ token, id: socket.id, sid: engineId(socket), hex: toBuffer(blob).toString('hex') }),
      );
    });
  });
  after(() => env.close());

  test(`${CLIENTS} concurrent clients each complete an acked round trip with their own data`, async () => {
    const transportsFor = (i: number) =>
      i % 3 === 0 ? ['polling'] : i % 3 === 1 ? ['websocket'] : ['polling', 'websocket'];
    const clients: Socket[] = Array.from({ length: CLIENTS }, (_, i) =>
      env.client('proxy', { transports: transportsFor(i) }),
    );
    try {
      const results = await Promise.all(
        clients.map(async (client, i) => {
          await waitFor(() => client.connected, 8000, `client ${i} to connect`);
          const token = `client-${i}`;
          const blob = random(64 + i);
          const reply = (await client.timeout(8000).emitWithAck('whoami', token, blob)) as {
            token: string;
            id: string;
            sid: string;
            hex: string;
          };
          return { client, token, blob, reply };
        }),
      );
      for (const { client, token, blob, reply } of results) {
        assert.equal(reply.token, token, 'the ack answers this client, not another');
        assert.equal(reply.id, client.id);
        assert.equal(reply.sid, client.io.engine.id);
        assert.equal(reply.hex, blob.toString('hex'));
      }
      const sids = new Set(results.map((r) => r.reply.sid));
      assert.equal(sids.size, CLIENTS, 'every client has its own session');
      assert.equal(env.target.io.of('/').sockets.size, CLIENTS);
      const announced = new Set(sessionEvents(env.proxy.events).map((e) => e.sessionId));
      for (const sid of sids) assert.ok(announced.has(sid), `the proxy announced ${sid}`);
      assert.equal(env.proxy.proxy.sessions.size, CLIENTS, 'the proxy tracks each live session');
      // One broadcast from the target reaches every one of them exactly once.
      const received = clients.map(() => [] as unknown[]);
      clients.forEach((c, i) => c.on('all', (v: unknown) => received[i]!.push(v)));
      env.target.io.emit('all', 'to everyone');
      await waitFor(() => received.every((r) => r.length >= 1), 5000, 'the broadcast on every client');
      await sleep(50);
      assert.ok(received.every((r) => r.length === 1 && r[0] === 'to everyone'));
      const errors = env.proxy.events.filter((e) => e.type === 'error');
      assert.deepEqual(errors, [], 'healthy sessions raise no error event');
    } finally {
      for (const client of clients) closeClient(client);
    }
    await waitFor(() => env.target.io.of('/').sockets.size === 0, 3000, 'every socket gone on the target');
    await waitFor(() => env.proxy.proxy.sessions.size === 0, 3000, 'every session gone from the proxy');
  });
});
