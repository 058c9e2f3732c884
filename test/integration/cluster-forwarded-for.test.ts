/**
 * A polling handshake that the proxy retries on the next node (the first refused the connection)
 * reaches that node with the X-Forwarded-* headers of one hop, as a handshake that was not retried:
 * the headers the first try wrote into the request are not added again (issue #15).
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, before, test } from 'node:test';
import { io, type Socket } from 'socket.io-client';
import { createProxy, type SioProxy } from '../../proxy/api.js';
import { startTarget, type Target } from '../support/harness.js';

/** A loopback port nobody listens on: a node that is down. */
async function deadPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

let live: Target;
let proxy: SioProxy;
let client: Socket | undefined;
const forwardedFor: Array<string | undefined> = [];

before(async () => {
  live = await startTarget();
  live.io.engine.on('initial_headers', (_headers: unknown, req: { headers: Record<string, string> }) => {
    forwardedFor.push(req.headers['x-forwarded-for']);
  });
  // The dead node first: the first handshake goes to it, and is retried on the live one.
  proxy = await createProxy({ targets: [`http://127.0.0.1:${await deadPort()}`, live.url] });
});

after(async () => {
  client?.close();
  await proxy.close();
  await live.close();
});

test('a handshake retried on the next node carries one X-Forwarded-For', async () => {
  client = io(proxy.url, { transports: ['polling'], reconnection: false, forceNew: true });
  await new Promise<void>((resolve, reject) => {
    client!.once('connect', resolve);
    client!.once('connect_error', reject);
  });
  assert.equal(forwardedFor.length, 1, 'one handshake reached the live node');
  assert.equal(forwardedFor[0], '127.0.0.1', `X-Forwarded-For: ${forwardedFor[0]}`);
});
