/**
 * The sequence tab: the selected session as Socket.IO's docs draw a lifecycle, with the client, the
 * proxy and the target as three columns and an arrow per packet in time order; heartbeats fold into
 * runs (click to unfold), each EVENT is linked to its ACK by a bracket with the latency, the
 * lifecycle (handshake, upgrade per leg, the close on each leg) and the proxy's interventions are
 * notes on the leg they concern. SVG, virtualised: only the rows in view (and the links crossing
 * them) are in the DOM, so a session of 100,000 packets scrolls like one of ten.
 */
import { useLayoutEffect, useMemo, useRef, useState } from 'react';
import { useController, usePanel, useSlices, useUi } from '../../app/context.js';
import { formatLatency, formatOffset, formatTime } from '../../lib/format.js';
import { ackLinks, rowWindow, sequenceRows, type SeqRow } from './rows.js';
import { SessionPackets } from './session-packets.js';
import { watchScrollBox } from '../watch-scroll-box.js';
import './SequenceView.css';

const ROW = 24;
const GUTTER = 84;
const LINK_AREA = 90;

interface Columns {
  client: number;
  proxy: number;
  target: number;
  link: number;
}

function columnsFor(width: number): Columns {
  const usable = Math.max(240, width - GUTTER - LINK_AREA);
  return {
    client: GUTTER + usable * 0.06,
    proxy: GUTTER + usable * 0.5,
    target: GUTTER + usable * 0.94,
    link: GUTTER + usable + 8,
  };
}

function legX(c: Columns, leg: 'client' | 'server' | 'both'): [number, number] {
  if (leg === 'client') return [c.client, c.proxy];
  if (leg === 'server') return [c.proxy, c.target];
  return [c.client, c.target];
}

function Row({
  row,
  i,
  c,
  start,
  onUnfold,
  onOpen,
}: {
  row: SeqRow;
  i: number;
  c: Columns;
  start: number;
  onUnfold: (seq: number) => void;
  onOpen: (seq: number) => void;
}) {
  const y = i * ROW + ROW / 2;
  const time = (
    <text x={6} y={y + 4} className="seq-time">
      {formatOffset(row.ts - start)}
    </text>
  );
  if (row.kind === 'note') {
    const [x0, x1] = legX(c, row.leg);
    return (
      <g data-testid="seq-note" data-leg={row.leg} data-seq={row.seq} className={`seq-note ${row.tone}`}>
        {time}
        <rect x={x0 + 4} y={i * ROW + 3} width={x1 - x0 - 8} height={ROW - 6} rx={3} />
        <text x={(x0 + x1) / 2} y={y + 4} textAnchor="middle">
          {row.text}
        </text>
      </g>
    );
  }
  if (row.kind === 'heartbeats') {
    return (
      <g
        data-testid="seq-heartbeats"
        data-seq={row.seq}
        className="seq-fold"
        role="button"
        tabIndex={0}
        onClick={() => onUnfold(row.seq)}
        onKeyDown={(e) => e.key === 'Enter' && onUnfold(row.seq)}
      >
        {time}
        <text x={c.proxy} y={y + 4} textAnchor="middle">
          ▸ {row.pings} ping{row.pings === 1 ? '' : 's'} / {row.pongs} pong{row.pongs === 1 ? '' : 's'} over{' '}
          {formatLatency(row.until - row.ts)} (unfold)
        </text>
      </g>
    );
  }
  const [a, b] = legX(c, row.span);
  const [x0, x1] = row.direction === 'c2s' ? [a, b] : [b, a];
  const labelX =
    row.span === 'both'
      ? row.direction === 'c2s'
        ? (c.client + c.proxy) / 2
        : (c.proxy + c.target) / 2
      : (a + b) / 2;
  const cls = `seq-arrow ${row.direction}${row.heartbeat ? ' heartbeat' : ''}${row.probe ? ' probe' : ''}${row.injected ? ' injected' : ''}`;
  return (
    <g
      className={cls}
      data-testid="seq-arrow"
      data-seq={row.seq}
      data-direction={row.direction}
      data-label={row.label}
      data-link={row.link}
      onClick={() => onOpen(row.seq)}
    >
      <title>
        #{row.seq} {row.label} over {row.transport} at {formatTime(row.ts)}
        {row.injected ? ' (sent by the proxy)' : ''}
        {row.edited ? ' (edited by the proxy)' : ''} — click to show it in the packets
      </title>
      {time}
      <line x1={x0} y1={y + 5} x2={x1} y2={y + 5} markerEnd={`url(#seq-head-${row.direction})`} />
      {row.span === 'both' && <circle cx={c.proxy} cy={y + 5} r={2.5} />}
      <text x={labelX} y={y} textAnchor="middle">
        {row.label}
        {row.transport === 'polling' ? ' · polling' : ''}
        {row.edited ? ' · edited' : ''}
      </text>
    </g>
  );
}

