/**
 * Two proxies in one process, each in front of its own target: every session, packet, upgrade and
 * close shows up on the bus and in the session table of the proxy its client went through, and
 * nowhere else. (Each proxy's relays pair requests with answers on their own http-proxy.)
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { io, type Socket } from 'socket.io-client';
import { startProxy, startTarget, waitFor, type Proxy, type Target } from '../support/harness.js';
import type { ProxyEvent } from '../../shared/events.js';

interface Side {
  name: string;
  target: Target;
  proxy: Proxy;
  clients: Socket[];
}

const sides: Side[] = [];

before(async () => {
  for (const name of ['a', 'b']) {
    const target = await startTarget();
    // Each target answers with its own name, so a packet shows which target it came from.
    target.io.on('connection', (s) =>
      s.on('echo', (v: unknown, ack: (v: unknown) => void) => ack({ from: name, v })),
    );
    sides.push({ name, target, proxy: await startProxy(target.url), clients: [] });
  }
});

after(async () => {
  for (const side of sides) {
    for (const c of side.clients) c.close();
    await side.proxy.close();
    await side.target.close();
  }
});

const connect = (side: Side, transports: string[]) =>
  new Promise<Socket>((resolve, reject) => {
    const c = io(side.proxy.url, { forceNew: true, reconnection: false, transports });
    side.clients.push(c);
    c.once('connect', () => resolve(c));
    c.once('connect_error', reject);
  });

const sidsOf = (events: ProxyEvent[]) =>
  new Set(events.flatMap((e) => ('sessionId' in e && e.sessionId ? [e.sessionId] : [])));

test('traffic through each proxy stays with its own sessions and events', async () => {
  const [a, b] = sides as [Side, Side];
  // Interleaved: both proxies handshake, poll, upgrade and relay at the same time.
  const clients = await Promise.all(
    [a, b].flatMap((side) => [
      connect(side, ['polling', 'websocket']),
      connect(side, ['polling']),
      connect(side, ['websocket']),
    ]),
  );
  const upgraded = [clients[0], clients[3]] as Socket[];
  await waitFor(() => upgraded.every((c) => c.io.engine.transport.name === 'websocket'), 5000, 'upgrades');
  const answers = await Promise.all(
    clients.map((c) => c.timeout(2000).emitWithAck('echo', c.io.engine.id) as Promise<{ from: string }>),
  );
  assert.deepEqual(
    answers.map((r) => r.from),
    ['a', 'a', 'a', 'b', 'b', 'b'],
  );

  for (const side of sides) {
    const own = side.clients.map((c) => c.io.engine.id);
    const other = sides.find((s) => s !== side)!.clients.map((c) => c.io.engine.id);
    assert.deepEqual(
      [...side.proxy.proxy.sessions.values()].map((s) => s.sid).sort(),
      [...own].sort(),
      `proxy ${side.name} tracks exactly its own clients' sessions`,
    );
    assert.deepEqual([...sidsOf(side.proxy.events)].sort(), [...own].sort(), `proxy ${side.name}'s events`);
    for (const sid of other) assert.equal(side.proxy.proxy.sessions.get(sid), undefined);
    // Each session's echo and its answer crossed its own proxy only.
    for (const sid of own) {
      const packets = side.proxy.events.filter(
        (e) => e.type === 'packet' && e.sessionId === sid && e.engine === 'message',
      );
      assert.ok(
        packets.some(
          (e) => e.type === 'packet' && e.direction === 's2c' && e.data?.includes(`"from":"${side.name}"`),
        ),
        `proxy ${side.name} saw the answer of its target for ${sid}`,
      );
    }
    assert.equal(
      side.proxy.events.filter((e) => e.type === 'upgrade' && e.stage === 'success' && e.leg === 'client')
        .length,
      1,
      `proxy ${side.name} saw its one upgrade`,
    );
  }

  // Ending b's sessions closes them in b only (a closed client forgets its sid: read it before).
  const bSids = new Set(b.clients.map((c) => c.io.engine.id));
  for (const c of b.clients) c.close();
  await waitFor(() => b.proxy.proxy.sessions.size === 0, 5000, "b's sessions to end");
  assert.equal(a.proxy.proxy.sessions.size, 3, "a's sessions live on");
  assert.equal(a.proxy.events.filter((e) => e.type === 'close').length, 0);
  const bCloses = b.proxy.events.filter((e) => e.type === 'close');
  assert.deepEqual(new Set(bCloses.map((e) => e.sessionId)), bSids);
});
