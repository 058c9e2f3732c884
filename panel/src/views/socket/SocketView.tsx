/**
 * The socket view of a session and namespace, in the terms of the Socket.IO `Socket`: id, handshake
 * (headers, query, auth, time, issued, url, address, xdomain, secure), rooms, connected, active,
 * transport; the client it belongs to and which attempt it is; then the session's lifecycle timeline.
 * What the stream only inferred carries its confidence and evidence (socket/Inference.tsx).
 */
import { usePanel, useUi } from '../../app/context.js';
import { attemptsAfter } from '../../store/selectors.js';
import { SocketFields } from './SocketFields.js';
import { Timeline } from './Timeline.js';
import '../detail/JsonTree.css';
import './SocketView.css';

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
          <SocketFields
            s={session}
            ns={ns}
            attempt={client?.attempts.find((a) => a.sessionId === session.sid && a.outcome === 'connected')}
          />
        </section>
        <section>
          <h4>Lifecycle</h4>
          <Timeline session={session} next={attemptsAfter(client, session)} />
        </section>
      </div>
    </div>
  );
}
