/**
 * The detail pane's control line for the selected packet, with a live proxy: "Pause packets like
 * this" (a pause rule on the same direction, namespace and event) and "Replay" (fills the composer
 * and opens the control tab); and, for a packet the proxy edited, the original beside the edit.
 */
import type { PacketEvent } from '../../../../shared/events.js';
import { useController, useUi } from '../../app/context.js';
import { formatArgs } from '../../lib/args-json.js';
import { detailArgs } from '../../lib/packet-format.js';
import type { RuleMatch } from '../../source/control-client.js';
import { JsonTree } from '../detail/JsonTree.js';
import { useControl } from './use-control.js';
import './PacketActions.css';

/** The rule match of "packets like this one": same direction, namespace and event. */
export function matchLike(e: PacketEvent): RuleMatch {
  const m: RuleMatch = { direction: e.direction };
  if (e.sio) m.nsp = e.sio.nsp;
  if (e.sio?.event !== undefined) m.event = e.sio.event;
  else if (e.sio) m.type = e.sio.type;
  return m;
}

export function PacketActions({ e }: { e: PacketEvent }) {
  const controller = useController();
  const available = useControl((s) => s.available);
  const setStore = useControl((s) => s.set);
  const draftRev = useControl((s) => s.draft?.rev ?? 0);
  const setTab = useUi((s) => s.setTab);
  if (!available) return null;
  const replay = () => {
    setStore({
      draft: {
        sessionId: e.sessionId,
        nsp: e.sio?.nsp ?? '/',
        direction: e.direction,
        event: e.sio?.event ?? '',
        argsText: formatArgs(detailArgs(e)),
        rev: draftRev + 1,
      },
    });
    setTab('control');
  };
  return (
    <div className="packet-actions">
      <button
        className="btn"
        onClick={() => void controller.control?.addRule({ match: matchLike(e), action: { kind: 'pause' } })}
        title="a breakpoint: hold the next packets of this direction, namespace and event"
        data-testid="pause-like-this"
      >
        Pause packets like this
      </button>
      {e.sio?.event !== undefined && (
        <button
          className="btn"
          onClick={replay}
          title="fill the composer with this packet"
          data-testid="replay"
        >
          Replay
        </button>
      )}
    </div>
  );
}

/** What came in, for a packet the proxy edited before sending it on. */
export function OriginalPacket({ e }: { e: PacketEvent }) {
  if (!e.edited || !e.original) return null;
  const o = e.original;
  return (
    <section data-testid="original-packet">
      <h4>
        original (before the edit): {o.nsp}
        {o.event !== undefined && (
          <>
            {' '}
            · <b>{o.event}</b>
          </>
        )}
      </h4>
      {o.args !== undefined && <JsonTree value={o.args} />}
    </section>
  );
}
