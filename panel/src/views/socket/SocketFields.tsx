/**
 * The socket's fields, in the terms of the Socket.IO `Socket`: id, connected, active, transport,
 * rooms, auth, handshake; and which client the session belongs to and which of its attempts it is,
 * with how sure the stream is of it (socket/Inference.tsx).
 */
import type { ReactNode } from 'react';
import { useSlices } from '../../app/context.js';
import { formatTime } from '../../lib/format.js';
import type { AttemptView, NamespaceView, SessionView } from '../../store/model.js';
import { roomsOf } from '../../store/selectors.js';
import { JsonTree } from '../detail/JsonTree.js';
import { InferenceNote } from './Inference.js';

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

/** Which client the session belongs to and which of its attempts it is, as sure as the stream is. */
function ClientField({ s, attempt }: { s: SessionView; attempt: AttemptView | undefined }) {
  return (
    <Field name="client">
      <code>{s.clientKey}</code>
      {attempt && (
        <span data-testid="session-attempt">
          {' '}
          · {attempt.attempt === 0 ? 'its first connection' : `reconnect attempt #${attempt.attempt}`}
          <InferenceNote confidence={attempt.confidence} evidence={attempt.evidence} />
        </span>
      )}
    </Field>
  );
}

export function SocketFields({
  s,
  ns,
  attempt,
}: {
  s: SessionView;
  ns: NamespaceView | undefined;
  attempt: AttemptView | undefined;
}) {
  const { model } = useSlices('rooms');
  const rooms = ns ? roomsOf(model, s.sid, ns.socketId, ns.nsp) : [];
  const h = s.handshake;
  return (
    <dl className="fields" data-testid="socket-fields">
      <Field name="socket.id">
        {ns?.socketId ? <code>{ns.socketId}</code> : <span className="muted">—</span>}
      </Field>
      <Field name="connected">{String(ns?.state === 'connected')}</Field>
      <Field name="active">
        {active(ns)}
        {ns?.disconnect && <InferenceNote confidence={ns.disconnect.confidence} />}
      </Field>
      <ClientField s={s} attempt={attempt} />
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
