/**
 * Sampling under overload with a real socket.io@4 app (issue #14): a client floods the target while
 * an observer of the event stream has stopped reading; the stream keeps 1 packet event in N and
 * counts them all. What is checked is what a reader can check: the `sampling` notices, and that the
 * counts they give plus the packets kept outside the sampled ranges are exactly what the target got.
 * The budget is set low so that this machine, loaded or not, is "overloaded" by the flood.
 */
import assert from 'node:assert/strict';
import type { Socket as NetSocket } from 'node:net';
import { after, before, test } from 'node:test';
import type { EventBus } from '../../proxy/events/bus.js';
import type { PacketEvent, SamplingEvent } from '../../shared/events.js';
import { serveEcho, waitFor } from '../support/harness.js';
import { validateEvent } from '../support/event-schema.js';
import { startStreamEnv, type Observer, type StreamEnv } from '../support/stream-env.js';
import { connected } from '../support/v4-helpers.js';

const FLOOD = 20_000;
const tcp = (o: Observer) => (o.ws as unknown as { _socket: NetSocket })._socket;

let env: StreamEnv;
let bus: EventBus | undefined;
let floodReceived = 0;
before(async () => {
  env = await startStreamEnv({
    stream: { sampling: { emit: (e) => void bus?.emit(e), budget: 0.02, windowMs: 50 } },
  });
  bus = env.proxy.proxy.bus;
  serveEcho(env.target.io);
  env.target.io.on('connection', (s) => s.on('flood', () => floodReceived++));
});
after(() => env.close());

test(
  'a flood is sampled, every packet counted, and the stream says when sampling starts and ends',
  { timeout: 60_000 },
  async () => {
    const slow = await env.observe();
    tcp(slow).pause();
    const flooder = env.client({ transports: ['websocket'] });
    const healthy = env.client({ transports: ['websocket'] });
    await Promise.all([connected(flooder), connected(healthy)]);
    for (let i = 0; i < FLOOD; i++) flooder.emit('flood', i);
    // The healthy client's acks keep coming through the flood, and after it they give the sampler the
    // events it judges the load on, until it says sampling ended.
    const notices = () =>
      (env.stream.flush(), env.stream.history.events()).filter(
        (e): e is SamplingEvent => e.type === 'sampling',
      );
    await waitFor(() => floodReceived === FLOOD, 30_000, 'the target to get the whole flood');
    const ended = await (async () => {
      const deadline = Date.now() + 20_000;
      while (Date.now() < deadline) {
        await healthy.timeout(5000).emitWithAck('echo', 'x');
        const all = notices();
        if (all.length > 0 && all.at(-1)!.state === 'off') return all;
      }
      return notices();
    })();
    assert.ok(
      ended.some((n) => n.state === 'on'),
      `sampling started: ${JSON.stringify(ended)}`,
    );
    assert.equal(ended.at(-1)?.state, 'off', 'and ended');
    for (const n of ended) assert.deepEqual(validateEvent(JSON.parse(JSON.stringify(n))), []);

    const sid = (flooder.io.engine as unknown as { id: string }).id;
    const isFlood = (e: { type: string }): e is PacketEvent =>
      e.type === 'packet' &&
      (e as PacketEvent).sessionId === sid &&
      (e as PacketEvent).sio?.event === 'flood';
    const periods = ended.filter((n) => n.state === 'off');
    const sampled = (seq: number) => periods.some((p) => seq >= p.since && seq <= p.until);
    const keptOutside = env.stream.history.events().filter((e) => isFlood(e) && !sampled(e.seq)).length;
    const counted = periods
      .flatMap((p) => p.counts)
      .filter((c) => c.sessionId === sid && c.direction === 'c2s' && c.name === 'flood')
      .reduce((sum, c) => sum + c.count, 0);
    assert.equal(
      keptOutside + counted,
      FLOOD,
      `${keptOutside} kept outside the sampled ranges, ${counted} counted in them`,
    );
    assert.ok(
      periods.some((p) => p.leftOut > 0),
      'some packets were left out',
    );
    tcp(slow).resume();
    flooder.close();
    healthy.close();
  },
);
