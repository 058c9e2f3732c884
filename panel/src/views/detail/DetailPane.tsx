/**
 * The selected packet: its header, the EVENT <-> ACK link (click to jump), the args as a JSON tree,
 * binary attachments as hex dumps, and the raw frame text. A payload the stream cut is fetched
 * whole from the source.
 */
import { ENGINE_PACKET_TYPES } from '../../../../shared/engineio.js';
import type { PacketEvent } from '../../../../shared/events.js';
import { useController, usePanel, useUi } from '../../app/context.js';
import { findBinaries } from '../../lib/binary.js';
import { formatBytes, formatLatency, formatTime } from '../../lib/format.js';
import { detailArgs, sioLabel } from '../../lib/packet-format.js';
import { visibleText } from '../../lib/visible-text.js';
import type { PacketRow } from '../../store/packet-store.js';
import { OriginalPacket, PacketActions } from '../control/PacketActions.js';
import { HexDump } from './HexDump.js';
import { JsonTree } from './JsonTree.js';
import { useFullPayload } from './useFullPayload.js';
import './JsonTree.css';
import './DetailPane.css';

function AckLink({ row }: { row: PacketRow }) {
  const controller = useController();
  const sio = row.e.sio;
  if (!sio || sio.id === undefined) return null;
  const isAck = sio.type === 'ACK' || sio.type === 'BINARY_ACK';
  if (row.linkSeq === undefined) {
    return (
      <div className="ack-link muted">
        {isAck ? `ACK #${sio.id}: its EVENT was not seen` : `asks for ACK #${sio.id}: none seen yet`}
      </div>
    );
  }
  const target = row.linkSeq;
  return (
    <div className="ack-link" data-testid="ack-link">
      {isAck ? 'answers ' : 'acknowledged by '}
      <button
        className="link"
        onClick={() => controller.jumpTo(target, row.e.sessionId)}
        data-testid="ack-jump"
      >
        {isAck ? 'EVENT' : 'ACK'} #{target}
      </button>
      {row.latency !== undefined && <> after {formatLatency(row.latency)}</>}
    </div>
  );
}

function Header({ e }: { e: PacketEvent }) {
  const selectSession = useUi((s) => s.selectSession);
  const selectPacket = useUi((s) => s.selectPacket);
  return (
    <div className="detail-head">
      <button
        className="link close"
        onClick={() => selectPacket(undefined)}
        title="close (Esc in the table)"
        aria-label="close the detail pane"
      >
        ✕
      </button>
      <b>#{e.seq}</b>{' '}
      <span className={`dir ${e.direction}`}>
        {e.direction === 'c2s' ? '↑ client → server' : '↓ server → client'}
      </span>{' '}
      · {formatTime(e.ts)} · {e.transport} · {e.engine}
      {e.sio && (
        <>
          {' '}
          · <b>{sioLabel(e)}</b> {e.sio.nsp}
          {e.sio.event !== undefined && (
            <>
              {' '}
              · <b>{visibleText(e.sio.event)}</b>
            </>
          )}
          {e.sio.id !== undefined && <> · id {e.sio.id}</>}
        </>
      )}{' '}
      · {formatBytes(e.size)} · session{' '}
      <button className="link mono" onClick={() => selectSession({ sid: e.sessionId })}>
        {e.sessionId}
      </button>
      {e.truncated && <span className="badge warn">cut by the stream</span>}
      {e.modified && <span className="badge">modified by the proxy</span>}
      {e.injected && <span className="badge">sent by the proxy</span>}
      {e.edited && <span className="badge warn">edited by the proxy</span>}
      {e.raw && <span className="badge">not Socket.IO</span>}
      {e.importedFrom && <span className="badge">from {e.importedFrom.toUpperCase()}</span>}
    </div>
  );
}

export function DetailPane() {
  const selectedSeq = useUi((s) => s.selectedSeq);
  const row = usePanel((s) => (selectedSeq === undefined ? undefined : s.model.packets.bySeq(selectedSeq)));
  usePanel(() => row?.linkSeq); // the ACK link arrives after the packet, set on its row in place
  const full = useFullPayload(row?.e);

  if (!row) {
    return (
      <div className="detail empty" data-testid="detail-pane">
        {selectedSeq === undefined
          ? 'Select a packet (click, or ↑/↓ in the table).'
          : `Packet #${selectedSeq} is no longer held (evicted).`}
      </div>
    );
  }
  const e = row.e;
  const loaded = full.state === 'loaded' ? full.full : undefined;
  const args = loaded?.args !== undefined ? loaded.args : e.sio?.args;
  const data = loaded?.data ?? e.data;
  const binary = loaded?.binary ?? e.binary;
  const shownArgs = detailArgs(e, args);
  const binaries = findBinaries(shownArgs, 'args');
  const argsCut = typeof args === 'string' && e.truncated;

  return (
    <div className="detail" data-testid="detail-pane">
      <Header e={e} />
      <AckLink row={row} />
      <PacketActions e={e} />
      {sioLabel(e) === '(header)' && (
        <div className="note">
          The header of a binary packet: it is complete with its attachments, the next message(s) of this
          direction, where the decoded packet is shown.
        </div>
      )}
      {full.state === 'loading' && <div className="note">loading the full payload…</div>}
      {full.state === 'unavailable' && (
        <div className="note warn">The stream cut this payload to 4 KB; the whole of it: {full.reason}.</div>
      )}
      {e.sio && args !== undefined && (
        <section>
          <h4>{e.sio.type === 'CONNECT' ? (e.direction === 'c2s' ? 'auth' : 'handshake data') : 'args'}</h4>
          {argsCut ? <pre className="raw">{args}</pre> : <JsonTree value={shownArgs} />}
        </section>
      )}
      <OriginalPacket e={e} />
      {binaries.map((b) => (
        <section key={b.path}>
          <HexDump title={`attachment ${b.path}`} base64={b.base64} size={b.size} />
        </section>
      ))}
      {binary !== undefined && binaries.length === 0 && (
        <section>
          <HexDump title="binary message" base64={binary} size={e.size} />
        </section>
      )}
      <section>
        <h4>raw frame{e.transport === 'polling' ? ' (one packet of the polling payload)' : ''}</h4>
        <pre className="raw" data-testid="raw-frame">
          {/* The Engine.IO packet as on the wire: its type digit, then its data. */}
          {binary !== undefined ? data : `${ENGINE_PACKET_TYPES.indexOf(e.engine)}${data ?? ''}`}
        </pre>
      </section>
    </div>
  );
}
