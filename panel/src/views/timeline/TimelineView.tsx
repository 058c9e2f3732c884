/**
 * The timeline tab: one lane per client, each session a bar over time, drawn on a canvas (the DOM
 * cannot hold thousands of sessions and stay fluid). The wheel zooms around the pointer (shift +
 * wheel scrolls the lanes), a drag pans, the overview strip's brush picks a range, "follow live"
 * keeps the newest instant in view. A click selects the session under the pointer (the sidebar and
 * the packet table follow); double-click opens its socket view. The same data as a table, for
 * screen readers and for reading, is one click away ("Table").
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useController, useNow, usePanel, useSlices, useUi } from '../../app/context.js';
import { clientGroups, clientLabel } from '../../store/selectors.js';
import {
  AXIS_HEIGHT,
  BAR_HEIGHT,
  BAR_TOP,
  drawOverview,
  drawTimeline,
  LABEL_WIDTH,
  LANE_HEIGHT,
  prepare,
  readPalette,
} from './draw.js';
import { extentOf, laneOf } from './lanes.js';
import { MarkMotions } from './mark-motion.js';
import { markAt, packetNear, sessionMarks, type LaneMark } from './marks.js';
import { PacketTimes } from './packet-times.js';
import { SelectedSession } from './SelectedSession.js';
import { TimelineTable } from './TimelineTable.js';
import {
  fit,
  followLive,
  fromBrush,
  hitTest,
  panBy,
  rangeOf,
  wheelFactor,
  zoomAt,
  type Viewport,
} from './viewport.js';
import './TimelineView.css';

const OVERVIEW_HEIGHT = 34;

export function TimelineView() {
  const controller = useController();
  const { model, rev } = useSlices('sessions');
  const { rev: packetsRev } = useSlices('packets');
  const { rev: marksRev } = useSlices('sessions', 'rooms', 'problems');
  const showOwnRooms = useUi((s) => s.showOwnRooms);
  const live = usePanel((s) => s.source.kind === 'live' || s.source.kind === 'devtools');
  const lastTs = usePanel((s) => s.model.cursor.lastTs);
  const wallClock = useNow(1000);
  // A capture's "now" is its last event: its open sessions end there.
  const now = live ? Math.max(wallClock, lastTs) : lastTs;
  const hideGuesses = useUi((s) => s.hideGuesses);
  const selected = useUi((s) => s.session?.sid);
  const selectSession = useUi((s) => s.selectSession);
  const setTab = useUi((s) => s.setTab);
  const setTimeWindow = useUi((s) => s.setTimeWindow);
  // The window the user left the Timeline at (shared with Stats) is where it opens again.
  const shared = useRef(controller.ui.getState().timeWindow);
  const [following, setFollowing] = useState(live && !(shared.current && !shared.current.live));
  const [heartbeats, setHeartbeats] = useState(false);
  const [table, setTable] = useState(false);

  const lanes = useMemo(
    () => clientGroups(model).map((g) => laneOf(g, clientLabel(g), now, hideGuesses)),
    // `now` moves every second: the lanes only need it for clients still trying to reconnect.
    [model, rev, hideGuesses, Math.floor(now / 1000)],
  );
  const extent = useMemo(() => extentOf(lanes, now), [lanes, now]);
  const marks = useMemo(
    () =>
      sessionMarks(model.sessions, model.roomHistory.changes, model.problems.list(), {
        hideGuesses,
        showOwnRooms,
      }),
    [model, marksRev, hideGuesses, showOwnRooms],
  );
  const times = useMemo(() => new PacketTimes(), []);
  const motions = useMemo(() => new MarkMotions(), []);

  const canvas = useRef<HTMLCanvasElement>(null);
  const overview = useRef<HTMLCanvasElement>(null);
  const scroller = useRef<HTMLDivElement>(null);
  const view = useRef<Viewport | undefined>(undefined);
  const frame = useRef(0);
  const state = useRef({ lanes, marks, extent, now, live, heartbeats, selected, following });
  state.current = { lanes, marks, extent, now, live, heartbeats, selected, following };

  const plotWidth = () => Math.max(1, (scroller.current?.clientWidth ?? 800) - LABEL_WIDTH);

  const paint = useCallback(() => {
    frame.current = 0;
    const c = canvas.current;
    const o = overview.current;
    const sc = scroller.current;
    if (!c || !o || !sc) return;
    const st = { ...state.current, now: nowOf(state.current) };
    const width = sc.clientWidth;
    const height = sc.clientHeight;
    if (!view.current) {
      const w = shared.current;
      view.current =
        w && !w.live
          ? fit(w.from, w.to, width - LABEL_WIDTH, 0)
          : fit(st.extent.from, st.extent.to, width - LABEL_WIDTH);
    }
    if (st.following) view.current = followLive(view.current, st.extent.from, st.now, width - LABEL_WIDTH);
    times.update(controller.panel.getState().model.packets);
    const palette = readPalette(c);
    const t = performance.now();
    motions.frame(t);
    c.style.width = `${width}px`;
    c.style.height = `${height}px`;
    drawTimeline(prepare(c, width, height), {
      lanes: st.lanes,
      v: view.current,
      width,
      height,
      scrollTop: sc.scrollTop,
      now: st.now,
      times,
      heartbeats: st.heartbeats,
      selected: st.selected,
      palette,
      marks: st.marks,
      motion: (sid, m) => motions.motion(sid, m, t),
    });
    const ow = o.clientWidth;
    drawOverview(
      prepare(o, ow, OVERVIEW_HEIGHT),
      st.lanes,
      st.extent,
      ow,
      OVERVIEW_HEIGHT,
      view.current,
      width - LABEL_WIDTH,
      st.now,
      palette,
    );
    // For tests and tools: where time and lanes are on the canvas.
    c.dataset.start = String(view.current.start);
    c.dataset.msPerPx = String(view.current.msPerPx);
    c.dataset.scrollTop = String(sc.scrollTop);
    // Frames follow one another only while a mark moves; at rest the view paints on changes only.
    const moving = motions.moving(t);
    c.dataset.moving = String(moving);
    c.dataset.frames = String(Number(c.dataset.frames ?? 0) + 1);
    if (moving > 0) frame.current = requestAnimationFrame(paint);
  }, [controller, times, motions]);

  const schedule = useCallback(() => {
    if (!frame.current) frame.current = requestAnimationFrame(paint);
  }, [paint]);

  // Room marks that arrived live move (before this render's paint is scheduled, below).
  useEffect(() => {
    const { model: m, source } = controller.panel.getState();
    const reduced = window.matchMedia('(prefers-reduced-motion: reduce)').matches;
    motions.update(
      marks,
      m.cursor.lastSeq,
      (source.kind === 'live' || source.kind === 'devtools') && !reduced,
    );
  }, [controller, motions, marks]);
  // `table`: the canvas and its scroller are new elements when the table closes.
  useEffect(schedule, [
    schedule,
    lanes,
    marks,
    extent,
    now,
    heartbeats,
    selected,
    following,
    packetsRev,
    table,
  ]);
  useEffect(() => () => cancelAnimationFrame(frame.current), []);
  useEffect(() => {
    const sc = scroller.current;
    if (!sc) return;
    const resize = new ResizeObserver(schedule);
    resize.observe(sc);
    const scheme = window.matchMedia('(prefers-color-scheme: dark)');
    scheme.addEventListener('change', schedule);
    return () => {
      resize.disconnect();
      scheme.removeEventListener('change', schedule);
    };
  }, [schedule, table]);

  /** The user moved the view: it no longer follows the live edge. */
  const setView = (v: Viewport) => {
    view.current = v;
    if (state.current.following) {
      // The next paint may come before React renders `following` off: it must not follow again.
      state.current.following = false;
      setFollowing(false);
    }
    setTimeWindow({ ...rangeOf(v, plotWidth()), live: false });
    schedule();
  };
  /** "Follow live" on: Stats follows too, over the span the Timeline then shows. */
  const follow = (on: boolean) => {
    setFollowing(on);
    if (!on || !view.current) return;
    const st = state.current;
    const v = followLive(view.current, st.extent.from, nowOf(st), plotWidth());
    setTimeWindow({ ...rangeOf(v, plotWidth()), live: true });
  };

  // Wheel: zoom around the pointer (shift: scroll the lanes; a horizontal swipe pans).
  useEffect(() => {
    const sc = scroller.current;
    if (!sc) return;
    const onWheel = (e: WheelEvent) => {
      if (e.shiftKey || !view.current) return;
      e.preventDefault();
      const x = e.clientX - sc.getBoundingClientRect().left - LABEL_WIDTH;
      let v = view.current;
      if (Math.abs(e.deltaX) > Math.abs(e.deltaY)) v = panBy(v, -e.deltaX);
      else v = zoomAt(v, Math.max(0, x), wheelFactor(e.deltaY));
      setView(v);
    };
    sc.addEventListener('wheel', onWheel, { passive: false });
    return () => sc.removeEventListener('wheel', onWheel);
  });

  const drag = useRef<{ x: number; y: number; top: number; v: Viewport; moved: boolean } | undefined>(
    undefined,
  );
  const pointAt = (e: React.PointerEvent | React.MouseEvent) => {
    const sc = scroller.current as HTMLDivElement;
    const r = sc.getBoundingClientRect();
    return { x: e.clientX - r.left - LABEL_WIDTH, y: e.clientY - r.top - AXIS_HEIGHT + sc.scrollTop };
  };
  const hitAt = (e: React.MouseEvent) => {
    const { x, y } = pointAt(e);
    if (!view.current || x < 0) return undefined;
    return hitTest(state.current.lanes, view.current, x, y, LANE_HEIGHT, nowOf(state.current));
  };
  /** A mark under the pointer: above a bar (rooms) or below it (interventions, problems). */
  const markUnder = (e: React.MouseEvent): { mark: LaneMark; sid: string } | undefined => {
    const hit = hitAt(e);
    if (hit?.kind !== 'session' || !view.current) return undefined;
    const { x, y } = pointAt(e);
    const inLane = y - hit.lane * LANE_HEIGHT;
    const top = inLane < BAR_TOP + 2;
    if (!top && inLane <= BAR_TOP + BAR_HEIGHT - 2) return undefined;
    const mark = markAt(state.current.marks.get(hit.session.sid), view.current, x, top);
    return mark && { mark, sid: hit.session.sid };
  };
  /** A click on a mark opens what it stands for: the packet, the problems, the rooms. */
  const openMark = ({ mark, sid }: { mark: LaneMark; sid: string }) => {
    if (mark.kind === 'problem') {
      selectSession({ sid });
      setTab('problems');
    } else if (mark.kind === 'intervention') {
      const flag = mark.action === 'injected' || mark.action === 'edited' ? mark.action : undefined;
      const row = packetNear(
        controller.panel.getState().model.packets,
        mark.seq,
        sid,
        flag && ((r) => r.e[flag] === true),
      );
      selectSession({ sid });
      if (row) controller.jumpTo(row.e.seq, sid);
      else setTab('socket');
    } else {
      selectSession({ sid });
      setTab('rooms');
    }
  };
  const onPointerDown = (e: React.PointerEvent) => {
    if (e.button !== 0 || !view.current) return;
    const sc = scroller.current as HTMLDivElement;
    drag.current = { x: e.clientX, y: e.clientY, top: sc.scrollTop, v: view.current, moved: false };
    try {
      sc.setPointerCapture(e.pointerId);
    } catch {
      // A pointer the browser does not track (a synthetic one): the drag works without capture.
    }
  };
  const onPointerMove = (e: React.PointerEvent) => {
    const d = drag.current;
    const sc = scroller.current as HTMLDivElement;
    if (!d) {
      const hit = hitAt(e);
      const mark = markUnder(e);
      sc.style.cursor = hit?.kind === 'session' ? 'pointer' : 'grab';
      sc.title = mark ? `${mark.mark.title} (click: open)` : hit ? hitTitle(hit) : '';
      return;
    }
    const dx = e.clientX - d.x;
    const dy = e.clientY - d.y;
    if (!d.moved && Math.abs(dx) + Math.abs(dy) < 4) return;
    d.moved = true;
    sc.scrollTop = d.top - dy;
    setView(panBy(d.v, dx));
  };
  const onPointerUp = (e: React.PointerEvent) => {
    const d = drag.current;
    drag.current = undefined;
    if (!d || d.moved) return;
    const mark = markUnder(e);
    if (mark) return openMark(mark);
    const hit = hitAt(e);
    if (hit?.kind === 'session') selectSession({ sid: hit.session.sid });
    else if (hit?.kind === 'gap') {
      const next = state.current.lanes[hit.lane]?.sessions.find((s) => s.start >= hit.gap.to);
      if (next) selectSession({ sid: next.sid });
    }
  };
  const onDoubleClick = (e: React.MouseEvent) => {
    const hit = hitAt(e);
    if (hit?.kind !== 'session') return;
    selectSession({ sid: hit.session.sid });
    setTab('socket');
  };

  // The overview: drag a range to zoom to it; a click centres the view there.
  const brush = useRef<number | undefined>(undefined);
  const overviewX = (e: React.PointerEvent) =>
    e.clientX - (overview.current as HTMLCanvasElement).getBoundingClientRect().left;
  const onBrush = (e: React.PointerEvent, end: boolean) => {
    const start = brush.current;
    if (start === undefined) return;
    const x = overviewX(e);
    const width = (overview.current as HTMLCanvasElement).clientWidth;
    if (end) brush.current = undefined;
    if (Math.abs(x - start) < 3) {
      if (!end || !view.current) return;
      const w = plotWidth() * view.current.msPerPx;
      const v = fromBrush(x, x, state.current.extent, width, plotWidth());
      setView({ start: v.start - w / 2, msPerPx: view.current.msPerPx });
      return;
    }
    setView(fromBrush(start, x, state.current.extent, width, plotWidth()));
  };

  const sessions = lanes.reduce((n, l) => n + l.sessions.length, 0);
  const summary = `Timeline of ${lanes.length} client${lanes.length === 1 ? '' : 's'} and ${sessions} session${sessions === 1 ? '' : 's'}. The same data is in the table (Table button) and in the sessions sidebar.`;

  return (
    <div className="timeline-view" data-testid="timeline-view">
      <div className="viewbar">
        <b>Timeline</b>
        <span className="muted">
          {lanes.length} clients · {sessions} sessions
        </span>
        <span className="tl-legend" aria-hidden="true">
          <span className="sw polling" /> polling <span className="sw websocket" /> websocket{' '}
          <span className="sw close-client" /> client closed <span className="sw close-server" /> server
          closed · ↻ reconnects · ✕ failed · <span className="sw mark-room" /> ▾▴ room join/leave{' '}
          <span className="sw mark-intervention" /> proxy <span className="sw mark-problem" /> problem ·
          dashed, hollow: guess
        </span>
        <span className="grow" />
        <button
          className="btn"
          onClick={() => setView(fit(extent.from, extent.to, plotWidth()))}
          data-testid="timeline-fit"
        >
          Fit
        </button>
        <Toggle id="timeline-follow" checked={following} set={follow} label="follow live" />
        <Toggle id="timeline-heartbeats" checked={heartbeats} set={setHeartbeats} label="heartbeats" />
        <button
          className={`btn${table ? ' active' : ''}`}
          aria-pressed={table}
          onClick={() => setTable(!table)}
          data-testid="timeline-table-toggle"
        >
          Table
        </button>
      </div>
      <canvas
        ref={overview}
        className="tl-overview"
        height={OVERVIEW_HEIGHT}
        data-testid="timeline-overview"
        aria-label="overview of the whole capture: sessions open over time; drag to pick a range"
        role="img"
        onPointerDown={(e) => {
          brush.current = overviewX(e);
          (e.target as HTMLCanvasElement).setPointerCapture(e.pointerId);
        }}
        onPointerMove={(e) => onBrush(e, false)}
        onPointerUp={(e) => onBrush(e, true)}
      />
      {table ? (
        <TimelineTable lanes={lanes} now={now} marks={marks} />
      ) : (
        <div className="tl-body">
          <canvas
            ref={canvas}
            className="tl-canvas"
            data-testid="timeline-canvas"
            data-lane-height={LANE_HEIGHT}
            data-label-width={LABEL_WIDTH}
            data-axis-height={AXIS_HEIGHT}
            role="img"
            aria-label={summary}
          />
          <div
            ref={scroller}
            className="tl-scroller"
            tabIndex={0}
            data-testid="timeline-scroller"
            onScroll={schedule}
            onPointerDown={onPointerDown}
            onPointerMove={onPointerMove}
            onPointerUp={onPointerUp}
            onDoubleClick={onDoubleClick}
            onKeyDown={(e) => {
              const v = view.current;
              if (!v) return;
              const w = plotWidth();
              if (e.key === '+' || e.key === '=') setView(zoomAt(v, w / 2, 0.8));
              else if (e.key === '-') setView(zoomAt(v, w / 2, 1.25));
              else if (e.key === 'ArrowLeft') setView(panBy(v, w / 5));
              else if (e.key === 'ArrowRight') setView(panBy(v, -w / 5));
              else return;
              e.preventDefault();
            }}
          >
            <div style={{ height: AXIS_HEIGHT + lanes.length * LANE_HEIGHT + 40 }} />
          </div>
        </div>
      )}
      {lanes.length === 0 && (
        <div className="empty">No sessions yet. Point a Socket.IO client at the proxy.</div>
      )}
      <SelectedSession />
    </div>
  );
}

function Toggle(p: { id: string; checked: boolean; set: (on: boolean) => void; label: string }) {
  return (
    <label className="toggle">
      <input
        type="checkbox"
        checked={p.checked}
        data-testid={p.id}
        onChange={(e) => p.set(e.target.checked)}
      />
      {p.label}
    </label>
  );
}

/** Open sessions run until this very moment, live (the clock of `now` only ticks every second). */
function nowOf(st: { live: boolean; now: number }): number {
  return st.live ? Math.max(Date.now(), st.now) : st.now;
}

function hitTitle(hit: NonNullable<ReturnType<typeof hitTest>>): string {
  switch (hit.kind) {
    case 'session':
      return `session ${hit.session.sid}${hit.session.close ? ` — ${hit.session.close.reason}` : ' — open'} (click: select, double-click: socket view)`;
    case 'attempt':
      return `attempt #${hit.attempt.attempt} ${hit.attempt.failed ? `failed${hit.attempt.error ? `: ${hit.attempt.error}` : ''}` : 'connected'}`;
    case 'gap':
      return `waited ${Math.round(hit.gap.to - hit.gap.from)} ms before reconnecting; ${hit.gap.failed} failed attempt(s)`;
    default:
      return '';
  }
}
