/** The target's nodes: handshakes in turn, a node that refuses set aside until it answers again. */
import assert from 'node:assert/strict';
import net from 'node:net';
import { test } from 'node:test';
import { TargetPool, type TargetNode } from '../../proxy/engine/target-pool.js';

async function listen(port = 0): Promise<net.Server> {
  const server = net.createServer((s) => s.destroy());
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return server;
}
const urlOf = (s: net.Server) => new URL(`http://127.0.0.1:${(s.address() as net.AddressInfo).port}`);

test('new handshakes go to the nodes in turn, skipping those tried and those set aside', async () => {
  const servers = await Promise.all([listen(), listen(), listen()]);
  const pool = new TargetPool(servers.map(urlOf));
  try {
    const [a, b, c] = pool.list() as [TargetNode, TargetNode, TargetNode];
    assert.deepEqual([pool.next(), pool.next(), pool.next(), pool.next()], [a, b, c, a]);
    assert.equal(pool.next(new Set([b])), c, 'b was tried: c is next');
    pool.failed(a, 'refused');
    assert.equal(a.down, true);
    assert.deepEqual([pool.next(), pool.next(), pool.next()], [b, c, b]);
    assert.equal(pool.next(new Set([b, c])), undefined, 'every node up was tried');
    assert.equal(pool.any(), b);
  } finally {
    pool.close();
    for (const s of servers) s.close();
  }
});

test('a node set aside comes back once a probe connects, and the pool says so', async () => {
  const up = await listen();
  const gone = await listen();
  const port = (gone.address() as net.AddressInfo).port;
  await new Promise((resolve) => gone.close(resolve));
  const said: string[] = [];
  const pool = new TargetPool([urlOf(up), new URL(`http://127.0.0.1:${port}`)], {
    down: (n, why) => said.push(`down ${n.origin} ${why}`),
    up: (n) => said.push(`up ${n.origin}`),
  });
  try {
    const node = pool.list()[1]!;
    pool.failed(node, 'ECONNREFUSED');
    pool.failed(node, 'ECONNREFUSED');
    assert.deepEqual(said, [`down ${node.origin} ECONNREFUSED`], 'said once');
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(node.down, true, 'still down: nothing listens');
    const back = await listen(port);
    const until = Date.now() + 5000;
    while (node.down && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    assert.equal(node.down, false);
    assert.deepEqual(said.at(-1), `up ${node.origin}`);
    back.close();
  } finally {
    pool.close();
    up.close();
  }
});

test('one node is never set aside: every request goes to it, as before', () => {
  const pool = new TargetPool([new URL('http://127.0.0.1:1')]);
  const only = pool.first;
  pool.failed(only, 'refused');
  assert.equal(only.down, false);
  assert.equal(pool.next(), only);
  pool.close();
});
