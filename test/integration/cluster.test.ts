/**
 * Several targets (issue #15): three real socket.io@4 nodes sharing a real redis-server through
 * @socket.io/redis-adapter, each its own process, and clients through one proxy given all three.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { io, type Socket } from 'socket.io-client';
import { createProxy, type SioProxy } from '../../proxy/api.js';
import type { AttemptEvent, ProxyEvent, SessionEvent } from '../../shared/events.js';
import { killNode as kill, startNode, type ClusterNode } from '../support/cluster-nodes.js';
import { startRedis, type RedisServer } from '../support/redis-server.js';

async function until<T>(fn: () => T | undefined, what: string, timeoutMs = 10_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('a cluster of three socket.io nodes behind one proxy', { timeout: 120_000 }, () => {
  let redis: RedisServer;
  let nodes: ClusterNode[] = [];
  let proxy: SioProxy;
  const sockets: Socket[] = [];

  const client = (who: string): Socket => {
    // A query of its own per client: the proxy tells reconnects apart by address, user agent and query.
    const s = io(proxy.url, {
      forceNew: true,
      query: { who },
      reconnectionDelay: 100,
      reconnectionDelayMax: 200,
      randomizationFactor: 0,
    });
    sockets.push(s);
    return s;
  };
  const connected = async (who: string): Promise<Socket> => {
    const s = client(who);
    await new Promise<void>((resolve, reject) => {
      s.once('connect', resolve);
      s.once('connect_error', reject);
    });
    return s;
  };
  const whoami = (s: Socket): Promise<string> => s.timeout(5000).emitWithAck('whoami');
  const sessionOf = (s: Socket): SessionEvent | undefined =>
    proxy
      .history({ type: 'session' })
      .find((e): e is SessionEvent => e.type === 'session' && e.sessionId === s.io.engine?.id);
  const upgraded = (s: Socket) => until(() => s.io.engine?.transport.name === 'websocket', 'the upgrade');

  before(async () => {
    redis = await startRedis();
    nodes = await Promise.all(['a', 'b', 'c'].map((n) => startNode(n, redis.url)));
    proxy = await createProxy({ targets: nodes.map((n) => n.url) });
  });

  after(async () => {
    for (const s of sockets) s.close();
    await proxy?.close();
    await Promise.all(nodes.map(kill));
    await redis?.stop();
  });

  test('new sessions go to the nodes in turn, and each stays on its node through its upgrade', async () => {
    const clients = [await connected('one'), await connected('two'), await connected('three')];
    await Promise.all(clients.map(upgraded));
    const targets = clients.map((s) => sessionOf(s)?.target);
    assert.deepEqual([...targets].sort(), nodes.map((n) => n.url).sort(), 'one session per node');
    // The node that answers is the node the session event names: every poll, and the WebSocket,
    // reached the node that handshook (any other would answer "Session ID unknown").
    const names = await Promise.all(clients.map(whoami));
    assert.deepEqual(
      names.map((name) => nodes.find((n) => n.name === name)?.url),
      targets,
    );
    const history = proxy.history();
    assert.equal(history.filter((e) => e.type === 'problem').length, 0, 'no problem');
    assert.equal(
      history.filter((e) => e.type === 'http' && e.status !== 200 && e.status !== 101).length,
      0,
      'no refused request',
    );
  });

  test('a broadcast from a client on one node reaches the clients on the others', async () => {
    const clients = [await connected('x'), await connected('y'), await connected('z')];
    const nodesOf = new Set(clients.map((s) => sessionOf(s)?.target));
    assert.equal(nodesOf.size, 3);
    const heard = clients.map(
      (s) => new Promise<{ msg: string; from: string }>((resolve) => s.once('heard', resolve)),
    );
    clients[0]!.emit('shout', 'hello cluster');
    const got = await Promise.all(heard);
    assert.deepEqual(
      got.map((g) => g.msg),
      ['hello cluster', 'hello cluster', 'hello cluster'],
    );
  });

  test('a node killed: its sessions end, their reconnects land on other nodes; it comes back when restarted', async () => {
    const clients = [await connected('k1'), await connected('k2'), await connected('k3')];
    await Promise.all(clients.map(upgraded));
    const victim = nodes[1]!;
    const onVictim = clients.find((s) => sessionOf(s)?.target === victim.url);
    assert.ok(onVictim, 'a client on the node to kill');
    const before = sessionOf(onVictim)!;
    const since = proxy.history().at(-1)?.seq ?? 0;

    await kill(victim);
    // socket.io-client reconnects by itself; the proxy sends the new handshake elsewhere.
    const attempt = (await proxy.waitFor(
      (e: ProxyEvent) =>
        e.type === 'attempt' &&
        e.clientKey === before.clientKey &&
        e.attempt >= 1 &&
        e.outcome === 'connected',
      { since, timeout: 15_000 },
    )) as AttemptEvent;
    assert.equal(attempt.previousNode, victim.url);
    assert.ok(attempt.node && attempt.node !== victim.url, `reconnected to ${attempt.node}`);
    assert.ok(
      attempt.evidence?.some((line) => line.includes(`the session that dropped was on ${victim.url}`)),
      attempt.evidence?.join('\n'),
    );
    await until(() => onVictim.connected, 'the reconnect');
    assert.notEqual(await whoami(onVictim), victim.name);
    assert.ok(
      proxy
        .history()
        .some((e) => e.type === 'error' && e.seq > since && e.message.includes(`target node ${victim.url}`)),
      'the proxy says the node is down',
    );

    // New handshakes avoid it while it is down.
    const fresh = [
      await connected('f1'),
      await connected('f2'),
      await connected('f3'),
      await connected('f4'),
    ];
    for (const s of fresh) assert.notEqual(sessionOf(s)?.target, victim.url);

    // Restarted on its port: a probe finds it, and new sessions reach it again.
    const restarted = await startNode(victim.name, redis.url, victim.port);
    nodes[1] = restarted;
    let back: Socket | undefined;
    for (let i = 0; i < 30 && !back; i++) {
      const s = await connected(`back${i}`);
      if (sessionOf(s)?.target === victim.url) back = s;
      else await new Promise((r) => setTimeout(r, 200));
    }
    assert.ok(back, 'a new session on the restarted node');
    assert.equal(await whoami(back), victim.name);
    // And it is part of the cluster again: a broadcast from it reaches a client on another node.
    const other = fresh[0]!;
    const heard = new Promise<{ from: string }>((resolve) => other.once('heard', resolve));
    back.emit('shout', 'back');
    assert.equal((await heard).from, victim.name);
  });
});
