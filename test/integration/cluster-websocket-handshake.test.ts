/**
 * WebSocket-only clients (`transports: ['websocket']`: the first request is the upgrade, no sid)
 * through one proxy fronting three real socket.io@4 nodes (@socket.io/redis-adapter on a real
 * redis-server), right after a node died and before the proxy knows it: the upgrade that reaches
 * the dead node is sent again to the next one, so the client never sees the failure (issue #15).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { io, type Socket } from 'socket.io-client';
import { createProxy, type SioProxy } from '../../proxy/api.js';
import type { SessionEvent } from '../../shared/events.js';
import { killNode, startCluster, type Cluster, type ClusterNode } from '../support/cluster-nodes.js';

describe('WebSocket-only handshakes when a node has just died', { timeout: 120_000 }, () => {
  let cluster: Cluster | undefined;
  let nodes: ClusterNode[] = [];
  let proxy: SioProxy;
  const sockets: Socket[] = [];

  /** Connects with WebSocket only and no reconnection: the first try is the only one. */
  const firstTry = (who: string): Promise<Socket> => {
    const s = io(proxy.url, {
      forceNew: true,
      query: { who },
      transports: ['websocket'],
      reconnection: false,
    });
    sockets.push(s);
    return new Promise((resolve, reject) => {
      s.once('connect', () => resolve(s));
      s.once('connect_error', (err) => reject(new Error(`${who}: connect_error ${err.message}`)));
    });
  };
  const sessionOf = (s: Socket): SessionEvent | undefined =>
    proxy.history().find((e): e is SessionEvent => e.type === 'session' && e.sessionId === s.io.engine?.id);

  before(async () => {
    cluster = await startCluster(['a', 'b', 'c']);
    nodes = cluster.nodes;
    proxy = await createProxy({ targets: nodes.map((n) => n.url) });
  });

  after(async () => {
    for (const s of sockets) s.close();
    await proxy?.close();
    await cluster?.stop();
  });

  test('every client connects on its first try, none on the dead node', async () => {
    const victim = nodes[1]!;
    await killNode(victim);
    // Six at once: the nodes are taken in turn, so at least one upgrade is sent to the dead node
    // before the proxy has set it aside.
    const clients = await Promise.all(['w1', 'w2', 'w3', 'w4', 'w5', 'w6'].map(firstTry));
    for (const s of clients) {
      assert.equal(s.io.engine.transport.name, 'websocket');
      const target = sessionOf(s)?.target;
      assert.ok(target && target !== victim.url, `session on ${target}`);
      assert.notEqual(await s.timeout(5000).emitWithAck('whoami'), victim.name);
    }
    const history = proxy.history();
    assert.ok(
      history.some((e) => e.type === 'error' && e.message.includes(`target node ${victim.url}`)),
      'the proxy says the node is down',
    );
    assert.deepEqual(
      history.filter((e) => e.type === 'http' && e.status !== 101).map((e) => e.type === 'http' && e.status),
      [],
      'every upgrade answered 101',
    );
  });

  test('with every node down the upgrade is refused, as with one target', async () => {
    await Promise.all(nodes.map(killNode));
    const since = proxy.history().at(-1)?.seq ?? 0;
    await assert.rejects(firstTry('none'), /connect_error/);
    const refused = proxy.history().filter((e) => e.seq > since && e.type === 'http' && e.status === 502);
    assert.equal(refused.length, 1, 'one refusal, after each node was tried once at most');
  });
});
