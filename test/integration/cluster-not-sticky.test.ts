/**
 * A balancer that is not sticky (issue #15): two real socket.io@4 nodes behind a round-robin
 * balancer written here, the proxy in front of the balancer. The second request of a polling
 * session reaches the other node, which answers "Session ID unknown": the proxy names it.
 */
import assert from 'node:assert/strict';
import { createServer, type Server as HttpServer } from 'node:http';
import { after, before, describe, test } from 'node:test';
import HttpProxy from 'http-proxy';
import { io, type Socket } from 'socket.io-client';
import { createProxy, type SioProxy } from '../../proxy/api.js';
import type { ProblemEvent, ProxyEvent } from '../../shared/events.js';
import { listenLoopback, startTarget, type Target } from '../support/harness.js';

/** Every request and every upgrade to the next node in turn: what a balancer without affinity does. */
async function roundRobin(targets: string[]): Promise<{ url: string; server: HttpServer; close(): void }> {
  const proxy = HttpProxy.createProxyServer({});
  proxy.on('error', () => {});
  let turn = 0;
  const next = () => targets[turn++ % targets.length]!;
  const server = createServer((req, res) => proxy.web(req, res, { target: next() }));
  server.on('upgrade', (req, socket, head) => proxy.ws(req, socket, head, { target: next() }));
  const { url } = await listenLoopback(server);
  return {
    url,
    server,
    close: () => {
      server.closeAllConnections();
      server.close();
      proxy.close();
    },
  };
}

describe('a balancer that is not sticky, in front of two nodes', { timeout: 60_000 }, () => {
  let nodes: Target[];
  let balancer: Awaited<ReturnType<typeof roundRobin>>;
  let proxy: SioProxy;
  const sockets: Socket[] = [];

  before(async () => {
    nodes = [await startTarget(), await startTarget()];
    for (const n of nodes)
      n.io.on('connection', (s) => s.on('ping-me', (ack: (x: string) => void) => ack('pong')));
    balancer = await roundRobin(nodes.map((n) => n.url));
    proxy = await createProxy({ target: balancer.url });
  });

  after(async () => {
    for (const s of sockets) s.close();
    await proxy.close();
    balancer.close();
    await Promise.all(nodes.map((n) => n.close()));
  });

  test('"Session ID unknown" for a sid that just handshook: a problem with the handshake, the refusal and both fixes', async () => {
    const since = proxy.history().at(-1)?.seq ?? 0;
    const s = io(proxy.url, { forceNew: true, reconnection: false });
    sockets.push(s);
    // (Each refusal is also an `error` problem, the proxy's generic one; this is the named cause.)
    const problem = (await proxy.waitFor((e) => e.type === 'problem' && e.kind === 'sticky-session', {
      since,
      timeout: 10_000,
    })) as ProblemEvent;
    const history = proxy.history();
    const handshake = history.find((e) => e.type === 'session' && e.sessionId === problem.sessionId);
    assert.ok(handshake, 'the session event of the refused sid');
    const refusal = history.find((e: ProxyEvent) => e.seq === problem.seqs[1]);
    assert.deepEqual(problem.seqs, [handshake.seq, refusal?.seq]);
    assert.ok(refusal && refusal.seq > handshake.seq);
    assert.match(JSON.stringify(refusal), /Session ID unknown/);
    assert.match(
      problem.evidence[0]!,
      new RegExp(
        `session ${problem.sessionId} was handshook by the target \\(#${handshake.seq}, over polling`,
      ),
    );
    assert.match(
      problem.evidence[1]!,
      /^\d+ ms after its handshake, .*"code":1,"message":"Session ID unknown"/,
    );
    assert.match(problem.fix, /sticky sessions/);
    assert.match(problem.fix, /transports: \['websocket'\]/);
  });

  test('the second fix works: a WebSocket-only client through the same balancer has no problem', async () => {
    const since = proxy.history().at(-1)?.seq ?? 0;
    const s = io(proxy.url, { forceNew: true, reconnection: false, transports: ['websocket'] });
    sockets.push(s);
    assert.equal(await s.timeout(5000).emitWithAck('ping-me'), 'pong');
    const sid = s.io.engine.id;
    assert.deepEqual(
      proxy.history().filter((e) => e.seq > since && e.type === 'problem' && e.sessionId === sid),
      [],
    );
    assert.ok(!proxy.history().some((e) => e.seq > since && e.type === 'error' && e.sessionId === sid));
  });
});
