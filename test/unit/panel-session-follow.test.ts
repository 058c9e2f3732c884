/**
 * A session filter set by clicking a session follows its client across a reconnect
 * (PanelController): the client's next session is shown, and the selection says where it came from;
 * an older session picked on purpose stays selected.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ProxyEvent, UnstampedEvent } from '../../shared/events.js';
import { PanelController } from '../../panel/src/app/controller.js';
import { createPanelStore } from '../../panel/src/store/panel-store.js';
import { createUiStore } from '../../panel/src/store/ui-store.js';
import { EventFactory } from '../support/panel-events.js';

function close(f: EventFactory, sid: string): ProxyEvent {
  return f.ev({
    type: 'close',
    sessionId: sid,
    leg: 'client',
    first: 'client',
    reason: 'transport close',
    clientReason: 'transport close',
    serverReason: 'transport close',
    active: true,
  } as UnstampedEvent);
}

function shownEvents(c: PanelController): string[] {
  c.refresh();
  const out: string[] = [];
  for (let i = 0; i < c.filtered.length; i++) out.push(c.filtered.at(i)?.e.sio?.event ?? '');
  return out;
}

test('the selected session reconnects: its client’s next session is shown, and the selection says so', () => {
  const f = new EventFactory();
  const c = new PanelController(createPanelStore(), createUiStore());
  const ingest = (...events: ProxyEvent[]) => c.panel.getState().ingest(events);
  ingest(f.session('s1', 'alice'), f.emit('s1', 'c2s', 'before', []), f.session('b1', 'bob'));
  c.ui.getState().selectSession({ sid: 's1' });
  assert.deepEqual(shownEvents(c), ['before']);

  ingest(close(f, 's1'), f.session('s2', 'alice'), f.emit('s2', 'c2s', 'after', []));
  ingest(f.emit('b1', 'c2s', 'other client', []));
  assert.deepEqual(shownEvents(c), ['after']);
  assert.equal(c.ui.getState().filter.sessionId, 's2');
  assert.deepEqual(c.ui.getState().session, { sid: 's2', from: 's1' });

  // And again on the next reconnect.
  ingest(close(f, 's2'), f.session('s3', 'alice'), f.emit('s3', 's2c', 'third', []));
  assert.deepEqual(shownEvents(c), ['third']);
  assert.deepEqual(c.ui.getState().session, { sid: 's3', from: 's2' });
});

test('an older session of a client picked on purpose stays selected when the client reconnects again', () => {
  const f = new EventFactory();
  const c = new PanelController(createPanelStore(), createUiStore());
  const ingest = (...events: ProxyEvent[]) => c.panel.getState().ingest(events);
  ingest(f.session('s1', 'alice'), f.emit('s1', 'c2s', 'one', []), close(f, 's1'), f.session('s2', 'alice'));
  c.ui.getState().selectSession({ sid: 's1' });
  ingest(close(f, 's2'), f.session('s3', 'alice'), f.emit('s3', 'c2s', 'three', []));
  assert.equal(c.ui.getState().session?.sid, 's1');
  assert.deepEqual(shownEvents(c), ['one']);
});

test('no selection, or a cleared one: nothing moves', () => {
  const f = new EventFactory();
  const c = new PanelController(createPanelStore(), createUiStore());
  const ingest = (...events: ProxyEvent[]) => c.panel.getState().ingest(events);
  ingest(f.session('s1', 'alice'));
  c.ui.getState().selectSession({ sid: 's1' });
  c.ui.getState().selectSession(undefined);
  ingest(close(f, 's1'), f.session('s2', 'alice'));
  assert.equal(c.ui.getState().session, undefined);
  assert.equal(c.ui.getState().filter.sessionId, '');
});
