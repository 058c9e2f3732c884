/**
 * The rules the proxy has armed (match, action, hits; switch off, remove) and a small editor for a
 * new one: direction, namespace, event (or /regex/), type, text, session, limit; pause, drop, delay or
 * rewrite. "Pause packets like this" on a packet adds a rule without the editor.
 */
import { useState } from 'react';
import { useController } from '../../app/context.js';
import { parseArgs } from '../../lib/args-json.js';
import type { Rule, RuleAction, RuleMatch } from '../../source/control-client.js';
import { ArgsEditor } from './ArgsEditor.js';
import { useControl } from './use-control.js';

/** A rule's match in one line: `c2s / order:create` (fields of several values as `a|b`). */
export function describeMatch(m: RuleMatch): string {
  const parts: string[] = [];
  const add = (label: string, v: unknown) => {
    if (v !== undefined) parts.push(`${label}${Array.isArray(v) ? v.join('|') : String(v)}`);
  };
  add('', m.direction);
  add('', m.nsp);
  add('', m.event);
  add('type ', m.type);
  add('text ', m.text);
  add('session ', m.session);
  add('client ', m.clientKey);
  add('', m.transport);
  return parts.join(' ') || 'every packet';
}

function describeAction(a: RuleAction): string {
  switch (a.kind) {
    case 'delay':
      return `delay ${a.ms} ms${a.jitterMs ? ` ± ${a.jitterMs}` : ''}`;
    case 'rewrite':
      return `rewrite${a.event ? ` to ${a.event}` : ''}${a.args ? ' args' : ''}`;
    default:
      return a.kind;
  }
}

function RuleRow({ rule }: { rule: Rule }) {
  const driver = useController().control;
  return (
    <li className={`rule-row${rule.enabled ? '' : ' off'}`} data-testid="rule-row" data-id={rule.id}>
      <input
        type="checkbox"
        checked={rule.enabled}
        title={rule.enabled ? 'switch off' : 'switch on'}
        onChange={(e) => void driver?.setRuleEnabled(rule.id, e.target.checked)}
        data-testid="rule-enabled"
      />
      <span className="mono">{rule.id}</span>
      <b>{describeAction(rule.action)}</b>
      <span className="mono rule-match">{describeMatch(rule.match)}</span>
      <span className="muted" data-testid="rule-hits">
        {rule.hits} hit{rule.hits === 1 ? '' : 's'}
        {rule.limit !== undefined ? ` of ${rule.limit}` : ''}
      </span>
      <button className="btn" onClick={() => void driver?.removeRule(rule.id)} data-testid="rule-remove">
        Remove
      </button>
    </li>
  );
}

function RuleEditor() {
  const driver = useController().control;
  const [m, setM] = useState<Record<string, string>>({
    direction: '',
    nsp: '',
    event: '',
    type: '',
    text: '',
    session: '',
  });
  const [limit, setLimit] = useState('');
  const [kind, setKind] = useState<RuleAction['kind']>('pause');
  const [ms, setMs] = useState('1000');
  const [rewriteEvent, setRewriteEvent] = useState('');
  const [argsText, setArgsText] = useState('');
  const args = parseArgs(argsText);
  const field = (name: string, placeholder: string) => (
    <input
      value={m[name]}
      placeholder={placeholder}
      onChange={(e) => setM({ ...m, [name]: e.target.value })}
      data-testid={`rule-${name}`}
    />
  );
  const add = () => {
    if (!driver) return;
    const match: RuleMatch = {};
    for (const [k, v] of Object.entries(m)) if (v.trim()) (match as Record<string, string>)[k] = v.trim();
    const action: RuleAction =
      kind === 'delay'
        ? { kind, ms: Number(ms) || 0 }
        : kind === 'rewrite'
          ? {
              kind,
              ...(rewriteEvent ? { event: rewriteEvent } : {}),
              ...(argsText.trim() && args.ok ? { args: args.args } : {}),
            }
          : { kind };
    void driver.addRule({ match, action, ...(limit.trim() ? { limit: Number(limit) } : {}) });
  };
  return (
    <div className="rule-editor" data-testid="rule-editor">
      <select
        value={m.direction}
        onChange={(e) => setM({ ...m, direction: e.target.value })}
        data-testid="rule-direction"
      >
        <option value="">either way</option>
        <option value="c2s">client → server</option>
        <option value="s2c">server → client</option>
      </select>
      {field('nsp', 'namespace')}
      {field('event', 'event or /regex/')}
      {field('type', 'type (EVENT, ACK…)')}
      {field('text', 'text in args')}
      {field('session', 'session id')}
      <input value={limit} placeholder="limit" onChange={(e) => setLimit(e.target.value)} size={5} />
      <select
        value={kind}
        onChange={(e) => setKind(e.target.value as RuleAction['kind'])}
        data-testid="rule-action"
      >
        <option value="pause">pause</option>
        <option value="drop">drop</option>
        <option value="delay">delay</option>
        <option value="rewrite">rewrite</option>
      </select>
      {kind === 'delay' && <input value={ms} onChange={(e) => setMs(e.target.value)} size={6} title="ms" />}
      {kind === 'rewrite' && (
        <>
          <input
            value={rewriteEvent}
            placeholder="new event name"
            onChange={(e) => setRewriteEvent(e.target.value)}
          />
          <ArgsEditor text={argsText} onText={setArgsText} rows={2} testId="rule-args" />
        </>
      )}
      <button className="btn" onClick={add} disabled={kind === 'rewrite' && !args.ok} data-testid="rule-add">
        Add rule
      </button>
    </div>
  );
}

export function Rules() {
  const rules = useControl((s) => s.rules);
  return (
    <section className="control-section" data-testid="rules">
      <h3>
        Rules <span className="muted">({rules.length})</span>
      </h3>
      <RuleEditor />
      {rules.length > 0 && (
        <ul className="rule-list">
          {rules.map((r) => (
            <RuleRow key={r.id} rule={r} />
          ))}
        </ul>
      )}
    </section>
  );
}
