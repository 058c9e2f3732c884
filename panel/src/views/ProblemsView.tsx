/**
 * Problems (`problem` events of shared/analysis), the most recent first, each linked to the packets
 * it concerns, with what it means and how to fix it.
 */
import { useMemo } from 'react';
import { useController, useSlices } from '../app/context.js';
import { formatTime, shortId } from '../lib/format.js';
import { problemList } from '../store/selectors.js';
import './ProblemsView.css';

/** Short labels of the kinds the detectors raise; an unknown kind shows as itself. */
const KIND_LABEL: Readonly<Record<string, string>> = {
  error: 'proxy error',
  connect_error: 'namespace refused',
  'payload-too-large': 'payload too large',
  'upgrade-failed': 'upgrade failed',
  'reserved-event': 'reserved name',
  'handled-twice': 'sent twice',
  'target-unreachable': 'target down',
  'handshake-refused': 'handshake refused',
  dropped: 'events dropped',
};

/** Links shown per problem: the first and the latest of its packets. */
const LINKS = 4;

export function ProblemsView() {
  const controller = useController();
  const { model, rev } = useSlices('problems');
  const problems = useMemo(() => problemList(model), [model, rev]);
  return (
    <div className="problems-view">
      <div className="viewbar">
        <b>Problems</b> <span className="muted">{problems.length}</span>
        {model.problems.total > problems.length && (
          <span className="muted">({model.problems.total} occurrences)</span>
        )}
      </div>
      {problems.length === 0 ? (
        <div className="empty">No problems seen.</div>
      ) : (
        <ul className="problems" data-testid="problem-list">
          {problems.map((p) => {
            const seqs = p.seqs.length > LINKS ? [...p.seqs.slice(0, 2), ...p.seqs.slice(-2)] : p.seqs;
            return (
              <li
                key={p.id}
                className={`problem ${p.severity}`}
                data-testid="problem-item"
                data-kind={p.kind}
              >
                <span className={`p-icon ${p.severity}`} aria-label={p.severity}>
                  !
                </span>
                <div className="p-body">
                  <div>
                    <span className="badge">{KIND_LABEL[p.kind] ?? p.kind}</span> <b>{p.title}</b>
                    {p.count > 1 && <span className="count"> ×{p.count}</span>}
                    {p.confidence !== 'certain' && <span className="muted"> ({p.confidence})</span>}
                  </div>
                  {p.detail && <div className="muted">{p.detail}</div>}
                  <details className="small" data-testid="problem-fix">
                    <summary>what it means, how to fix it</summary>
                    <p>{p.fix}</p>
                    {p.evidence.length > 0 && (
                      <ul className="muted">
                        {p.evidence.map((line, i) => (
                          <li key={i}>{line}</li>
                        ))}
                      </ul>
                    )}
                  </details>
                  <div className="small muted">
                    {formatTime(p.ts)}
                    {p.count > 1 && <> … {formatTime(p.lastTs)}</>}
                    {p.sessionId && <> · session {shortId(p.sessionId, 10)}</>}
                    {seqs.length > 0 && ' · '}
                    {seqs.map((seq) => (
                      <button
                        key={seq}
                        className="link"
                        onClick={() => controller.jumpTo(seq, p.sessionId)}
                        data-testid="problem-jump"
                      >
                        #{seq}
                      </button>
                    ))}
                  </div>
                </div>
              </li>
            );
          })}
        </ul>
      )}
    </div>
  );
}
