/**
 * The panel controls' logic beyond the first step (issue #13): which fault reproduces which
 * disconnect reason, binary args from hex or bytes, the recent compositions kept in storage, the
 * driver's rule edits, remembered sends and fault badges of closed sessions, and interventions in a
 * session's lifecycle timeline (folded when they repeat).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { InterventionEvent, ProxyEvent } from '../../shared/events.js';
import { appendArg, binaryPlaceholder, parseHex } from '../../panel/src/lib/binary-arg.js';
import { parseArgs } from '../../panel/src/lib/args-json.js';
import { ControlClient } from '../../panel/src/source/control-client.js';
import { ControlDriver } from '../../panel/src/source/control-driver.js';
import { createControlStore } from '../../panel/src/store/control-store.js';
import {
  loadRecent,
  MAX_RECENT,
  RECENT_KEY,
  remember,
  saveRecent,
  type Composition,
  type KeyValue,
} from '../../panel/src/store/recent-compositions.js';
import { createSessionsState, reduceSessions } from '../../panel/src/store/sessions.js';
import { FAULTS, reasonMenu, reportsLine } from '../../panel/src/views/control/fault-catalog.js';
import { EventFactory } from '../support/panel-events.js';

// ------------------------------------------------------------------------------------ reason menu

test('every reason the issue lists maps to the fault that makes that side report it', () => {
  const menu = reasonMenu();
  const pick = (side: string, reason: string) =>
    menu.find((r) => r.side === side && r.reason === reason)?.fault?.kind;
  assert.equal(menu.length, 8);
  assert.equal(pick('client', 'io server disconnect'), 'disconnect');
  assert.equal(pick('client', 'ping timeout'), 'client-ping-timeout');
  assert.equal(pick('client', 'transport close'), 'close-transport');
  assert.equal(pick('client', 'transport error'), 'transport-error');
  assert.equal(pick('server', 'client namespace disconnect'), 'disconnect');
  assert.equal(pick('server', 'ping timeout'), 'server-ping-timeout');
  assert.equal(pick('server', 'transport close'), 'close-transport');
  // No fault makes the server say `transport error`: the menu says why instead of guessing.
  const none = menu.find((r) => r.side === 'server' && r.reason === 'transport error');
  assert.equal(none?.fault, undefined);
  assert.match(none?.unavailable ?? '', /no fault of the proxy produces it/);
  // Whatever it picks, that fault's table entry says the same reason for that side.
  for (const r of menu) if (r.fault) assert.equal(r.fault[r.side], r.reason);
});

test("a fault's line names both sides' reasons, then what else happens", () => {
  const line = (kind: string) => reportsLine(FAULTS.find((f) => f.kind === kind)!);
  assert.equal(
    line('client-ping-timeout'),
    'client `ping timeout`, server `transport close`; the client reconnects',
  );
  assert.equal(line('block-upgrade'), 'a session still on polling stays on polling');
});

// ------------------------------------------------------------------------------------ binary args

test('hex as people paste it becomes bytes; bad hex says what is wrong', () => {
  for (const text of ['01 02 ff', '0x01,0x02,0xFF', '01:02:ff', '0102FF']) {
    const r = parseHex(text);
    assert.ok(r.ok, text);
    assert.deepEqual([...(r as { bytes: Uint8Array }).bytes], [1, 2, 255], text);
  }
  assert.deepEqual(parseHex('01 0g'), { ok: false, error: 'hex digits only (0-9, a-f)' });
  assert.deepEqual(parseHex('012'), { ok: false, error: 'odd number of hex digits (3)' });
  assert.deepEqual(parseHex('  '), { ok: false, error: 'no bytes' });
});

test('bytes become a placeholder the args editor accepts, appended as one more argument', () => {
  const big = new Uint8Array(100_000).map((_, i) => i % 251);
  const p = binaryPlaceholder(big);
  assert.equal(p.size, 100_000);
  assert.deepEqual(Buffer.from(p._binary, 'base64'), Buffer.from(big));
  const text = appendArg('["pic"]', binaryPlaceholder(new Uint8Array([1, 2, 255])));
  assert.deepEqual(parseArgs(text!), { ok: true, args: ['pic', { _binary: 'AQL/', size: 3 }] });
  assert.equal(appendArg('[oops', p), undefined, 'invalid args are not rewritten');
});

// ---------------------------------------------------------------------------- recent compositions

function memory(): KeyValue & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return { data, getItem: (k) => data.get(k) ?? null, setItem: (k, v) => void data.set(k, v) };
}

const comp = (event: string, args: unknown[] = [], at = 0): Composition => ({
  sessionId: 's1',
  direction: 'c2s',
  nsp: '/',
  event,
  args,
  at,
});

test('recent compositions: newest first, one entry per distinct send, bounded', () => {
  let list: Composition[] = [];
  list = remember(list, comp('a', [1], 1));
  list = remember(list, comp('b', [], 2));
  list = remember(list, { ...comp('a', [1], 3), sessionId: 's2' });
  assert.deepEqual(
    list.map((c) => [c.event, c.at]),
    [
      ['a', 3],
      ['b', 2],
    ],
  );
  assert.equal(remember(list, comp('a', [2], 4)).length, 3, 'other args: another entry');
  for (let i = 0; i < 30; i++) list = remember(list, comp(`e${i}`));
  assert.equal(list.length, MAX_RECENT);
  assert.equal(list[0]?.event, 'e29');
});

test('recent compositions survive in storage; what is not ours is dropped', () => {
  const storage = memory();
  saveRecent(storage, [comp('a', [{ x: 1 }])]);
  assert.deepEqual(loadRecent(storage), [comp('a', [{ x: 1 }])]);
  storage.setItem(RECENT_KEY, '{not json');
  assert.deepEqual(loadRecent(storage), []);
  storage.setItem(RECENT_KEY, JSON.stringify([{ event: 1 }, comp('ok'), { ...comp('x'), direction: 'up' }]));
  assert.deepEqual(
    loadRecent(storage).map((c) => c.event),
    ['ok'],
  );
  assert.deepEqual(loadRecent(undefined), []);
});

// ----------------------------------------------------------------------------------------- driver

function fakeFetch(answer: (method: string, path: string, body: unknown) => [number, unknown]) {
  const calls: { method: string; path: string; body: unknown }[] = [];
  const fetchFn = async (url: string, init?: RequestInit) => {
    const method = init?.method ?? 'GET';
    const body = init?.body ? JSON.parse(String(init.body)) : undefined;
    const path = new URL(url).pathname;
    calls.push({ method, path, body });
    const [status, json] = answer(method, path, body);
    return new Response(status === 204 ? null : JSON.stringify(json), { status });
  };
  return { calls, fetchFn };
}

test('the driver remembers what it sent (also when no ack came in time), in the store and in storage', async () => {
  const storage = memory();
  saveRecent(storage, [comp('old')]);
  let status = 200;
  const { fetchFn } = fakeFetch((_m, path) =>
    path.endsWith('/emit')
      ? [status, status === 200 ? { seq: 1 } : { error: 'no ack in 2000 ms' }]
      : [200, []],
  );
  const store = createControlStore();
  const driver = new ControlDriver(new ControlClient('http://x', 't', fetchFn), store, storage);
  assert.deepEqual(
    store.getState().recent.map((c) => c.event),
    ['old'],
    'loaded at start',
  );
  await driver.emit('s9', { direction: 's2c', event: 'news', args: ['hi'] });
  status = 408;
  await driver.emit('s9', { direction: 'c2s', event: 'price', args: ['tea'], ack: true });
  status = 400;
  await driver.emit('s9', { direction: 'c2s', event: 'bad' });
  const events = store.getState().recent.map((c) => c.event);
  assert.deepEqual(events, ['price', 'news', 'old'], 'a refused send (400) is not kept');
  assert.equal(store.getState().recent[0]?.sessionId, 's9');
  assert.deepEqual(
    loadRecent(storage).map((c) => c.event),
    events,
  );
  driver.stop();
});

test("the driver edits a rule with PATCH (limit null removes it), and drops a closed session's fault badges", async () => {
  let faults: unknown = [{ id: 'f1', kind: 'latency', sessionId: 's1' }];
  let faultStatus = 200;
  const { calls, fetchFn } = fakeFetch((method, path) => {
    if (path === '/api/sessions/s1/faults')
      return faultStatus === 200 ? [200, faults] : [faultStatus, { error: 'no session s1' }];
    return [200, method === 'PATCH' ? { id: 'r1' } : []];
  });
  const store = createControlStore();
  const driver = new ControlDriver(new ControlClient('http://x', 't', fetchFn), store);
  assert.equal(await driver.updateRule('r1', { match: { event: '/^a/' }, limit: null }), true);
  assert.deepEqual(
    calls.find((c) => c.method === 'PATCH'),
    { method: 'PATCH', path: '/api/rules/r1', body: { match: { event: '/^a/' }, limit: null } },
  );

  await driver.refreshFaults('s1');
  assert.equal(store.getState().faults.s1?.length, 1);
  // The session closes: the driver asks again, the proxy no longer knows it, the badges go.
  faultStatus = 404;
  faults = undefined;
  driver.onEvents([{ type: 'close', sessionId: 's1', seq: 9, ts: 0 } as unknown as ProxyEvent]);
  await new Promise((r) => setTimeout(r, 10));
  assert.equal(store.getState().faults.s1, undefined);
  driver.stop();
});

// --------------------------------------------------------------------------------------- timeline

test("interventions join the session's timeline; repeats fold into a count; rule hits and unknown sessions do not", () => {
  const f = new EventFactory();
  const state = createSessionsState();
  const iv = (action: InterventionEvent['action'], detail: string, sessionId = 's1') =>
    f.ev({ type: 'intervention', sessionId, action, detail } as Omit<InterventionEvent, 'seq' | 'ts'>);
  reduceSessions(state, f.session('s1', 'c1'));
  assert.equal(reduceSessions(state, iv('rule-hit', 'r1 hit')), false);
  assert.equal(reduceSessions(state, iv('paused', 'order held by rule r1')), true);
  reduceSessions(state, iv('delayed', 'a delayed 500 ms'));
  reduceSessions(state, iv('delayed', 'b delayed 520 ms'));
  reduceSessions(state, iv('fault-ended', 'latency ended (removed)'));
  assert.equal(reduceSessions(state, iv('paused', 'elsewhere', 'nope')), false);
  assert.equal(state.sessions.has('nope'), false, 'no stand-in session for an intervention');
  const items = state.sessions.get('s1')!.timeline.filter((i) => i.kind === 'intervention');
  assert.deepEqual(
    items.map((i) => i.kind === 'intervention' && [i.action, i.count, i.detail]),
    [
      ['paused', 1, 'order held by rule r1'],
      ['delayed', 2, 'b delayed 520 ms'],
      ['fault-ended', 1, 'latency ended (removed)'],
    ],
  );
});
