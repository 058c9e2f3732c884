/** The packets tab: filter bar, virtualised table, detail pane, and a status line with the counts. */
import { useEffect, useRef } from 'react';
import { useFiltered, usePanel, useUi } from '../../app/context.js';
import { formatCount } from '../../lib/format.js';
import { DetailPane } from '../detail/DetailPane.js';
import { FilterBar } from './FilterBar.js';
import { PacketTable } from './PacketTable.js';
import './PacketsView.css';

function StatusLine() {
  const { list } = useFiltered();
  // The packet store is mutated in place: its counts are what to follow.
  const held = usePanel((s) => s.model.packets.size);
  const evicted = usePanel((s) => s.model.packets.evicted);
  const max = usePanel((s) => s.model.packets.limits.maxPackets);
  const selected = useUi((s) => s.selectedSeq);
  return (
    <div className="statusline" data-testid="packets-status">
      <span>
        {formatCount(list.length)} shown of {formatCount(held)} held
      </span>
      {evicted > 0 && (
        <span
          className="warn"
          data-testid="evicted-count"
          title={`the panel keeps the last ${formatCount(max)} packets`}
        >
          {formatCount(evicted)} oldest evicted (limit {formatCount(max)})
        </span>
      )}
      {selected !== undefined && (
        <span className="muted">a packet is selected: not following new ones (Esc)</span>
      )}
    </div>
  );
}

export function PacketsView() {
  const filterRef = useRef<HTMLInputElement>(null);
  // The detail pane opens with a selection, as in DevTools' network panel: until then the table has the room.
  const selected = useUi((s) => s.selectedSeq);

  // `/` focuses the filter, as in DevTools, unless the user is typing somewhere.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== '/' || e.ctrlKey || e.metaKey || e.altKey) return;
      const t = e.target as HTMLElement | null;
      if (
        t &&
        (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT' || t.isContentEditable)
      )
        return;
      e.preventDefault();
      filterRef.current?.focus();
      filterRef.current?.select();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  return (
    <div className="packets-view">
      <FilterBar ref={filterRef} />
      <div className={`packets-split${selected === undefined ? ' no-detail' : ''}`}>
        <div className="table-box">
          <PacketTable follow />
        </div>
        {selected !== undefined && <DetailPane />}
      </div>
      <StatusLine />
    </div>
  );
}
