/**
 * The sidebar's client label (clientLabel): a name the app set, else the browser from the user
 * agent, else, for in-page capture (which cannot read the user agent), the endpoint the client
 * connects to, not its long key cut to "client apwu08:1…".
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SessionEvent } from '../../shared/events.js';
import { createPanelStore } from '../../panel/src/store/panel-store.js';
import { clientGroups, clientLabel } from '../../panel/src/store/selectors.js';
import { EventFactory } from '../support/panel-events.js';

function labels(...sessions: [string, string, Partial<SessionEvent>?][]): string[] {
  const f = new EventFactory();
  const store = createPanelStore();
  store.getState().ingest(sessions.map(([sid, key, extra]) => f.session(sid, key, extra)));
  return clientGroups(store.getState().model).map(clientLabel);
}

const pageHandshake = (url: string) => ({
  headers: { origin: 'http://127.0.0.1:3000' },
  query: { EIO: '4', transport: 'polling' },
  url,
  address: '',
  xdomain: false,
  secure: false,
  issued: 0,
  time: '',
});

test('an in-page client without a user agent is named by its endpoint', () => {
  const key = 'apwu08:127.0.0.1:3000/socket.io/';
  assert.deepEqual(labels(['s1', key, { handshake: pageHandshake('/socket.io/?EIO=4&transport=polling') }]), [
    '127.0.0.1:3000/socket.io/',
  ]);
  assert.deepEqual(
    labels(['s1', 'k2', { target: 'https://app.example', handshake: pageHandshake('/rt/?EIO=4') }]),
    ['app.example/rt/'],
  );
});

test('a second in-page client of the same endpoint keeps its number in the name', () => {
  const key = 'apwu08:127.0.0.1:3000/socket.io/';
  const hs = { handshake: pageHandshake('/socket.io/?EIO=4&transport=websocket') };
  assert.deepEqual(labels(['s1', key, hs], ['s2', `${key} #2`, hs]), [
    '127.0.0.1:3000/socket.io/',
    '127.0.0.1:3000/socket.io/ #2',
  ]);
});

test('a name from the query, then the browser, come first', () => {
  assert.deepEqual(labels(['s1', 'k1']), ['k1']); // the factory's handshake has ?client=k1
  const ua = {
    ...pageHandshake('/socket.io/'),
    headers: { 'user-agent': 'Mozilla/5.0 Chrome/140.0 Safari/537' },
  };
  assert.deepEqual(labels(['s2', 'k2', { handshake: ua }]), ['Chrome 140']);
});
