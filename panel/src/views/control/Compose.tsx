/**
 * Sends an event of the proxy's own into a session: to the client as the server, or to the server as
 * the client, optionally waiting for its ack. Prefilled from the selected session, or from a packet by
 * "Replay"; Ctrl/Cmd+Enter sends. The answer (ack args and latency, or the error) shows beside it.
 * A binary argument comes from a file or hex; recent sends are listed to be edited or sent again.
 */
import { useEffect, useState } from 'react';
import { useController, useUi } from '../../app/context.js';
import { formatArgs, parseArgs } from '../../lib/args-json.js';
import { formatLatency } from '../../lib/format.js';
import type { EmitSpec } from '../../source/control-client.js';
import type { Composition } from '../../store/recent-compositions.js';
import { ArgsEditor } from './ArgsEditor.js';
import { BinaryAttach } from './BinaryAttach.js';
import { FailedAction } from './Outcome.js';
import { RecentCompositions } from './RecentCompositions.js';
import { useControl } from './use-control.js';

function ComposeAnswer() {
  const answer = useControl((s) => s.compose);
  if (!answer) return null;
  if (!answer.ok) return <FailedAction outcome={answer} testId="compose-answer" />;
  const r = answer.result;
  return (
    <div className="compose-ok" data-testid="compose-answer">
      sent as #{r?.seq}
      {r?.ack !== undefined && (
        <>
          {' '}
          · ack <code>{JSON.stringify(r.ack)}</code>
          {r.latencyMs !== undefined && <> after {formatLatency(r.latencyMs)}</>}
        </>
      )}
    </div>
  );
}

export function Compose() {
  const driver = useController().control;
  const selectedSid = useUi((s) => s.session?.sid ?? '');
  const draft = useControl((s) => s.draft);
  const [sid, setSid] = useState(selectedSid);
  const [nsp, setNsp] = useState('/');
  const [direction, setDirection] = useState<'c2s' | 's2c'>('s2c');
  const [event, setEvent] = useState('');
  const [argsText, setArgsText] = useState('[]');
  const [ack, setAck] = useState(false);
  const [sending, setSending] = useState(false);
  const args = parseArgs(argsText);

  useEffect(() => {
    if (!draft) return;
    setSid(draft.sessionId);
    setNsp(draft.nsp);
    setDirection(draft.direction);
    setEvent(draft.event);
    setArgsText(draft.argsText);
  }, [draft]);
  useEffect(() => {
    if (selectedSid && !sid) setSid(selectedSid);
  }, [selectedSid, sid]);

  const ready = !!driver && !!sid && !!event && args.ok && !sending;
  const emit = async (spec: EmitSpec) => {
    if (!driver || !sid || sending) return;
    setSending(true);
    await driver.emit(sid, spec);
    setSending(false);
  };
  const send = () => {
    if (!ready || !args.ok) return;
    return emit({ direction, nsp: nsp || '/', event, args: args.args, ...(ack ? { ack: true } : {}) });
  };
  const use = (c: Composition) => {
    setNsp(c.nsp ?? '/');
    setDirection(c.direction);
    setEvent(c.event);
    setArgsText(formatArgs(c.args ?? []));
    setAck(!!c.ack);
  };
  const again = (c: Composition) => {
    use(c);
    const { sessionId: _sent, at: _at, ...spec } = c;
    void emit(spec);
  };

  return (
    <section
      className="control-section compose"
      data-testid="compose"
      onKeyDown={(e) => {
        if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
          e.preventDefault();
          void send();
        }
      }}
    >
      <h3>Compose</h3>
      <div className="form-row">
        <input
          value={sid}
          placeholder="session id"
          onChange={(e) => setSid(e.target.value)}
          data-testid="compose-session"
        />
        <input
          value={nsp}
          placeholder="/"
          size={8}
          onChange={(e) => setNsp(e.target.value)}
          data-testid="compose-nsp"
        />
        <select
          value={direction}
          onChange={(e) => setDirection(e.target.value as 'c2s' | 's2c')}
          data-testid="compose-direction"
        >
          <option value="s2c">to the client, as the server</option>
          <option value="c2s">to the server, as the client</option>
        </select>
      </div>
      <div className="form-row">
        <input
          value={event}
          placeholder="event"
          onChange={(e) => setEvent(e.target.value)}
          data-testid="compose-event"
        />
        <label>
          <input
            type="checkbox"
            checked={ack}
            onChange={(e) => setAck(e.target.checked)}
            data-testid="compose-ack"
          />{' '}
          wait for an ack
        </label>
        <button
          className="btn"
          disabled={!ready}
          onClick={() => void send()}
          title="Ctrl/Cmd+Enter"
          data-testid="compose-send"
        >
          {sending ? 'Sending…' : 'Send'}
        </button>
      </div>
      <ArgsEditor text={argsText} onText={setArgsText} rows={3} testId="compose-args" />
      <BinaryAttach argsText={argsText} onText={setArgsText} />
      <ComposeAnswer />
      <RecentCompositions onUse={use} onSend={again} canSend={!!driver && !!sid && !sending} />
    </section>
  );
}
