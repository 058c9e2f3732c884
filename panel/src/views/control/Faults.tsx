/**
 * Breaks a session on purpose: one button per fault of the control API, each with the one line of
 * what the client and the server will report (fault-catalog.ts), the "reproduce a disconnect
 * reason" menu, the session's lasting
 * faults with remove, and "take the target down for N seconds". The proxy's refusal (a 501 for a
 * session on polling) shows as it is, above.
 */
import { useEffect, useState } from 'react';
import { useController, useUi } from '../../app/context.js';
import type { Fault, FaultSpec } from '../../source/control-client.js';
import { FAULTS, reportsLine } from './fault-catalog.js';
import { ProxyPicker } from './ProxyPicker.js';
import { ReasonMenu } from './ReasonMenu.js';
import { SourceTag } from './SourceTag.js';
import { useControl } from './use-control.js';

/** A lasting fault, with its remove button. */
function FaultBadge({ fault, testId, onRemove }: { fault: Fault; testId: string; onRemove(): unknown }) {
  return (
    <span className="badge fault-badge" data-testid={testId}>
      {fault.kind} {fault.id} <SourceTag source={fault.source} />{' '}
      <button className="link" onClick={() => void onRemove()} title="remove">
        ✕
      </button>
    </span>
  );
}

function TargetDown() {
  const driver = useController().control;
  const faults = useControl((s) => s.targetFaults);
  const [seconds, setSeconds] = useState('10');
  /** The proxy whose target it is ('' for every live proxy's). */
  const [source, setSource] = useState('');
  const add = (spec: FaultSpec) => void driver?.addTargetFault(spec, source || undefined);
  return (
    <div className="form-row" data-testid="target-faults">
      <ProxyPicker value={source} onChange={setSource} testId="target-proxy" />
      <button
        className="btn"
        onClick={() => add({ kind: 'target-down', ms: (Number(seconds) || 10) * 1000 })}
        data-testid="target-down"
      >
        Take the target down
      </button>
      for{' '}
      <input
        value={seconds}
        size={4}
        onChange={(e) => setSeconds(e.target.value)}
        data-testid="target-down-seconds"
      />{' '}
      s<span className="muted">new handshakes fail with 502, open WebSockets are cut; clients retry</span>
      <button
        className="btn"
        onClick={() => add({ kind: 'block-upgrade' })}
        title="until removed: every session stays on polling, as behind a proxy that does not pass WebSocket"
        data-testid="target-block-upgrade"
      >
        Block WebSocket upgrades
      </button>
      {faults.map((f) => (
        <FaultBadge
          key={f.id}
          fault={f}
          testId="target-fault"
          onRemove={() => driver?.removeTargetFault(f.id)}
        />
      ))}
    </div>
  );
}

export function Faults() {
  const driver = useController().control;
  const session = useUi((s) => s.session);
  const sid = session?.sid;
  const nsp = session?.nsp ?? '/';
  const lasting = useControl((s) => (sid ? s.faults[sid] : undefined));
  useEffect(() => {
    if (sid) void driver?.refreshFaults(sid);
  }, [driver, sid]);

  return (
    <section className="control-section faults" data-testid="faults">
      <h3>Faults</h3>
      <TargetDown />
      {!sid ? (
        <div className="muted empty-line">Select a session in the sidebar to break it on purpose.</div>
      ) : (
        <>
          <div className="muted">
            session <span className="mono">{sid}</span>, namespace {nsp}
          </div>
          <ReasonMenu sid={sid} nsp={nsp} />
          <ul className="fault-list">
            {FAULTS.map((f) => (
              <li key={f.kind}>
                <button
                  className="btn"
                  onClick={() => void driver?.addFault(sid, { kind: f.kind, ...f.spec?.(nsp) })}
                  data-testid={`fault-${f.kind}`}
                >
                  {f.label}
                </button>
                <span className="muted">{reportsLine(f)}</span>
              </li>
            ))}
          </ul>
          {lasting && lasting.length > 0 && (
            <div className="form-row">
              lasting:
              {lasting.map((f) => (
                <FaultBadge
                  key={f.id}
                  fault={f}
                  testId="session-fault"
                  onRemove={() => driver?.removeFault(sid, f.id)}
                />
              ))}
            </div>
          )}
        </>
      )}
    </section>
  );
}