export function SequenceView() {
  const controller = useController();
  const sid = useUi((s) => s.session?.sid);
  const session = usePanel((s) => (sid ? s.model.sessions.get(sid) : undefined));
  const { model, rev } = useSlices('packets');
  const finder = useMemo(() => new SessionPackets(), []);
  const [unfolded, setUnfolded] = useState<ReadonlySet<number>>(new Set());
  const packets = useMemo(() => (sid ? finder.of(model.packets, sid) : []), [finder, model, sid, rev]);
  const rows = useMemo(
    () => (session ? sequenceRows(session, packets, unfolded) : []),
    [session, packets, unfolded],
  );
  const links = useMemo(() => ackLinks(rows), [rows]);
  const scroller = useRef<HTMLDivElement>(null);
  const [box, setBox] = useState({ top: 0, height: 600, width: 900 });
  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    return watchScrollBox(el, () =>
      setBox({ top: el.scrollTop, height: el.clientHeight, width: el.clientWidth }),
    );
  }, [session !== undefined]);

  if (!session) {
    return (
      <div className="sequence-view empty" data-testid="sequence-view">
        Select a session (in the sidebar or on the timeline) to see its packets as a sequence diagram.
      </div>
    );
  }
  const c = columnsFor(box.width);
  const { first, last } = rowWindow(rows.length, ROW, box.top, box.height);
  const shown = [];
  for (let i = first; i < last; i++)
    shown.push(
      <Row
        key={`${rows[i]?.kind}:${rows[i]?.seq}`}
        row={rows[i] as SeqRow}
        i={i}
        c={c}
        start={session.startedAt}
        onUnfold={(seq) => setUnfolded((u) => new Set(u).add(seq))}
        onOpen={(seq) => controller.jumpTo(seq, session.sid)}
      />,
    );
  const height = Math.max(rows.length * ROW, 1);
  return (
    <div className="sequence-view" data-testid="sequence-view" data-sid={session.sid}>
      <div className="viewbar">
        <b>Sequence</b>
        <span className="mono">{session.sid}</span>
        <span className="muted">
          {packets.length} packets · {rows.length} rows
        </span>
        <span className="grow" />
        {unfolded.size > 0 && (
          <button className="btn" onClick={() => setUnfolded(new Set())}>
            Fold heartbeats
          </button>
        )}
      </div>
      <div className="seq-heads" aria-hidden="true">
        <span style={{ left: c.client }}>client</span>
        <span style={{ left: c.proxy }}>proxy</span>
        <span style={{ left: c.target }}>target</span>
      </div>
      <div className="seq-scroll" ref={scroller}>
        {/* The spacer gives the scroll height; the SVG covers only the rows rendered (a drawing a
            million pixels tall costs the compositor dearly even when nearly empty). */}
        <div className="seq-spacer" style={{ height }}>
          <svg
            width={box.width}
            height={Math.max((last - first) * ROW, 1)}
            style={{ top: first * ROW }}
            className="seq-svg"
            role="img"
            aria-label={`Sequence of session ${session.sid}: ${packets.length} packets between the client, the proxy and the target. The packets tab lists the same packets.`}
            data-testid="sequence-svg"
          >
            <defs>
              {(['c2s', 's2c'] as const).map((d) => (
                <marker
                  key={d}
                  id={`seq-head-${d}`}
                  viewBox="0 0 8 8"
                  refX="8"
                  refY="4"
                  markerWidth="7"
                  markerHeight="7"
                  orient="auto"
                >
                  <path d="M0,0 L8,4 L0,8 z" className={`seq-head ${d}`} />
                </marker>
              ))}
            </defs>
            <g transform={`translate(0 ${-first * ROW})`}>
              {[c.client, c.proxy, c.target].map((x) => (
                <line key={x} x1={x} y1={first * ROW} x2={x} y2={last * ROW} className="seq-lifeline" />
              ))}
              {shown}
              {links
                .filter((l) => l.to >= first && l.from < last)
                .map((l) => {
                  const x = c.link + (l.track % 6) * 10;
                  const y0 = l.from * ROW + ROW / 2 + 5;
                  const y1 = l.to * ROW + ROW / 2 + 5;
                  return (
                    <g
                      key={l.eventSeq}
                      className="seq-link"
                      data-testid="seq-ack-link"
                      data-event={l.eventSeq}
                      data-ack={l.ackSeq}
                    >
                      <path d={`M${c.target + 6},${y0} H${x} V${y1} H${c.target + 6}`} />
                      {l.latency !== undefined && (
                        <text x={x + 3} y={(y0 + y1) / 2 + 4}>
                          {formatLatency(l.latency)}
                        </text>
                      )}
                    </g>
                  );
                })}
            </g>
          </svg>
        </div>
      </div>
    </div>
  );
}
