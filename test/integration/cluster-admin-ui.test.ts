/**
 * Rooms from @socket.io/admin-ui across a cluster (issue #15): three socket.io@4 nodes sharing a real
 * redis-server through @socket.io/redis-adapter, each instrumented with admin-ui (its `serverId` the
 * node's name), clients through one proxy given all three nodes and `adminUi: true`.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { io, type Socket } from 'socket.io-client';
import { createProxy, type SioProxy } from '../../proxy/api.js';
import type { RoomEvent, SessionEvent } from '../../shared/events.js';
import { killNode, startNode, type ClusterNode } from '../support/cluster-nodes.js';
import { validateEvent } from '../support/event-schema.js';
import { sleep, waitFor } from '../support/harness.js';
import { startRedis, type RedisServer } from '../support/redis-server.js';

describe('admin-ui rooms across a cluster of three nodes', { timeout: 120_000 }, () => {
  let redis: RedisServer;
  let nodes: ClusterNode[] = [];
  let proxy: SioProxy;
  const sockets: Socket[] = [];

  const connected = async (who: string): Promise<Socket> => {
    const s = io(proxy.url, { forceNew: true, query: { who } });
    sockets.push(s);
    await new Promise<void>((resolve, reject) => {
      s.once('connect', resolve);
      s.once('connect_error', reject);
    });
    return s;
  };
  const rooms = (): RoomEvent[] =>
    proxy
      .history({ type: 'room' })
      .filter((e): e is RoomEvent => e.type === 'room' && e.source === 'admin-ui');
  const nodeOf = (s: Socket): string | undefined =>
    proxy
      .history({ type: 'session' })
      .find((e): e is SessionEvent => e.type === 'session' && e.sessionId === s.io.engine?.id)?.target;

  before(async () => {
    redis = await startRedis();
    nodes = await Promise.all(['a', 'b', 'c'].map((n) => startNode(n, redis.url, 0, { adminUi: true })));
    proxy = await createProxy({ targets: nodes.map((n) => n.url), adminUi: true });
  });

  after(async () => {
    for (const s of sockets) s.close();
    await proxy?.close();
    await Promise.all(nodes.map(killNode));
    await redis?.stop();
  });

  test('each membership once, with the session and the node it lives on', async () => {
    const clients = [await connected('one'), await connected('two'), await connected('three')];
    assert.deepEqual(clients.map(nodeOf).sort(), nodes.map((n) => n.url).sort(), 'one client per node');
    await Promise.all(clients.map((s, i) => s.timeout(5000).emitWithAck('join', `room-${i}`)));
    await Promise.all(clients.map((s) => s.timeout(5000).emitWithAck('join', 'everyone')));
    const expected = clients.flatMap((s, i) =>
      [s.id!, `room-${i}`, 'everyone'].map((room) => `${s.id} ${room}`),
    );
    await waitFor(
      () =>
        expected.every((k) => rooms().some((e) => e.action === 'join' && `${e.socketId} ${e.room}` === k)),
      10_000,
      'every join',
    );
    await sleep(300); // anything published twice (one per node) would come now
    const joins = rooms().filter((e) => e.action === 'join' && clients.some((s) => s.id === e.socketId));
    assert.deepEqual(joins.map((e) => `${e.socketId} ${e.room}`).sort(), expected.sort(), 'each join once');
    for (const e of joins) {
      const s = clients.find((c) => c.id === e.socketId)!;
      assert.equal(e.sessionId, s.io.engine.id);
      assert.equal(e.node, nodeOf(s), `${e.room} of ${e.socketId} on its node`);
    }
    for (const e of rooms())
      assert.deepEqual(validateEvent(JSON.parse(JSON.stringify(e))), [], 'fits the schema');
    // One node's admin namespace reports the others' rooms (through the adapter): the cluster is
    // read from the first node alone, never once per node.
    const everyone = rooms().filter((e) => e.room === 'everyone' && e.action === 'join');
    assert.deepEqual(
      everyone.map((e) => e.node).sort(),
      nodes.map((n) => n.url).sort(),
      'one member of everyone per node',
    );
  });

  test('the node the rooms are read from killed: read from another, its members leave, new joins arrive', async () => {
    const [first] = nodes;
    const onFirst = sockets.filter((s) => s.connected && nodeOf(s) === first!.url).map((s) => s.id!);
    const survivors = sockets.filter((s) => s.connected && nodeOf(s) !== first!.url).map((s) => s.id!);
    assert.ok(onFirst.length > 0 && survivors.length > 0, 'clients on the first node and on others');
    await killNode(first!);
    // Its sockets are gone with it: the snapshot of the node read next has them no more.
    for (const id of onFirst) {
      await waitFor(
        () => rooms().some((e) => e.action === 'leave' && e.socketId === id && e.room === 'everyone'),
        15_000,
        `the leave of ${id}`,
      );
    }
    const late = await connected('late');
    assert.notEqual(nodeOf(late), first!.url);
    await late.timeout(5000).emitWithAck('join', 'late-room');
    const join = await waitFor(
      () => rooms().find((e) => e.action === 'join' && e.socketId === late.id && e.room === 'late-room'),
      10_000,
      'a join after the node died',
    );
    assert.equal(join.sessionId, late.io.engine.id);
    assert.equal(join.node, nodeOf(late));
    // The survivors' memberships were never left.
    for (const id of survivors)
      assert.ok(
        !rooms().some((e) => e.action === 'leave' && e.socketId === id),
        `no leave for ${id} on a living node`,
      );
  });
});
