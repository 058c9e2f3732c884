/**
 * The packets as a virtualised table: time, session, direction, Engine.IO and Socket.IO types,
 * namespace, event, args, size, ack latency. Arrow keys (and PageUp/PageDown/Home/End) move the
 * selection; the table follows the newest packet unless the user scrolled up.
 */
import type { KeyboardEvent } from 'react';
import { useController, useFiltered, useUi } from '../../app/context.js';
import { formatBytes, formatLatency, formatTime, hueOf, shortId } from '../../lib/format.js';
import { argsPreview, sioLabel } from '../../lib/packet-format.js';
import type { PacketRow } from '../../store/packet-store.js';
import { VirtualList } from '../VirtualList.js';

export const ROW_HEIGHT = 20;

function Row({
  row,
  top,
  selected,
  onSelect,
}: {
  row: PacketRow;
  top: number;
  selected: boolean;
  onSelect: (seq: number) => void;
}) {
  const e = row.e;
  const sio = e.sio;
  const c2s = e.direction === 'c2s';
  return (
    <div
      className={`prow${selected ? ' selected' : ''}${row.heartbeat ? ' heartbeat' : ''}${sio?.type === 'CONNECT_ERROR' ? ' bad' : ''}`}
      style={{ top }}
      onMouseDown={() => onSelect(e.seq)}
      data-testid="packet-row"
      data-seq={e.seq}
      role="row"
      aria-selected={selected}
    >
      <span className="c-time">{formatTime(e.ts)}</span>
      <span className="c-sid" title={e.sessionId}>
        <i className="swatch" style={{ background: `hsl(${hueOf(e.sessionId)} 60% 50%)` }} />
        {shortId(e.sessionId)}
      </span>
      <span className={`c-dir ${e.direction}`} title={c2s ? 'client → server' : 'server → client'}>
        {c2s ? '↑' : '↓'}
      </span>
      <span className="c-engine">{e.engine}</span>
      {/* Packets without a Socket.IO meaning show their Engine.IO type here (the engine column may be hidden). */}
      <span className="c-sio">{sioLabel(e) || <span className="muted">{e.engine}</span>}</span>
      <span className="c-nsp">{sio?.nsp ?? ''}</span>
      <span className="c-event">
        {sio?.event ?? (sio?.id !== undefined && sio.type.endsWith('ACK') ? `ack #${sio.id}` : '')}
      </span>
      <span className="c-args">{argsPreview(e)}</span>
      <span className="c-size">{formatBytes(e.size)}</span>
      <span className="c-ack" title={row.linkSeq !== undefined ? `linked to #${row.linkSeq}` : undefined}>
        {row.latency !== undefined
          ? formatLatency(row.latency)
          : sio?.id !== undefined && sio.type.endsWith('EVENT')
            ? '…'
            : ''}
      </span>
    </div>
  );
}

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
  const { list, rev } = useFiltered();
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
      follow={follow && !hasSelection}
      {...(hasSelection ? { scrollToIndex: selectedIndex } : {})}
      onKeyDown={onKeyDown}
      renderRow={(i, top) => {
        const row = controller.filtered.at(i);
        return row ? (
          <Row key={row.e.seq} row={row} top={top} selected={row.e.seq === selectedSeq} onSelect={select} />
        ) : null;
      }}
    />
  );
}
