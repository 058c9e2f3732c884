/**
 * Rooms and their members, labelled by where they come from: @socket.io/admin-ui (facts) or
 * inferred from broadcasts (guesses). Members link to their session. "Over time" shows the same
 * rooms' membership as it changed (rooms/RoomsOverTime.tsx); "graph" small namespaces as a
 * bipartite graph (rooms/RoomGraph.tsx).
 */
import { useMemo, useState } from 'react';
import { useController, usePanel, useSlices, useUi } from '../app/context.js';
import { formatTime, shortId } from '../lib/format.js';
import type { PanelModel } from '../store/reduce.js';
import { roomList } from '../store/selectors.js';
import { RoomGraph } from './rooms/RoomGraph.js';
import { RoomsOverTime } from './rooms/RoomsOverTime.js';
import './RoomsView.css';

/** The session of a socket id, for a member of an admin-ui room. */
function sessionOfSocket(model: PanelModel, socketId: string): string | undefined {
  for (const s of model.sessions.values()) {
    for (const n of Object.values(s.namespaces)) if (n.socketId === socketId) return s.sid;
  }
  return undefined;
}

export function RoomsView() {
  const controller = useController();
  const { model, rev } = useSlices('rooms');
  const showOwn = useUi((s) => s.showOwnRooms);
  const setShowOwn = useUi((s) => s.setShowOwnRooms);
  const selectSession = useUi((s) => s.selectSession);
  const rooms = useMemo(() => roomList(model, showOwn), [model, rev, showOwn]);
  const live = usePanel((s) => s.source.kind === 'live' || s.source.kind === 'devtools');
  const [mode, setMode] = useState<'now' | 'over time' | 'graph'>('now');
  const overTime = mode === 'over time';
  return (
    <div className="rooms-view">
      <div className="viewbar">
        <b>Rooms</b> <span className="muted">{rooms.length}</span>
        <button className={`tab small${mode === 'now' ? ' active' : ''}`} onClick={() => setMode('now')}>
          now
        </button>
        <button
          className={`tab small${overTime ? ' active' : ''}`}
          onClick={() => setMode('over time')}
          data-testid="rooms-over-time-toggle"
        >
          over time
        </button>
        <button
          className={`tab small${mode === 'graph' ? ' active' : ''}`}
          onClick={() => setMode('graph')}
          data-testid="rooms-graph-toggle"
        >
          graph
        </button>
        <span className="grow" />
        <label className="toggle">
          <input type="checkbox" checked={showOwn} onChange={(e) => setShowOwn(e.target.checked)} />
          each socket&apos;s own room
        </label>
      </div>
      {overTime ? (
        <RoomsOverTime />
      ) : mode === 'graph' ? (
        <RoomGraph
          rooms={rooms}
          live={live}
          onMember={(m, nsp) => {
            const { model } = controller.panel.getState();
            const sid = m.kind === 'session' ? m.member : sessionOfSocket(model, m.member);
            if (sid) selectSession({ sid, nsp });
          }}
        />
      ) : rooms.length === 0 ? (
        <div className="empty">
          No rooms known. Rooms never cross the wire: run the proxy with <code>--admin-ui</code> against a
          target instrumented with @socket.io/admin-ui for the real ones; otherwise they are inferred from
          broadcasts once two sessions get the same packet at once.
        </div>
      ) : (
        <table className="grid" data-testid="room-list">
          <thead>
            <tr>
              <th>namespace</th>
              <th>room</th>
              <th>source</th>
              <th>members</th>
              <th>updated</th>
            </tr>
          </thead>
          <tbody>
            {rooms.map((r) => (
              <tr key={r.key} data-testid="room-item" data-source={r.source}>
                <td>{r.nsp}</td>
                <td className="mono">{r.room}</td>
                <td>
                  <span
                    className={`badge ${r.source}`}
                    title={
                      r.source === 'inferred'
                        ? 'a guess: these sessions got the same broadcast at once'
                        : 'reported by @socket.io/admin-ui on the target'
                    }
                  >
                    {r.source === 'inferred' ? 'inferred (guess)' : 'admin-ui'}
                  </span>
                </td>
                <td>
                  {r.members.map((m) => {
                    return (
                      <button
                        key={m}
                        className="chip"
                        title={`${r.memberKind === 'session' ? 'session' : 'socket'} ${m}`}
                        onClick={() => {
                          // Looked up on click: the view depends on the rooms, not on every session change.
                          const { model } = controller.panel.getState();
                          const sid = r.memberKind === 'session' ? m : sessionOfSocket(model, m);
                          if (sid) selectSession({ sid, nsp: r.nsp });
                        }}
                      >
                        {shortId(m, 8)}
                      </button>
                    );
                  })}
                </td>
                <td className="muted">{formatTime(r.updatedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
