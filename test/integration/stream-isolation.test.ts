/**
 * The relay kept apart from its observers (issue #14, "Isolation"): what an attacker with the token,
 * or a busy team with many dashboards, can do to the event stream must not stall relaying, grow
 * memory without bound, or make a packet vanish from the record unreported.
 */
import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { ErrorEvent, PacketEvent } from '../../shared/events.js';
import { serveEcho } from '../support/harness.js';
import { startStreamEnv, type StreamEnv } from '../support/stream-env.js';
import { rawWebSocket } from '../support/v4-helpers.js';

describe('every packet is observed or reported as unobservable', () => {
  let env: StreamEnv;
  before(async () => {
    env = await startStreamEnv();
    env.target.io.on('connection', (s) => s.on('deep', () => s.emit('got', 'deep')));
  });
  after(() => env.close());

  for (const depth of [5_000, 100_000]) {
    test(`42["deep",[[[…]]]] nested ${depth} levels: relayed, and in the stream or an error event`, async () => {
      const raw = await rawWebSocket(env.proxy.url);
      await raw.next((f) => f.startsWith('0'));
      raw.ws.send('40');
      await raw.next((f) => f.startsWith('40'));
      const before = env.stream.history.size;
      const frame = `42["deep",${'['.repeat(depth)}${']'.repeat(depth)}]`;
      raw.ws.send(frame);
      raw.ws.send('42["after"]');
      // The target got it: relaying is not the question, the record is.
      await raw.next((f) => f === '42["got","deep"]', 10_000);
      env.stream.flush();
      const events = env.stream.history.events().slice(before);
      // No gap in the seqs: nothing vanished between the bus and the history.
      for (let i = 1; i < events.length; i++) assert.equal(events[i]!.seq, events[i - 1]!.seq + 1);
      const after = events.find((e): e is PacketEvent => e.type === 'packet' && e.sio?.event === 'after');
      assert.ok(after, 'the packet after it is in the record');
      const deep = events.find(
        (e) =>
          (e.type === 'packet' && e.sio?.event === 'deep') ||
          (e.type === 'error' && /could not be observed/.test(e.message)),
      );
      assert.ok(deep, 'the deep packet is in the record, or an error event says why not');
      if (deep.type === 'error') {
        const message = (deep as ErrorEvent).message;
        assert.match(message, /c2s/);
        assert.match(message, new RegExp(`${frame.length} bytes`));
      }
      raw.ws.terminate();
    });
  }
});

describe('an over-limit WebSocket message', () => {
  let env: StreamEnv;
  /** The target's sockets, to hold its reading back as a busy target would. */
  const targetSockets: Socket[] = [];
  before(async () => {
    env = await startStreamEnv(); // the target keeps socket.io's default maxHttpBufferSize, 1e6
    env.target.http.on('connection', (socket: Socket) => targetSockets.push(socket));
  });
  after(() => env.close());

  /**
   * Sends one `size`-byte message while the target reads nothing for `stallMs` (so that the proxy's
   * leg to it fills up and the client's is paused), and resolves with the close code and how long
   * it took.
   */
  async function overLimit(
    url: string,
    size: number,
    stallMs: number,
  ): Promise<{ code: number; ms: number }> {
    const raw = await rawWebSocket(url);
    await raw.next((f) => f.startsWith('0'));
    const socket = targetSockets.at(-1)!;
    socket.pause();
    const start = performance.now();
    raw.ws.send(`4${'x'.repeat(size)}`);
    setTimeout(() => socket.resume(), stallMs);
    const { code } = await raw.closed;
    return { code, ms: performance.now() - start };
  }

  test('closes the client with 1009 about as fast as directly', { timeout: 20_000 }, async () => {
    const direct = await overLimit(env.target.url, 50e6, 300);
    const proxied = await overLimit(env.proxy.url, 50e6, 300);
    assert.equal(direct.code, 1009);
    assert.equal(proxied.code, 1009);
    // Directly it takes a fraction of a second; the proxy used to hold the client for ws's 30 s.
    assert.ok(proxied.ms < direct.ms + 3000, `through the proxy ${proxied.ms} ms, directly ${direct.ms} ms`);
  });
});
