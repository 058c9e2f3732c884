/**
 * volatile-dropped (issue #17), end to end: a real socket.io@4 server emitting a beat to a
 * polling-only client through the proxy, the client's polls late now and then (a busy main thread,
 * a network hiccup). With `socket.volatile.emit` the beats due while no poll waits at the server are
 * dropped; with a plain `socket.emit` they are buffered and come in a burst: only the first is a
 * problem.
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import type { Socket } from 'socket.io-client';
import type { HttpEvent } from '../../shared/events.js';
import { sleep, waitFor } from '../support/harness.js';
import { Cleanups, lintEnv, problem, problems } from '../support/lint-env.js';
import type { Env } from '../support/v4-helpers.js';

const cleanups = new Cleanups();
after(() => cleanups.run());

const BEAT_MS = 20;
/** Every LATE_EVERY-th poll leaves LATE_MS after the previous answer instead of at once. */
const LATE_EVERY = 6;
const LATE_MS = 90;

/** Makes the client's polling transport send every LATE_EVERY-th GET LATE_MS late. */
function latePolls(c: Socket): void {
  const transport = c.io.engine.transport as unknown as { doPoll(): void };
  const doPoll = transport.doPoll.bind(transport);
  let n = 0;
  transport.doPoll = () => {
    if (++n % LATE_EVERY === 0) setTimeout(doPoll, LATE_MS);
    else doPoll();
  };
}

/** A polling-only client of a server that emits `tick` every BEAT_MS; `sent()` counts the emits. */
async function beats(
  e: Env,
  volatile: boolean,
): Promise<{ c: Socket; sent: () => number; got: () => number }> {
  let n = 0;
  e.target.io.on('connection', (s) => {
    const timer = setInterval(() => (volatile ? s.volatile : s).emit('tick', n++), BEAT_MS);
    s.on('disconnect', () => clearInterval(timer));
  });
  const c = await e.connect('proxy', { transports: ['polling'] });
  let got = 0;
  c.on('tick', () => got++);
  latePolls(c);
  return { c, sent: () => n, got: () => got };
}

/** GET answers that carried more than one `tick`: the bursts of buffered packets. */
const bursts = (e: Env) =>
  e.proxy.events.filter(
    (x): x is HttpEvent =>
      x.type === 'http' && x.method === 'GET' && (x.responseBody ?? '').split('"tick"').length > 2,
  ).length;

/** Other than `stuck-on-polling`, which a polling-only client of a server offering WebSocket is. */
const others = (e: Env) => problems(e.proxy).filter((p) => p.kind !== 'stuck-on-polling');

describe('volatile-dropped with real socket.io', () => {
  test('socket.volatile.emit over polling: beats missing over the late polls are a problem', async () => {
    const e = await lintEnv(cleanups);
    const { c, sent, got } = await beats(e, true);
    const p = await problem(e.proxy, 'volatile-dropped', 15_000);
    assert.ok(got() < sent() - 2, `beats were dropped: ${got()} of ${sent()} arrived`);
    assert.equal(p.sessionId, c.io.engine.id);
    assert.equal(p.severity, 'warning');
    assert.equal(p.confidence, 'likely', 'the volatile flag is not on the wire: never certain');
    const interval = Number(
      /^"tick" every ~(\d+) ms lost beats while polling could not be written/.exec(p.title)?.[1],
    );
    // A loaded machine only makes timers late, never early.
    assert.ok(interval >= BEAT_MS - 1, `the interval found: ${p.title}`);
    const linked = p.seqs.map((seq) => e.proxy.events.find((x) => x.seq === seq));
    assert.ok(linked.length >= 4);
    assert.ok(linked.every((x) => x?.type === 'packet' && x.sio?.event === 'tick' && x.direction === 's2c'));
    assert.match(
      p.evidence.join('\n'),
      /a gap of \d+ ms \(\d+ missing\) between packets #\d+ and #\d+, over a window of \d+ ms/,
    );
    assert.match(p.fix, /socket\.emit\('tick', data\)/);
    assert.match(p.fix, /transports: \['websocket'\]/);
    assert.deepEqual(
      others(e).filter((x) => x !== p),
      [],
      'one problem per session and event',
    );
  });

  test('the control: plain socket.emit, the same late polls, beats come in bursts: no problem', async () => {
    const e = await lintEnv(cleanups);
    const { sent, got } = await beats(e, false);
    await sleep(3000);
    assert.ok(bursts(e) >= 3, `the late polls made bursts of buffered ticks: ${bursts(e)}`);
    // Buffered, not dropped: every beat sent arrives (the last ones with the next poll).
    await waitFor(() => got() === sent() || undefined, 2000, `every beat: ${got()} of ${sent()}`);
    assert.deepEqual(others(e), []);
  });
});
