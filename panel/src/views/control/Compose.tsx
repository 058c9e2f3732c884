/**
 * Sends an event of the proxy's own into a session: to the client as the server, or to the server as
 * the client, optionally waiting for its ack. Prefilled from the selected session, or from a packet by
 * "Replay"; Ctrl/Cmd+Enter sends. The answer (ack args and latency, or the error) shows beside it.
 */
import { useEffect, useState } from 'react';
import { useController, useUi } from '../../app/context.js';
import { parseArgs } from '../../lib/args-json.js';
import { formatLatency } from '../../lib/format.js';
import { ArgsEditor } from './ArgsEditor.js';
import { FailedAction } from './Outcome.js';
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
  const send = async () => {
    if (!ready || !args.ok) return;
    setSending(true);
    await driver.emit(sid, {
      direction,
      nsp: nsp || '/',
      event,
      args: args.args,
      ...(ack ? { ack: true } : {}),
    });
    setSending(false);
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
      <ComposeAnswer />
    </section>
  );
}
