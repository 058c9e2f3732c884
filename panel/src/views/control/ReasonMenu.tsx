/**
 * "Reproduce a disconnect reason": the person picks the reason the client or the server should
 * report (the list of socket.io's docs), sees which fault does it and what each side will say, and
 * presses it. The mapping is fault-catalog.ts's table, the same one the fault buttons show.
 */
import { useState } from 'react';
import { useController } from '../../app/context.js';
import { reasonMenu, reportsLine } from './fault-catalog.js';

const MENU = reasonMenu();

export function ReasonMenu({ sid, nsp }: { sid: string; nsp: string }) {
  const driver = useController().control;
  const [picked, setPicked] = useState('');
  const entry = MENU.find((r) => `${r.side}:${r.reason}` === picked);
  const fault = entry?.fault;
  return (
    <div className="form-row reason-menu" data-testid="reason-menu">
      <label>
        Reproduce a disconnect reason{' '}
        <select value={picked} onChange={(e) => setPicked(e.target.value)} data-testid="reason-select">
          <option value="">pick the reason to see…</option>
          {(['client', 'server'] as const).map((side) => (
            <optgroup key={side} label={`the ${side} reports`}>
              {MENU.filter((r) => r.side === side).map((r) => (
                <option key={r.reason} value={`${side}:${r.reason}`}>
                  {side}: {r.reason}
                </option>
              ))}
            </optgroup>
          ))}
        </select>
      </label>
      {entry && fault && (
        <>
          <button
            className="btn"
            onClick={() => void driver?.addFault(sid, { kind: fault.kind, ...fault.spec?.(nsp) })}
            data-testid="reason-go"
          >
            {fault.label}
          </button>
          <span className="muted" data-testid="reason-plan">
            {reportsLine(fault)}
          </span>
        </>
      )}
      {entry && !fault && (
        <span className="muted" data-testid="reason-plan">
          {entry.unavailable}
        </span>
      )}
    </div>
  );
}
