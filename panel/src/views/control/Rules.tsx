/**
 * The rules the proxy has armed (match, action, hits; switch off, remove) and a small editor for a
 * new one: direction, namespace, event (or /regex/), type, text, session, limit; pause, drop, delay or
 * rewrite; the same editor changes an armed rule in place. "Pause packets like this" on a packet adds
 * a rule without the editor.
 */
import { useState } from 'react';
import { useController } from '../../app/context.js';
import { formatArgs, parseArgs } from '../../lib/args-json.js';
import type { Rule, RuleAction, RuleMatch } from '../../source/control-client.js';
import { ArgsEditor } from './ArgsEditor.js';
import { ProxyPicker } from './ProxyPicker.js';
import { SourceTag } from './SourceTag.js';
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

function RuleRow({ rule, onEdit }: { rule: Rule; onEdit(): void }) {
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
      <SourceTag source={rule.source} />
      <b>{describeAction(rule.action)}</b>
      <span className="mono rule-match">{describeMatch(rule.match)}</span>
      <span className="muted" data-testid="rule-hits">
        {rule.hits} hit{rule.hits === 1 ? '' : 's'}
        {rule.limit !== undefined ? ` of ${rule.limit}` : ''}
      </span>
      <button className="btn" onClick={onEdit} data-testid="rule-edit">
        Edit
      </button>
      <button className="btn" onClick={() => void driver?.removeRule(rule.id)} data-testid="rule-remove">
        Remove
      </button>
    </li>
  );
}

const MATCH_FIELDS = ['direction', 'nsp', 'event', 'type', 'text', 'session'] as const;

/** The editor's text for a match field (a field of several values as `a|b`, as describeMatch shows it). */
function fieldText(v: unknown): string {
  return v === undefined ? '' : Array.isArray(v) ? v.join('|') : String(v);
}

/** A new rule, or `editing` changed in place (its id and hits kept). */
function RuleEditor({ editing, onDone }: { editing?: Rule; onDone(): void }) {
  const driver = useController().control;
  const [m, setM] = useState<Record<string, string>>(() =>
    Object.fromEntries(MATCH_FIELDS.map((f) => [f, fieldText(editing?.match[f as keyof RuleMatch])])),
  );
  const a = editing?.action;
  const [limit, setLimit] = useState(editing?.limit !== undefined ? String(editing.limit) : '');
  const [kind, setKind] = useState<RuleAction['kind']>(a?.kind ?? 'pause');
  const [ms, setMs] = useState(a?.kind === 'delay' ? String(a.ms) : '1000');
  const [rewriteEvent, setRewriteEvent] = useState(a?.kind === 'rewrite' ? (a.event ?? '') : '');
  const [argsText, setArgsText] = useState(a?.kind === 'rewrite' && a.args ? formatArgs(a.args) : '');
  /** A new rule's proxy ('' for every live one); an armed rule stays on its own. */
  const [source, setSource] = useState('');
  const args = parseArgs(argsText);
  const field = (name: string, placeholder: string) => (
    <input
      value={m[name]}
      placeholder={placeholder}
      onChange={(e) => setM({ ...m, [name]: e.target.value })}
      data-testid={`rule-${name}`}
    />
  );
  const submit = async () => {
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
    const max = limit.trim() ? Number(limit) : undefined;
    const ok = editing
      ? await driver.updateRule(editing.id, { match, action, limit: max ?? null })
      : await driver.addRule(
          { match, action, ...(max !== undefined ? { limit: max } : {}) },
          source || undefined,
        );
    if (ok) onDone();
  };
  return (
    <div className={`rule-editor${editing ? ' editing' : ''}`} data-testid="rule-editor">
      {editing && <b>{editing.id}:</b>}
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
      <input
        value={limit}
        placeholder="limit"
        onChange={(e) => setLimit(e.target.value)}
        size={5}
        data-testid="rule-limit"
      />
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
      {!editing && <ProxyPicker value={source} onChange={setSource} testId="rule-proxy" />}
      <button
        className="btn"
        onClick={() => void submit()}
        disabled={kind === 'rewrite' && !args.ok}
        data-testid="rule-add"
      >
        {editing ? 'Save rule' : 'Add rule'}
      </button>
      {editing && (
        <button className="btn" onClick={onDone} data-testid="rule-cancel">
          Cancel
        </button>
      )}
    </div>
  );
}

export function Rules() {
  const rules = useControl((s) => s.rules);
  const [editingId, setEditingId] = useState<string>();
  const editing = rules.find((r) => r.id === editingId);
  return (
    <section className="control-section" data-testid="rules">
      <h3>
        Rules <span className="muted">({rules.length})</span>
      </h3>
      {/* Keyed by the rule: a new edit starts from that rule's fields, a new rule from empty ones. */}
      <RuleEditor key={editing?.id ?? 'new'} editing={editing} onDone={() => setEditingId(undefined)} />
      {rules.length > 0 && (
        <ul className="rule-list">
          {rules.map((r) => (
            <RuleRow key={r.id} rule={r} onEdit={() => setEditingId(r.id)} />
          ))}
        </ul>
      )}
    </section>
  );
}
