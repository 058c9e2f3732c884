/**
 * Room joins and leaves moving as they arrive live on the Timeline
 * (panel/src/views/timeline/mark-motion.ts): the timing of a join's grow and ring and a leave's
 * fade and ghost, and which marks move: only those that arrive after the view saw the stream,
 * through the real reducers and sessionMarks, never with motion turned off, for as long as the
 * motion lasts and no longer.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ProxyEvent, UnstampedEvent } from '../../shared/events.js';
import { createPanelStore } from '../../panel/src/store/panel-store.js';
import {
  easeOutBack,
  MARK_MOTION_MS,
  MAX_MOVING,
  MarkMotions,
  motionAt,
} from '../../panel/src/views/timeline/mark-motion.js';
import { sessionMarks, type LaneMark } from '../../panel/src/views/timeline/marks.js';
import { EventFactory } from '../support/panel-events.js';

test('a join grows from nothing past its size and settles; its ring spreads and fades', () => {
  assert.equal(easeOutBack(0), 0);
  assert.ok(Math.abs(easeOutBack(1) - 1) < 1e-9);
  const start = motionAt('join', 0)!;
  assert.equal(start.scale, 0);
  assert.equal(start.alpha, 1);
  assert.ok(start.ring && start.ring.radius === 3 && start.ring.alpha > 0.7);
  const peak = Math.max(...[0.5, 0.6, 0.7, 0.8].map((p) => motionAt('join', p * MARK_MOTION_MS)!.scale));
  assert.ok(peak > 1.05, `overshoots (${peak})`);
  const late = motionAt('join', MARK_MOTION_MS - 1)!;
  assert.ok(Math.abs(late.scale - 1) < 0.02, 'back to its size at the end');
  assert.ok(late.ring!.radius > 9.9 && late.ring!.radius <= 10, 'within the lane (24 px)');
  assert.ok(late.ring!.alpha < 0.01);
  assert.equal(motionAt('join', MARK_MOTION_MS), undefined, 'at rest once the motion is over');
});

test('a leave fades in while its ghost rises off the bar and fades out', () => {
  const start = motionAt('leave', 0)!;
  assert.equal(start.scale, 1);
  assert.equal(start.alpha, 0);
  assert.deepEqual(start.ghost, { lift: 0, alpha: 1 });
  const mid = motionAt('leave', MARK_MOTION_MS / 2)!;
  assert.ok(mid.alpha > 0.5 && mid.alpha < 1);
  assert.ok(mid.ghost!.lift > 5 && mid.ghost!.alpha === 0.5);
  assert.equal(motionAt('leave', MARK_MOTION_MS + 50), undefined);
  assert.equal(motionAt('leave', 100, 100), undefined, 'the duration is a parameter');
});

function stream() {
  const f = new EventFactory();
  const room = (action: string, name: string, socketId: string) =>
    f.ev({ type: 'room', nsp: '/', source: 'admin-ui', action, room: name, socketId } as UnstampedEvent);
  const connect = (sid: string, socketId: string) =>
    f.ev({ type: 'connect', sessionId: sid, nsp: '/', socketId, recovered: false } as UnstampedEvent);
  const store = createPanelStore();
  const ingest = (events: ProxyEvent[]) => {
    store.getState().ingest(events);
    const { model } = store.getState();
    return {
      marks: sessionMarks(model.sessions, model.roomHistory.changes, model.problems.list(), {
        hideGuesses: false,
        showOwnRooms: false,
      }),
      lastSeq: model.cursor.lastSeq,
    };
  };
  return { f, room, connect, ingest };
}

const moving = (motions: MarkMotions, marks: Map<string, LaneMark[]>, t: number) =>
  [...marks].flatMap(([sid, list]) =>
    list.filter((m) => motions.motion(sid, m, t)).map((m) => `${sid} ${m.kind} ${m.room}`),
  );

test('only marks that arrive after the view saw the stream move, each for its duration from its first frame', () => {
  const { f, room, connect, ingest } = stream();
  const motions = new MarkMotions();
  const first = ingest([
    f.session('s1', 'alice'),
    connect('s1', 'A'),
    f.session('s2', 'bob'),
    connect('s2', 'B'),
    room('join', 'old', 'A'),
  ]);
  motions.update(first.marks, first.lastSeq, true);
  motions.frame(1000);
  assert.deepEqual(moving(motions, first.marks, 1000), [], 'what was there when the view opened rests');
  assert.equal(motions.moving(1000), 0);

  const next = ingest([room('join', 'blue', 'A'), room('leave', 'old', 'A'), room('join', 'blue', 'B')]);
  motions.update(next.marks, next.lastSeq, true);
  assert.equal(motions.moving(5000), 3, 'waiting for their first frame, however late it comes');
  motions.frame(5000);
  assert.deepEqual(moving(motions, next.marks, 5000).sort(), [
    's1 join blue',
    's1 leave old',
    's2 join blue',
  ]);
  const join = next.marks.get('s1')!.find((m) => m.room === 'blue')!;
  assert.equal(motions.motion('s1', join, 5000)!.scale, 0, 'the first frame is the motion’s start');
  motions.frame(5000 + MARK_MOTION_MS - 1);
  assert.equal(motions.moving(5000 + MARK_MOTION_MS - 1), 3);
  motions.frame(5000 + MARK_MOTION_MS);
  assert.equal(motions.moving(5000 + MARK_MOTION_MS), 0, 'no more frames asked for once all rest');
  assert.deepEqual(moving(motions, next.marks, 5000 + MARK_MOTION_MS), []);

  // Derived again (another slice changed) with nothing new: nothing moves again.
  motions.update(next.marks, next.lastSeq, true);
  motions.frame(6000);
  assert.equal(motions.moving(6000), 0);
});

test('nothing moves with motion off (a capture file, prefers-reduced-motion), nor on the first derivation', () => {
  const { f, room, connect, ingest } = stream();
  const motions = new MarkMotions();
  const a = ingest([f.session('s1', 'alice'), connect('s1', 'A'), room('join', 'x', 'A')]);
  motions.update(a.marks, a.lastSeq, true);
  motions.frame(0);
  assert.equal(motions.moving(0), 0, 'the first derivation is history');
  const b = ingest([room('join', 'y', 'A')]);
  motions.update(b.marks, b.lastSeq, false);
  motions.frame(10);
  assert.equal(motions.moving(10), 0, 'motion off');
  const c = ingest([room('leave', 'y', 'A')]);
  motions.update(c.marks, c.lastSeq, true);
  motions.frame(20);
  assert.deepEqual(moving(motions, c.marks, 20), ['s1 leave y'], 'the join that came while off stays still');
});

test('while no frame is painted, the marks waiting to move stay bounded, the newest kept', () => {
  const { f, room, connect, ingest } = stream();
  const motions = new MarkMotions();
  const start = ingest([f.session('s1', 'alice'), connect('s1', 'A')]);
  motions.update(start.marks, start.lastSeq, true);
  for (let i = 0; i < MAX_MOVING + 20; i++) {
    const next = ingest([room(i % 2 ? 'leave' : 'join', 'churn', 'A')]);
    motions.update(next.marks, next.lastSeq, true);
  }
  assert.equal(motions.moving(0), MAX_MOVING);
  const last = ingest([room('join', 'last', 'A')]);
  motions.update(last.marks, last.lastSeq, true);
  motions.frame(0);
  const newest = last.marks.get('s1')!.find((m) => m.room === 'last')!;
  assert.ok(motions.motion('s1', newest, 0), 'the newest arrival moves');
  assert.equal(motions.moving(0), MAX_MOVING);
});
