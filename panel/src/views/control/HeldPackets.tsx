/**
 * The packets a pause rule holds, oldest first, each with the time left before the pause timeout
 * forwards it by itself, and what to do with it: forward, edit then forward, drop; or forward all.
 * Keyboard (outside text fields): ↑/↓ select, F forward, D drop, E edit.
 */
import { useEffect, useState } from 'react';
import { useController, useNow } from '../../app/context.js';
import { formatArgs, parseArgs } from '../../lib/args-json.js';
import { shortId } from '../../lib/format.js';
import type { HeldPacket } from '../../source/control-client.js';
import { selectedHeldPacket } from '../../store/control-store.js';
import { ArgsEditor } from './ArgsEditor.js';
import { SourceTag } from './SourceTag.js';
import { useControl } from './use-control.js';

function typing(t: EventTarget | null): boolean {
  const el = t as HTMLElement | null;
  return (
    !!el &&
    (el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT' || el.isContentEditable)
  );
}

function EditHeld({ packet, onDone }: { packet: HeldPacket; onDone(): void }) {
  const driver = useController().control;
  const [event, setEvent] = useState(packet.event ?? '');
  const [nsp, setNsp] = useState(packet.nsp ?? '/');
  const [argsText, setArgsText] = useState(() => formatArgs(packet.args));
  const parsed = parseArgs(argsText);
  const send = async () => {
    if (!parsed.ok || !driver) return;
    const ok = await driver.decide(packet.id, {
      verdict: 'forward',
      args: parsed.args,
      ...(event && event !== packet.event ? { event } : {}),
      ...(nsp !== (packet.nsp ?? '/') ? { nsp } : {}),
    });
    if (ok) onDone();
  };
  return (
    <div className="held-edit" data-testid="held-edit">
      <label>
        event <input value={event} onChange={(e) => setEvent(e.target.value)} data-testid="held-edit-event" />
      </label>
      <label>
        nsp <input value={nsp} onChange={(e) => setNsp(e.target.value)} data-testid="held-edit-nsp" />
      </label>
      <ArgsEditor text={argsText} onText={setArgsText} testId="held-args" />
      <div className="row-actions">
        <button className="btn" disabled={!parsed.ok} onClick={send} data-testid="held-edit-forward">
          Forward edited
        </button>
        <button className="btn" onClick={onDone}>
          Cancel
        </button>
      </div>
    </div>
  );
}

function HeldRow({
  p,
  selected,
  editing,
  now,
}: {
  p: HeldPacket;
  selected: boolean;
  editing: boolean;
  now: number;
}) {
  const driver = useController().control;
  const setStore = useControl((s) => s.set);
  // `now` (whole seconds) only re-renders the countdown; Date.now() gives what is left exactly.
  void now;
  const left = Math.max(0, Math.round((p.expiresAt - Date.now()) / 1000));
  return (
    <li
      className={`held-row${selected ? ' selected' : ''}`}
      data-testid="held-row"
      data-id={p.id}
      onClick={() => setStore({ selectedHeld: p.id })}
    >
      <span className="mono">{p.id}</span>
      <SourceTag source={p.source} />
      <span className={`dir ${p.direction}`}>{p.direction === 'c2s' ? '↑ to server' : '↓ to client'}</span>
      <span className="mono" title={p.sessionId}>
        {shortId(p.sessionId)}
      </span>
      <span>{p.nsp ?? ''}</span>
      <b>{p.event ?? p.type}</b>
      <span className="held-args mono">{p.args === undefined ? '' : JSON.stringify(p.args)}</span>
      <span
        className="held-left"
        title="then the pause timeout forwards it as it was"
        data-testid="held-left"
      >
        forwards in {left} s
      </span>
      <span className="row-actions">
        <button
          className="btn"
          onClick={() => void driver?.decide(p.id, { verdict: 'forward' })}
          data-testid="held-forward"
        >
          Forward
        </button>
        <button
          className="btn"
          onClick={() => setStore({ selectedHeld: p.id, editingHeld: editing ? undefined : p.id })}
          data-testid="held-edit-button"
        >
          Edit…
        </button>
        <button
          className="btn"
          onClick={() => void driver?.decide(p.id, { verdict: 'drop' })}
          data-testid="held-drop"
        >
          Drop
        </button>
      </span>
    </li>
  );
}

export function HeldPackets() {
  const driver = useController().control;
  const held = useControl((s) => s.held);
  const selected = useControl(selectedHeldPacket);
  const editing = useControl((s) => s.editingHeld);
  const setStore = useControl((s) => s.set);
  const now = useNow(1000);
  const editingPacket = held.find((p) => p.id === editing);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey || typing(e.target) || !driver) return;
      const s = selectedHeldPacket(driver.state());
      if (!s) return;
      const list = driver.state().held;
      const i = list.indexOf(s);
      const key = e.key.toLowerCase();
      if (key === 'f') void driver.decide(s.id, { verdict: 'forward' });
      else if (key === 'd') void driver.decide(s.id, { verdict: 'drop' });
      else if (key === 'e') setStore({ editingHeld: s.id });
      else if (e.key === 'ArrowDown') setStore({ selectedHeld: list[Math.min(list.length - 1, i + 1)]?.id });
      else if (e.key === 'ArrowUp') setStore({ selectedHeld: list[Math.max(0, i - 1)]?.id });
      else return;
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [driver, setStore]);

  return (
    <section className="control-section held" data-testid="held-packets">
      <h3>
        Held packets <span className="muted">({held.length})</span>
        <span className="grow" />
        <span className="muted keys">F forward · D drop · E edit · ↑/↓ select</span>
        <button
          className="btn"
          disabled={held.length === 0}
          onClick={() => void driver?.forwardAll()}
          data-testid="held-forward-all"
        >
          Forward all
        </button>
      </h3>
      {held.length === 0 ? (
        <div className="muted empty-line">
          Nothing held. Add a pause rule, or "Pause packets like this" on a packet.
        </div>
      ) : (
        <ol className="held-list">
          {held.map((p) => (
            <HeldRow key={p.id} p={p} selected={p === selected} editing={p.id === editing} now={now} />
          ))}
        </ol>
      )}
      {editingPacket && (
        <EditHeld
          key={editingPacket.id}
          packet={editingPacket}
          onDone={() => setStore({ editingHeld: undefined })}
        />
      )}
    </section>
  );
}
