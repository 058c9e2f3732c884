/**
 * A session's marks in the sidebar from the control slice: how many of its packets the proxy holds
 * (the item is highlighted meanwhile, SessionMarks.css) and its lasting faults as badges, each
 * removable there. Renders nothing for a source without a control API.
 */
import { useController } from '../../app/context.js';
import { useControl } from './use-control.js';

export function SessionMarks({ sid }: { sid: string }) {
  const driver = useController().control;
  const held = useControl((s) => s.held.reduce((n, p) => (p.sessionId === sid ? n + 1 : n), 0));
  const faults = useControl((s) => s.faults[sid]);
  if (held === 0 && !faults?.length) return null;
  return (
    <div className="s-line session-marks" data-testid="session-marks">
      {held > 0 && (
        <span
          className="badge held-mark"
          title="packets held by a pause rule (Control tab)"
          data-testid="held-mark"
        >
          {held} held
        </span>
      )}
      {faults?.map((f) => (
        <span key={f.id} className="badge fault-mark" data-testid="fault-mark" data-kind={f.kind}>
          {f.kind}
          <button
            className="link"
            title="remove this fault"
            onClick={(ev) => {
              // The item's own click selects the session: removing a fault is not that.
              ev.stopPropagation();
              void driver?.removeFault(sid, f.id);
            }}
          >
            ✕
          </button>
        </span>
      ))}
    </div>
  );
}
