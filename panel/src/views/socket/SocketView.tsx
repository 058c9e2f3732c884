/**
 * The socket view of a session and namespace, in the terms of the Socket.IO `Socket`: id, handshake
 * (headers, query, auth, time, issued, url, address, xdomain, secure), rooms, connected, active,
 * transport; then the session's lifecycle timeline.
 */
import type { ReactNode } from 'react';
import { usePanel, useSlices, useUi } from '../../app/context.js';
import { formatTime } from '../../lib/format.js';
import type { NamespaceView, SessionView } from '../../store/model.js';
import { attemptsAfter, roomsOf } from '../../store/selectors.js';
import { JsonTree } from '../detail/JsonTree.js';
import { Timeline } from './Timeline.js';
import '../detail/JsonTree.css';
import './SocketView.css';

function Field({ name, children }: { name: string; children: ReactNode }) {
  return (
    <>
      <dt>{name}</dt>
      <dd>{children}</dd>
    </>
  );
}

function Headers({ headers }: { headers: Record<string, string | string[] | undefined> }) {
  return (
    <table className="kv">
      <tbody>
        {Object.entries(headers).map(([k, v]) => (
          <tr key={k}>
            <th>{k}</th>
            <td>{Array.isArray(v) ? v.join(', ') : (v ?? '')}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function active(ns: NamespaceView | undefined): string {
  if (!ns) return '—';
  if (ns.state === 'connected' || ns.state === 'connecting') return 'true';
  if (ns.state === 'disconnected') return ns.disconnect?.active ? 'true (reconnecting by itself)' : 'false';
  return 'false';
}

function SocketFields({ s, ns }: { s: SessionView; ns: NamespaceView | undefined }) {
  const { model } = useSlices('rooms');
  const rooms = ns ? roomsOf(model, s.sid, ns.socketId, ns.nsp) : [];
  const h = s.handshake;
  return (
    <dl className="fields" data-testid="socket-fields">
      <Field name="socket.id">
        {ns?.socketId ? <code>{ns.socketId}</code> : <span className="muted">—</span>}
      </Field>
      <Field name="connected">{String(ns?.state === 'connected')}</Field>
      <Field name="active">{active(ns)}</Field>
      {ns?.recovered && <Field name="recovered">true</Field>}
      <Field name="conn.transport.name">{s.transport}</Field>
      <Field name="engine sid">
        <code>{s.sid}</code> (EIO{s.eio ?? '?'})
      </Field>
      {s.open && (
        <Field name="open">
          pingInterval {s.open.pingInterval} ms · pingTimeout {s.open.pingTimeout} ms
          {s.open.maxPayload !== undefined && <> · maxPayload {s.open.maxPayload} B</>} · upgrades [
          {s.open.upgrades.join(', ')}]
          {s.hiddenUpgrades.length > 0 && (
            <span className="muted"> (hidden by the proxy: {s.hiddenUpgrades.join(', ')})</span>
          )}
        </Field>
      )}
      <Field name="rooms">
        {rooms.length === 0 ? (
          <span className="muted">none known</span>
        ) : (
          rooms.map((r) => (
            <span
              key={r.key}
              className={`chip room ${r.source}`}
              title={
                r.source === 'inferred' ? 'inferred from broadcasts: a guess' : 'from @socket.io/admin-ui'
              }
            >
              {r.room}
            </span>
          ))
        )}
      </Field>
      {ns?.auth !== undefined && (
        <Field name="handshake.auth">
          <JsonTree value={ns.auth} />
        </Field>
      )}
      {ns?.error && (
        <Field name="connect_error">
          {ns.error.message}
          {ns.error.data !== undefined && <JsonTree value={ns.error.data} />}
        </Field>
      )}
      {h ? (
        <>
          <Field name="handshake.time">{h.time}</Field>
          <Field name="handshake.issued">
            {h.issued} ({formatTime(h.issued)})
          </Field>
          <Field name="handshake.url">
            <code>{h.url}</code>
          </Field>
          <Field name="handshake.address">{h.address}</Field>
          <Field name="handshake.xdomain">{String(h.xdomain)}</Field>
          <Field name="handshake.secure">{String(h.secure)}</Field>
          <Field name="handshake.query">
            <JsonTree value={h.query} />
          </Field>
          <Field name="handshake.headers">
            <Headers headers={h.headers} />
          </Field>
        </>
      ) : (
        <Field name="handshake">
          <span className="muted">not seen (the capture starts after it)</span>
        </Field>
      )}
    </dl>
  );
}

export function SocketView() {
  const selection = useUi((s) => s.session);
  const selectSession = useUi((s) => s.selectSession);
  // Sessions and clients are immutable entities, replaced when they change: the view follows its own.
  const session = usePanel((s) => (selection ? s.model.sessions.get(selection.sid) : undefined));
  const client = usePanel((s) => (session ? s.model.clients.get(session.clientKey) : undefined));
  if (!session) {
    return (
      <div className="socket-view empty" data-testid="socket-view">
        Select a session in the sidebar (or one of its namespaces) to see its socket and lifecycle.
      </div>
    );
  }
  const namespaces = Object.values(session.namespaces);
  const nsp = selection?.nsp ?? namespaces[0]?.nsp;
  const ns = nsp !== undefined ? session.namespaces[nsp] : undefined;
  return (
    <div className="socket-view" data-testid="socket-view">
      <div className="ns-tabs">
        <span className="muted">namespace:</span>
        {namespaces.length === 0 && <span className="muted">none joined</span>}
        {namespaces.map((n) => (
          <button
            key={n.nsp}
            className={`tab small${n.nsp === nsp ? ' active' : ''}`}
            onClick={() => selectSession({ sid: session.sid, nsp: n.nsp })}
          >
            {n.nsp}
          </button>
        ))}
      </div>
      <div className="socket-columns">
        <section>
          <h4>Socket</h4>
          <SocketFields s={session} ns={ns} />
        </section>
        <section>
          <h4>Lifecycle</h4>
          <Timeline session={session} next={attemptsAfter(client, session)} />
        </section>
      </div>
    </div>
  );
}
