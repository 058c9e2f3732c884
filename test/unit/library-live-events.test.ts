import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import type { ProxyEvent } from '../../shared/events.js';
import { EventBus } from '../../proxy/events/bus.js';
import { LiveEvents } from '../../proxy/library/live-events.js';
import type { SioProxyError } from '../../proxy/library/errors.js';

const tick = () => new Promise((r) => setImmediate(r));
const connect = (sessionId: string) =>
  ({ type: 'connect', sessionId, direction: 's2c', nsp: '/' }) as unknown as Parameters<EventBus['emit']>[0];

test('a throwing listener is reported with its event, and the other listeners get every event', async () => {
  const bus = new EventBus();
  const reported: Array<{ err: SioProxyError; event: ProxyEvent }> = [];
  const live = new LiveEvents(bus, undefined, (err, event) => reported.push({ err, event }));
  const others: string[] = [];
  live.on('connect', () => {
    throw new Error('boom');
  });
  live.on('connect', (e) => others.push(`typed ${(e as { sessionId: string }).sessionId}`));
  live.on('*', (e) => others.push(`any ${(e as { sessionId: string }).sessionId}`));
  bus.emit(connect('a'));
  bus.emit(connect('b'));
  await tick();
  assert.deepEqual(others, ['typed a', 'any a', 'typed b', 'any b']);
  assert.equal(reported.length, 2);
  assert.equal(reported[0]!.err.code, 'LISTENER');
  assert.match(reported[0]!.err.message, /listener of connect sessionId=a .*threw: boom/);
  assert.equal((reported[0]!.err.cause as Error).message, 'boom');
  assert.equal(reported[1]!.event.seq, 2);
  live.close();
});

test('by default a throwing listener fails the run loudly, after the other listeners ran', () => {
  // A child process: the default rethrows as an uncaught exception, which would fail this test.
  const script = `
    import { EventBus } from './proxy/events/bus.ts';
    import { LiveEvents } from './proxy/library/live-events.ts';
    const bus = new EventBus();
    const live = new LiveEvents(bus);
    live.on('connect', () => { throw new Error('assertion in a listener'); });
    live.on('connect', () => console.log('other listener ran'));
    bus.emit({ type: 'connect', sessionId: 's1', direction: 's2c', nsp: '/' });
  `;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: new URL('../..', import.meta.url).pathname,
    encoding: 'utf8',
  });
  assert.notEqual(r.status, 0);
  assert.match(r.stdout, /other listener ran/);
  assert.match(
    r.stderr,
    /SioProxyError: a listener of connect sessionId=s1 .*\(#1\) threw: assertion in a listener/,
  );
});
