/**
 * Marks on the timeline's session bars (panel/src/views/timeline/marks.ts): room joins and leaves
 * on the session of the socket that made them (admin-ui facts, inferred guesses), the proxy's
 * interventions and problems, through the real reducers; which mark is under the pointer; which
 * packet an intervention opens; and the table's text for them.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ProxyEvent, UnstampedEvent } from '../../shared/events.js';
import { createPanelStore } from '../../panel/src/store/panel-store.js';
import { markAt, packetNear, sessionMarks } from '../../panel/src/views/timeline/marks.js';
import { marksText, MAX_MARKS } from '../../panel/src/views/timeline/TimelineTable.js';
import { fit } from '../../panel/src/views/timeline/viewport.js';
import { EventFactory, T0 } from '../support/panel-events.js';

function scenario() {
  const f = new EventFactory();
  const room = (e: Record<string, unknown>, advance = 10) =>
    f.ev({ type: 'room', nsp: '/', source: 'admin-ui', ...e } as UnstampedEvent, advance);
  const connect = (sid: string, socketId: string, nsp = '/') =>
    f.ev({ type: 'connect', sessionId: sid, nsp, socketId, recovered: false } as UnstampedEvent);
  const events: ProxyEvent[] = [
    f.session('s1', 'alice'),
    connect('s1', 'A'),
    f.session('s2', 'bob'),
    connect('s2', 'B'),
    connect('s2', 'B2', '/admin'),
    room({ action: 'join', room: 'A', socketId: 'A', own: true }),
    room({ action: 'join', room: 'blue', socketId: 'A' }),
    room({ action: 'join', room: 'blue', socketId: 'B' }),
    room({ action: 'join', room: 'staff', socketId: 'B2', nsp: '/admin' }),
    room({ action: 'leave', room: 'blue', socketId: 'A' }),
    room({ action: 'group', source: 'inferred', room: 'g', members: ['s1', 's2'], confidence: 'guess' }),
    room({ action: 'join', room: 'blue', socketId: 'nobody' }), // a socket of no session known
    f.emit('s1', 'c2s', 'chat', ['hi']),
    f.ev({
      type: 'intervention',
      sessionId: 's1',
      action: 'rule-hit',
      detail: 'rule r1 matched',
    } as UnstampedEvent),
    f.ev({
      type: 'intervention',
      sessionId: 's1',
      action: 'paused',
      detail: 'c2s "chat" held',
    } as UnstampedEvent),
    f.ev({
      type: 'intervention',
      sessionId: 's1',
      action: 'edited',
      detail: 'c2s "chat" forwarded edited',
    } as UnstampedEvent),
    f.emit('s2', 'c2s', 'other', []),
    f.emit('s1', 'c2s', 'chat', ['edited']),
  ];
  events.push(f.problem('s2', 3, { severity: 'error', title: 'payload too large' }));
  const store = createPanelStore();
  store.getState().ingest(events);
  return { f, store, model: store.getState().model };
}

const optsAll = { hideGuesses: false, showOwnRooms: false };

test('room joins and leaves land on the session of the socket, naming the room; inferred ones are guesses', () => {
  const { model } = scenario();
  const marks = sessionMarks(model.sessions, model.roomHistory.changes, model.problems.list(), optsAll);
  const rooms = (sid: string) =>
    (marks.get(sid) ?? [])
      .filter((m) => m.kind === 'join' || m.kind === 'leave')
      .map((m) => `${m.kind} ${m.room}${m.guess ? ' (guess)' : ''}`);
  assert.deepEqual(rooms('s1'), ['join blue', 'leave blue', 'join g (guess)'], 'own room left out');
  assert.deepEqual(
    rooms('s2'),
    ['join blue', 'join staff', 'join g (guess)'],
    'a socket of another namespace maps to its session too',
  );
  const join = marks.get('s1')!.find((m) => m.kind === 'join')!;
  assert.equal(join.title, 'joined room "blue" — admin-ui');
  assert.equal(join.ts, model.roomHistory.changes.find((c) => c.member === 'A' && c.room === 'blue')!.ts);
  const staff = marks.get('s2')!.find((m) => m.room === 'staff')!;
  assert.equal(staff.title, 'joined room "staff" (/admin) — admin-ui');
  const leave = marks.get('s1')!.find((m) => m.kind === 'leave')!;
  assert.match(leave.title, /^left room "blue"/);
  assert.match(marks.get('s1')!.find((m) => m.guess)!.title, /inferred from broadcasts \(a guess\)/);

  const hidden = sessionMarks(model.sessions, model.roomHistory.changes, [], {
    hideGuesses: true,
    showOwnRooms: true,
  });
  assert.deepEqual(
    hidden
      .get('s1')!
      .filter((m) => m.kind === 'join' || m.kind === 'leave')
      .map((m) => m.room),
    ['A', 'blue', 'blue'],
    'guesses hidden, own rooms shown on request',
  );
});

test('interventions that changed traffic and problems are marks too, in time order', () => {
  const { model } = scenario();
  const marks = sessionMarks(model.sessions, model.roomHistory.changes, model.problems.list(), optsAll);
  const s1 = marks.get('s1')!;
  assert.deepEqual(
    s1.filter((m) => m.kind === 'intervention').map((m) => m.title),
    ['proxy paused: c2s "chat" held', 'proxy edited: c2s "chat" forwarded edited'],
    'a rule hit alone changes nothing and is not drawn',
  );
  const problem = marks.get('s2')!.find((m) => m.kind === 'problem')!;
  assert.deepEqual(
    { title: problem.title, severity: problem.severity, seq: problem.seq },
    { title: 'error: payload too large', severity: 'error', seq: 3 },
  );
  for (const list of marks.values())
    assert.deepEqual(
      list.map((m) => m.ts),
      [...list.map((m) => m.ts)].sort((a, b) => a - b),
    );
});

test('the mark under the pointer: the closest within a few pixels, rooms above the bar, the rest below', () => {
  const { model } = scenario();
  const marks = sessionMarks(model.sessions, model.roomHistory.changes, model.problems.list(), optsAll);
  const s1 = marks.get('s1')!;
  const join = s1.find((m) => m.kind === 'join')!;
  const edited = s1.find((m) => m.title.startsWith('proxy edited'))!;
  const v = fit(T0, T0 + 1000, 1000, 0); // 1 ms a pixel
  const x = (t: number) => t - T0;
  assert.equal(markAt(s1, v, x(join.ts) + 3, true), join);
  assert.equal(
    markAt(s1, v, x(join.ts) + 3, false)?.kind ?? 'none',
    'none',
    'the lower band has no room marks',
  );
  assert.equal(markAt(s1, v, x(join.ts) + 9, true), undefined, 'too far');
  assert.equal(markAt(s1, v, x(edited.ts), false), edited);
  const zoomedOut = fit(T0, T0 + 100_000, 1000, 0); // 100 ms a pixel: 4 px is 400 ms
  assert.equal(markAt(s1, zoomedOut, x(join.ts - 300) / 100, true), join, 'slop in pixels, not ms');
});

test('an intervention opens the session’s packet nearest to it, a flagged one first', () => {
  const { model, f, store } = scenario();
  const edited = model.sessions
    .get('s1')!
    .timeline.find((i) => i.kind === 'intervention' && i.action === 'edited')!;
  const after = packetNear(model.packets, (edited as { seq: number }).seq, 's1');
  assert.deepEqual(after?.e.sio?.args, ['chat', 'edited'], 'skips the other session’s packet');
  const before = packetNear(model.packets, Infinity, 's2');
  assert.equal(before?.e.sio?.event, 'other');
  assert.equal(packetNear(model.packets, 0, 'nobody'), undefined);
  // An injected packet's event comes before its note; a plain packet right after does not win.
  const injected = { ...f.emit('s1', 's2c', 'news', []), injected: true };
  const note = f.ev({
    type: 'intervention',
    sessionId: 's1',
    action: 'injected',
    detail: 's2c EVENT "news" emitted by the proxy',
  } as UnstampedEvent);
  store.getState().ingest([injected, note, f.emit('s1', 'c2s', 'reply', [])]);
  const found = packetNear(model.packets, note.seq, 's1', (r) => r.e.injected === true);
  assert.equal(found?.e.seq, injected.seq);
});

test('the table lists the marks with their times, the first few then a count', () => {
  const { model } = scenario();
  const marks = sessionMarks(model.sessions, model.roomHistory.changes, model.problems.list(), optsAll);
  const lines = marksText(marks.get('s1')).map((l) => l.text);
  assert.match(lines[0]!, /^\d\d:\d\d:\d\d\.\d{3} joined room "blue" — admin-ui$/);
  const many = Array.from({ length: MAX_MARKS + 3 }, (_, i) => ({ ...marks.get('s1')![0]!, ts: T0 + i }));
  const text = marksText(many).map((l) => l.text);
  assert.equal(text.length, MAX_MARKS + 1);
  assert.equal(text[MAX_MARKS], 'and 3 more');
  assert.deepEqual(marksText(undefined), []);
});
