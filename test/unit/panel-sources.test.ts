/** On a dashboard over Redis, sessions name their proxy, and `source` events say when it is gone. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createSessionsState, reduceSessions } from '../../panel/src/store/sessions.js';
import type { ProxyEvent } from '../../shared/events.js';
import { EventFactory } from '../support/panel-events.js';

test('a session keeps its source; source events track up and gone', () => {
  const f = new EventFactory();
  const state = createSessionsState();
  reduceSessions(state, f.session('s1', 'c1', { source: 'proxy-a' }));
  reduceSessions(state, f.session('s2', 'c2'));
  assert.equal(state.sessions.get('s1')?.source, 'proxy-a');
  assert.equal(state.sessions.get('s2')?.source, undefined, 'a proxy of its own: no source');
  const source = (s: 'up' | 'gone'): ProxyEvent => ({
    type: 'source',
    source: 'proxy-a',
    state: s,
    reason: 'r',
    seq: 100,
    ts: 1,
  });
  assert.equal(reduceSessions(state, source('up')), true, 'the sessions slice changed');
  assert.equal(state.sources.get('proxy-a'), 'up');
  reduceSessions(state, source('gone'));
  assert.equal(state.sources.get('proxy-a'), 'gone');
  reduceSessions(state, source('up'));
  assert.equal(state.sources.get('proxy-a'), 'up');
});
