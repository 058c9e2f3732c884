/**
 * volatile-dropped (shared/analysis/detectors/volatile-dropped.ts) on synthetic polling timelines:
 * a server beating an event every INTERVAL ms to a polling client whose polls are sometimes late.
 * Volatile beats due while no poll waits at the server are dropped; ordinary ones are buffered and
 * come in a burst with the next answer; a beat the app itself skipped while a poll was waiting is
 * neither.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Analyzer } from '../../shared/analysis/analyzer.js';
import type { ProblemReport } from '../../shared/analysis/detector.js';
import { MIN_BEATS, VolatileDropped } from '../../shared/analysis/detectors/volatile-dropped.js';
import type { ProxyEvent, UnstampedEvent } from '../../shared/events.js';
import { EventFactory, T0 } from '../support/panel-events.js';

const INTERVAL = 20;
const SID = 'S';

interface Timeline {
  /** What the server does with a beat due while no poll waits: drop it, or buffer it. */
  volatile: boolean;
  beats: number;
  /** Polls (by number) that reach the server `late` ms after the previous answer instead of 2 ms. */
  latePolls?: ReadonlySet<number>;
  late?: number;
  /** Beats (by number) the app never emitted, whatever the transport. */
  skipped?: ReadonlySet<number>;
  transport?: 'polling' | 'websocket';
  event?: string;
  /**
   * The late polls are a stall of one process holding server and client (as in a test, or on a
   * starved machine): no beat fires meanwhile, and the timer's one late beat, buffered, comes just
   * before the poll and is written at once.
   */
  stall?: boolean;
}

/** The events the proxy would publish for the timeline: each answer's packets, then its `http` event. */
function timeline(t: Timeline): ProxyEvent[] {
  const f = new EventFactory();
  const out: ProxyEvent[] = [f.session(SID, 'k')];
  let seq = f.seq;
  const stamp = (e: UnstampedEvent, ts: number) =>
    out.push({ ...e, seq: ++seq, ts } as unknown as ProxyEvent);
  const event = t.event ?? 'tick';
  let poll = 0;
  let getAt = T0 + 2; // the pending GET reached the server then
  let buffered: number[] = [];
  const answer = (at: number, ticks: number[]) => {
    for (const n of ticks)
      stamp(
        {
          type: 'packet',
          sessionId: SID,
          direction: 's2c',
          transport: t.transport ?? 'polling',
          engine: 'message',
          size: 12,
          sio: { type: 'EVENT', nsp: '/', event, args: [n] },
          data: `2["${event}",${n}]`,
        } as UnstampedEvent,
        at,
      );
    stamp(
      {
        type: 'http',
        sessionId: SID,
        method: 'GET',
        url: `/socket.io/?EIO=4&transport=polling&sid=${SID}`,
        status: 200,
        requestHeaders: {},
        responseHeaders: {},
        startedAt: getAt,
        duration: at - getAt,
      } as UnstampedEvent,
      at,
    );
    poll++;
    getAt = at + (t.latePolls?.has(poll) ? (t.late ?? 90) : 2);
  };
  let stalledUntil = 0;
  for (let n = 0; n < t.beats; n++) {
    const due = T0 + 10 + n * INTERVAL;
    if (t.stall && getAt > due && getAt - due > 2) {
      // Inside the stall: no beat; the first after it fires just before the poll comes.
      if (stalledUntil !== getAt && getAt - due < INTERVAL) {
        stalledUntil = getAt;
        answer(getAt, [n]);
      }
      continue;
    }
    // A poll that reached the server before the beat first takes what was buffered.
    if (buffered.length && getAt <= due) {
      answer(getAt, buffered);
      buffered = [];
    }
    if (t.skipped?.has(n)) continue;
    if (getAt <= due) answer(due, [n]);
    else if (!t.volatile) buffered.push(n);
  }
  return out;
}

