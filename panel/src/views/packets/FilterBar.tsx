/**
 * The packet filter: free text or /regex/ over the args (focused by `/`), event name, direction,
 * namespace, packet type, the session chosen in the sidebar, and the heartbeat toggle. Under it, while
 * the text is used and some payloads were cut, a line says how much of them the text searched.
 */
import { forwardRef } from 'react';
import { ENGINE_PACKET_TYPES } from '../../../../shared/engineio.js';
import { SIO_PACKET_TYPES } from '../../../../shared/socketio.js';
import { useFiltered, usePanel, useUi } from '../../app/context.js';
import { shortId } from '../../lib/format.js';
import type { DirectionFilter } from '../../store/filter.js';
import { fullSearchNote } from '../../store/full-search.js';

export const FilterBar = forwardRef<HTMLInputElement>(function FilterBar(_props, textRef) {
  const filter = useUi((s) => s.filter);
  const setFilter = useUi((s) => s.setFilter);
  const resetFilter = useUi((s) => s.resetFilter);
  const selectSession = useUi((s) => s.selectSession);
  const followedFrom = useUi((s) => (s.session?.sid === s.filter.sessionId ? s.session?.from : undefined));
  const names = usePanel((s) => s.model.names);
  // The suggestions: the sets grow in place, so their sizes say when a name was added.
  usePanel((s) => s.model.names.events.size + s.model.names.namespaces.size);
  const truncated = usePanel((s) => s.model.packets.truncated);
  const search = usePanel((s) => s.search);
  const { compiled } = useFiltered();
  const note = fullSearchNote(filter.text, compiled.error, truncated, search);

  return (
    <>
      <div className="filterbar" role="search">
        <input
          ref={textRef}
          className={`filter-text${compiled.error ? ' invalid' : ''}`}
          type="search"
          placeholder="Filter: text or /regex/ (press /)"
          value={filter.text}
          onChange={(e) => setFilter({ text: e.target.value })}
          onKeyDown={(e) => {
            if (e.key === 'Escape') e.currentTarget.blur();
          }}
          title={compiled.error ?? 'Case-insensitive text, or /regex/flags, over the event name and the args'}
          data-testid="filter-input"
          aria-label="filter packets by text or regex"
          spellCheck={false}
        />
        <input
          className="filter-event"
          type="search"
          list="sio-event-names"
          placeholder="event"
          value={filter.event}
          onChange={(e) => setFilter({ event: e.target.value })}
          data-testid="filter-event"
          aria-label="filter by event name"
          spellCheck={false}
        />
        <datalist id="sio-event-names">
          {[...names.events].sort().map((n) => (
            <option key={n} value={n} />
          ))}
        </datalist>
        <select
          value={filter.direction}
          onChange={(e) => setFilter({ direction: e.target.value as DirectionFilter })}
          aria-label="direction"
          data-testid="filter-direction"
        >
          <option value="all">↑↓ all</option>
          <option value="c2s">↑ sent by the client</option>
          <option value="s2c">↓ sent by the server</option>
        </select>
        <select
          value={filter.namespace}
          onChange={(e) => setFilter({ namespace: e.target.value })}
          aria-label="namespace"
          data-testid="filter-namespace"
        >
          <option value="">all nsp</option>
          {[...names.namespaces].sort().map((n) => (
            <option key={n} value={n}>
              {n}
            </option>
          ))}
        </select>
        <select
          value={filter.type}
          onChange={(e) => setFilter({ type: e.target.value })}
          aria-label="packet type"
          data-testid="filter-type"
        >
          <option value="">all types</option>
          <optgroup label="Socket.IO">
            {SIO_PACKET_TYPES.map((t) => (
              <option key={t} value={`sio:${t}`}>
                {t}
              </option>
            ))}
          </optgroup>
          <optgroup label="Engine.IO">
            {ENGINE_PACKET_TYPES.map((t) => (
              <option key={t} value={`engine:${t}`}>
                {t}
              </option>
            ))}
          </optgroup>
        </select>
        {filter.sessionId && (
          <button
            className="chip removable"
            onClick={() => selectSession(undefined)}
            title={`only session ${filter.sessionId}: click to show all`}
            data-testid="filter-session"
          >
            session {shortId(filter.sessionId, 8)}
            {followedFrom && ` (its client reconnected: was ${shortId(followedFrom, 8)})`} ✕
          </button>
        )}
        <label className="toggle" title="Engine.IO ping and pong packets">
          <input
            type="checkbox"
            checked={filter.heartbeats}
            onChange={(e) => setFilter({ heartbeats: e.target.checked })}
            data-testid="toggle-heartbeats"
          />
          heartbeats
        </label>
        <label className="toggle" title="only packets the proxy sent of its own or edited">
          <input
            type="checkbox"
            checked={filter.changed === true}
            onChange={(e) => setFilter({ changed: e.target.checked })}
            data-testid="toggle-changed"
          />
          changed by proxy
        </label>
        <button className="link" onClick={resetFilter} title="clear every filter">
          clear
        </button>
      </div>
      {note && (
        <div
          className={`filter-note${note.whole ? '' : ' partial'}`}
          data-testid="filter-search-note"
          data-state={search?.state ?? 'preview-only'}
        >
          {note.text}
        </div>
      )}
    </>
  );
});
