/**
 * A Socket.IO client pointed at the dashboard's port instead of the proxy's is told where to go
 * (proxy/ui/misdirected-client.ts), over polling and WebSocket, rather than "missing or wrong token";
 * the dashboard's own routes still want the token.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { io } from 'socket.io-client';
import WebSocket from 'ws';
import { startStreamEnv, type StreamEnv } from '../support/stream-env.js';

describe('a client pointed at the dashboard port', () => {
  let env: StreamEnv;
  before(async () => {
    env = await startStreamEnv();
  });
  after(() => env.close());

  test('polling: a 400 in Engine.IO form that names the proxy', async () => {
    for (const path of ['/socket.io/?EIO=4&transport=polling', '/custom/?EIO=3&transport=polling&t=x']) {
      const res = await fetch(env.url(path, null));
      assert.equal(res.status, 400, path);
      assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
      const body = (await res.json()) as { code: number; message: string };
      assert.equal(typeof body.code, 'number');
      assert.match(body.message, /this is the sio-proxy dashboard/);
      assert.ok(body.message.includes(env.proxy.url), `${body.message} names ${env.proxy.url}`);
    }
  });

  test('WebSocket: a raw 400 that names the proxy', async () => {
    const ws = new WebSocket(env.url('/socket.io/?EIO=4&transport=websocket', null, 'ws'));
    const { status, body } = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      ws.once('open', () => reject(new Error('the dashboard accepted an Engine.IO WebSocket')));
      ws.once('error', () => {});
      ws.once('unexpected-response', (_req, res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      });
    });
    assert.equal(status, 400);
    assert.match(body, /this is the sio-proxy dashboard/);
    assert.ok(body.includes(env.proxy.url), body);
  });

  test('a socket.io client fails to connect instead of hanging on a token', async () => {
    const client = io(env.origin, { transports: ['polling'], reconnection: false, forceNew: true });
    try {
      const err = await new Promise<Error & { description?: unknown }>((resolve) =>
        client.once('connect_error', resolve),
      );
      assert.equal(err.description, 400);
    } finally {
      client.close();
    }
  });

  test('the dashboard routes still want the token, whatever their query', async () => {
    for (const path of ['/api/sessions', '/api/sessions?transport=polling', '/api/har?EIO=4']) {
      const res = await fetch(env.url(path, null));
      assert.equal(res.status, 401, path);
      await res.body?.cancel();
    }
  });
});