function analyse(events: readonly ProxyEvent[]): ProblemReport[] {
  const found: ProblemReport[] = [];
  const analyzer = new Analyzer((p) => found.push(p), [new VolatileDropped()]);
  for (const e of events) analyzer.observe(e);
  return found;
}

const LATE = new Set([15, 30, 45]);

describe('volatile-dropped', () => {
  test('volatile beats missing over late polls, with no burst after them: one problem, likely', () => {
    const found = analyse(timeline({ volatile: true, beats: 60, latePolls: LATE }));
    assert.equal(found.length, 1, JSON.stringify(found, null, 1));
    const [p] = found;
    assert.equal(p!.kind, 'volatile-dropped');
    assert.equal(p!.confidence, 'likely');
    assert.equal(p!.sessionId, SID);
    assert.equal(
      p!.title,
      '"tick" every ~20 ms lost beats while polling could not be written: volatile packets dropped?',
    );
    // The late poll came 90 ms after the answer at beat 14 (T0+290): beats 15..18 were due without a
    // poll at the server; beat 19 (T0+390) is the first one written.
    assert.match(
      p!.evidence[1]!,
      /^a gap of 100 ms \(4 missing\) between packets #\d+ and #\d+, over a window of 90 ms with no poll waiting at the target, and #\d+ came alone, to a poll that had waited 10 ms for it$/,
    );
    assert.match(p!.fix, /socket\.emit\('tick', data\)/);
  });

  test('the same late polls with buffered (ordinary) beats: the burst after each gap clears it', () => {
    const events = timeline({ volatile: false, beats: 60, latePolls: LATE });
    const sizes = events.filter((e) => e.type === 'http').length;
    assert.ok(sizes < 60, 'some answers carried several beats');
    assert.deepEqual(analyse(events), []);
  });

  test('beats the app skipped while a poll was waiting are not the transport: no problem', () => {
    assert.deepEqual(
      analyse(timeline({ volatile: true, beats: 60, skipped: new Set([15, 16, 17, 30, 31, 45, 46]) })),
      [],
    );
  });

  test('a stall of server and client together (the late beat buffered, written at once): no problem', () => {
    const events = timeline({ volatile: false, beats: 60, latePolls: LATE, stall: true });
    const ticks = events.filter((e) => e.type === 'packet').length;
    assert.ok(ticks < 57, `beats are missing: ${ticks} of 60`);
    assert.deepEqual(analyse(events), []);
  });

  test('one gap alone is not enough, nor a series shorter than MIN_BEATS', () => {
    assert.deepEqual(analyse(timeline({ volatile: true, beats: 60, latePolls: new Set([15]) })), []);
    assert.deepEqual(
      analyse(timeline({ volatile: true, beats: MIN_BEATS + 6, latePolls: new Set([3, 8]) })),
      [],
    );
  });

  test('over WebSocket the polling windows say nothing: no problem', () => {
    assert.deepEqual(
      analyse(timeline({ volatile: true, beats: 60, latePolls: LATE, transport: 'websocket' })),
      [],
    );
  });

  test('an irregular series is no beat: no problem', () => {
    const events = timeline({ volatile: true, beats: 60, latePolls: LATE });
    // Each answer (its packets and its http event) a varying time later than the one before.
    const extra = [0, 40, 80, 10, 120, 30, 60];
    let shift = 0;
    let answers = 0;
    for (const e of events) {
      const t = e as { ts: number; startedAt?: number };
      t.ts += shift;
      if (t.startedAt !== undefined) t.startedAt += shift;
      if (e.type === 'http') shift += extra[answers++ % extra.length]!;
    }
    assert.deepEqual(analyse(events), []);
  });

  test('forgets a session at its close', () => {
    const d = new VolatileDropped();
    const analyzer = new Analyzer(() => {}, [d]);
    for (const e of timeline({ volatile: true, beats: 20 })) analyzer.observe(e);
    const sessions = (d as unknown as { sessions: Map<string, unknown> }).sessions;
    assert.equal(sessions.size, 1);
    d.forget(SID);
    assert.equal(sessions.size, 0);
  });
});
