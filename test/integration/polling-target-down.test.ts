/**
 * A polling-first socket.io-client@4 (default transports) reconnecting through a target that is
 * down: each refused polling handshake is a failed `attempt` of the same client, then the reconnect
 * is a connected one, as for a WebSocket client. Real socket.io@4 and socket.io-client@4. (A real
 * target down already gave them; the `target-down` fault did not: the relay answered its 502 before
 * telling the client registry.)
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { io, type Socket } from 'socket.io-client';
import { createProxy, type AttemptEvent, type ConnectEvent, type SioProxy } from '../../proxy/api.js';
import { once, startTarget, type Target } from '../support/harness.js';

const RECONNECT = { reconnectionDelay: 100, reconnectionDelayMax: 200, randomizationFactor: 0 };

/** The client's first session once it is on WebSocket. */
async function upgraded(proxy: SioProxy): Promise<ConnectEvent> {
  const first = (await proxy.waitFor({ type: 'connect', nsp: '/' })) as ConnectEvent;
  await proxy.waitFor({ type: 'upgrade', stage: 'success', leg: 'client' }, { since: 0 });
  return first;
}

function clientKeyOf(proxy: SioProxy, sessionId: string): string {
  const session = proxy.history().find((e) => e.type === 'session' && e.sessionId === sessionId);
  assert.ok(session?.type === 'session');
  return session.clientKey;
}

/** Resolves once the client reported two failed reconnection attempts (its polling handshakes). */
function refusedTwice(socket: Socket): Promise<void> {
  return new Promise((resolve) => {
    let n = 0;
    const onError = () => {
      if (++n < 2) return;
      socket.io.off('reconnect_error', onError);
      resolve();
    };
    socket.io.on('reconnect_error', onError);
  });
}

/** Resolves with the client's failed reconnect attempts seen by the proxy, then its connected one. */
async function attemptsUntilBack(proxy: SioProxy, since: number): Promise<AttemptEvent[]> {
  const back = (await proxy.waitFor((e) => e.type === 'attempt' && e.outcome === 'connected', {
    since,
    timeout: 10_000,
  })) as AttemptEvent;
  const attempts = proxy
    .history()
    .filter((e): e is AttemptEvent => e.type === 'attempt' && e.seq > since && e.seq <= back.seq);
  return attempts;
}

function assertFailedThenConnected(attempts: AttemptEvent[], clientKey: string): void {
  const failed = attempts.filter((a) => a.outcome === 'failed');
  assert.ok(failed.length >= 1, `failed attempts: ${JSON.stringify(attempts)}`);
  assert.equal(attempts.at(-1)!.outcome, 'connected');
  for (const a of attempts) assert.equal(a.clientKey, clientKey, 'one client, one series');
  // Numbered in turn: 1, 2, ... with the connected one last.
  assert.deepEqual(
    attempts.map((a) => a.attempt),
    attempts.map((_, i) => i + 1),
  );
  for (const a of failed) assert.match(a.error ?? '', /down|refused/);
}

interface Scene {
  proxy: SioProxy;
  target: Target;
}

/** A socket.io@4 target, the proxy in front of it, and the client `connect` makes, all closed after. */
async function withScene(
  connect: (proxy: SioProxy) => Socket,
  fn: (scene: Scene, socket: Socket) => Promise<void>,
) {
  const scene = { target: await startTarget() } as Scene;
  scene.proxy = await createProxy({ target: scene.target.url });
  const socket = connect(scene.proxy);
  try {
    await fn(scene, socket);
  } finally {
    socket.close();
    await scene.proxy.close();
    await scene.target.close();
  }
}

/** A `target-down` fault; what it resolves with lifts it. */
async function faultDown(proxy: SioProxy): Promise<() => void> {
  const fault = await proxy.faultTarget({ kind: 'target-down', ms: 60_000 });
  return () => fault.remove();
}

/**
 * The target goes down (`down` resolves with how to bring it back) under the client of `sessionId`;
 * once the client dropped (`dropped` checks how) and two of its reconnection attempts failed, it
 * comes back: the proxy reported failed attempts of that client, then a connected one.
 */
async function downAndBack(
  { proxy }: Scene,
  socket: Socket,
  sessionId: string,
  down: () => Promise<() => unknown>,
  dropped: (since: number) => Promise<unknown> = () => once(socket, 'disconnect'),
): Promise<void> {
  const clientKey = clientKeyOf(proxy, sessionId);
  const since = proxy.history().at(-1)!.seq;
  const back = await down();
  await dropped(since);
  await refusedTwice(socket);
  await back();
  assertFailedThenConnected(await attemptsUntilBack(proxy, since), clientKey);
  await once(socket, 'connect');
}

test('target-down fault: a polling client reconnecting gets failed attempts, then a connected one', async () => {
  await withScene(
    (proxy) => io(proxy.url, RECONNECT),
    async (scene, socket) => {
      const first = await upgraded(scene.proxy);
      await downAndBack(scene, socket, first.sessionId, () => faultDown(scene.proxy));
    },
  );
});

test('target-down on a polling-only session: it ends, and its refused reconnects are failed attempts of its client', async () => {
  await withScene(
    (proxy) => io(proxy.url, { ...RECONNECT, transports: ['polling'] }),
    async (scene, socket) => {
      const { proxy } = scene;
      const first = (await proxy.waitFor({ type: 'connect', nsp: '/' })) as ConnectEvent;
      await downAndBack(
        scene,
        socket,
        first.sessionId,
        () => faultDown(proxy),
        async (since) => {
          // Its next poll (at the latest the next heartbeat's) is refused: the client drops.
          assert.equal(await once(socket, 'disconnect', 10_000), 'transport error');
          const closed = await proxy.waitFor({ type: 'close', sessionId: first.sessionId }, { since });
          assert.match(JSON.stringify(closed), /unreachable|down/);
        },
      );
    },
  );
});

test('a real target down and back on its port: the same failed attempts, then a connected one', async () => {
  await withScene(
    (proxy) => io(proxy.url, RECONNECT),
    async (scene, socket) => {
      const first = await upgraded(scene.proxy);
      await downAndBack(scene, socket, first.sessionId, async () => {
        const port = scene.target.port;
        await scene.target.close();
        return async () => (scene.target = await startTarget({}, port));
      });
    },
  );
});
