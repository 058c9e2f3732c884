/**
 * The packets as a virtualised table: time, session, direction, Engine.IO and Socket.IO types,
 * namespace, event, args, size, ack latency. Arrow keys (and PageUp/PageDown/Home/End) move the
 * selection; the table follows the newest packet unless the user scrolled up.
 */
import { memo, type CSSProperties, type KeyboardEvent } from 'react';
import { useController, useFiltered, useUi } from '../../app/context.js';
import { formatBytes, formatLatency, formatTime, hueOf, shortId } from '../../lib/format.js';
import { argsPreview, eventLabel, sioLabel } from '../../lib/packet-format.js';
import type { PacketRow } from '../../store/packet-store.js';
import { VirtualList } from '../VirtualList.js';
import { ChangeMark } from '../control/ChangeMark.js';

export const ROW_HEIGHT = 20;

/** What a row shows, worked out once per packet: scrolling back over rows mounts them again. */
interface Cells {
  time: string;
  sid: string;
  hue: string;
  sio: string;
  event: string;
  args: string;
  size: string;
  className: string;
}

const cellCache = new WeakMap<PacketRow, Cells>();

function cellsOf(row: PacketRow): Cells {
  let cells = cellCache.get(row);
  if (cells) return cells;
  const e = row.e;
  const sio = e.sio;
  cells = {
    time: formatTime(e.ts),
    sid: shortId(e.sessionId),
    hue: String(hueOf(e.sessionId)),
    sio: sioLabel(e),
    event: eventLabel(e),
    args: argsPreview(e),
    size: formatBytes(e.size),
    className: `prow${row.heartbeat ? ' heartbeat' : ''}${sio?.type === 'CONNECT_ERROR' ? ' bad' : ''}`,
  };
  cellCache.set(row, cells);
  return cells;
}

/**
 * Memoised: a scroll mounts the rows that came into the window and leaves the others alone. Rows
 * are mutable (an ACK fills in `latency` and `linkSeq` later), so those come as props of their own.
 */
const Row = memo(function Row({
  row,
  latency,
  linkSeq,
  selected,
  onSelect,
}: {
  row: PacketRow;
  latency: number | undefined;
  linkSeq: number | undefined;
  selected: boolean;
  onSelect: (seq: number) => void;
}) {
  const e = row.e;
  const sio = e.sio;
  const c2s = e.direction === 'c2s';
  const c = cellsOf(row);
  return (
    <div
      className={selected ? `${c.className} selected` : c.className}
      onMouseDown={() => onSelect(e.seq)}
      data-testid="packet-row"
      data-seq={e.seq}
      data-changed={e.injected ? 'injected' : e.edited ? 'edited' : undefined}
      role="row"
      aria-selected={selected}
    >
      <span className="c-time">{c.time}</span>
      {/* The swatch is the span's ::before, coloured by --hue: one element fewer a row. */}
      <span className="c-sid" title={e.sessionId} style={{ '--hue': c.hue } as CSSProperties}>
        {c.sid}
      </span>
      <span className={`c-dir ${e.direction}`} title={c2s ? 'client → server' : 'server → client'}>
        {c2s ? '↑' : '↓'}
      </span>
      <span className="c-engine">{e.engine}</span>
      {/* Packets without a Socket.IO meaning show their Engine.IO type here (the engine column may be hidden). */}
      <span className="c-sio">{c.sio || <span className="muted">{e.engine}</span>}</span>
      <span className="c-nsp">{sio?.nsp ?? ''}</span>
      <span className="c-event">
        {(e.injected || e.edited) && <ChangeMark injected={e.injected === true} />}
        {c.event}
      </span>
      <span className="c-args">{c.args}</span>
      <span className="c-size">{c.size}</span>
      <span className="c-ack" title={linkSeq !== undefined ? `linked to #${linkSeq}` : undefined}>
        {latency !== undefined
          ? formatLatency(latency)
          : sio?.id !== undefined && sio.type.endsWith('EVENT')
            ? '…'
            : ''}
      </span>
    </div>
  );
});

const HEADER = (
  <div className="prow phead" role="row">
    <span className="c-time">time</span>
    <span className="c-sid">session</span>
    <span className="c-dir" />
    <span className="c-engine">engine</span>
    <span className="c-sio">socket.io</span>
    <span className="c-nsp">nsp</span>
    <span className="c-event">event</span>
    <span className="c-args">args</span>
    <span className="c-size">size</span>
    <span className="c-ack">ack</span>
  </div>
);

export function PacketTable({ follow }: { follow: boolean }) {
  const controller = useController();
  const { list, rev, compiled } = useFiltered();
  const selectedSeq = useUi((s) => s.selectedSeq);
  const select = useUi((s) => s.selectPacket);

  const selectedIndex = selectedSeq === undefined ? -1 : list.indexOfSeq(selectedSeq);
  const hasSelection = selectedIndex >= 0 && list.at(selectedIndex)?.e.seq === selectedSeq;

  const onKeyDown = (ev: KeyboardEvent<HTMLDivElement>) => {
    const page = Math.max(1, Math.floor(ev.currentTarget.clientHeight / ROW_HEIGHT) - 2);
    const moves: Record<string, number> = { ArrowDown: 1, ArrowUp: -1, PageDown: page, PageUp: -page };
    let next: number | undefined;
    if (ev.key in moves) next = (hasSelection ? selectedIndex : list.length) + (moves[ev.key] ?? 0);
    else if (ev.key === 'Home') next = 0;
    else if (ev.key === 'End') next = list.length - 1;
    else if (ev.key === 'Escape') return select(undefined);
    if (next === undefined || list.length === 0) return;
    ev.preventDefault();
    next = Math.max(0, Math.min(list.length - 1, next));
    select(list.at(next)?.e.seq);
  };

  return (
    <VirtualList
      className="packet-table"
      testId="packet-table"
      label="packets"
      rowCount={list.length}
      rowHeight={ROW_HEIGHT}
      headerHeight={ROW_HEIGHT}
      header={HEADER}
      rev={rev}
      rowsKey={compiled}
      follow={follow && !hasSelection}
      {...(hasSelection ? { scrollToIndex: selectedIndex } : {})}
      onKeyDown={onKeyDown}
      renderRow={(i) => {
        const row = controller.filtered.at(i);
        return row ? (
          <Row
            key={row.e.seq}
            row={row}
            latency={row.latency}
            linkSeq={row.linkSeq}
            selected={row.e.seq === selectedSeq}
            onSelect={select}
          />
        ) : null;
      }}
    />
  );
}
