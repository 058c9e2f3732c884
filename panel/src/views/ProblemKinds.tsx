/**
 * Problems (`problem` events of shared/analysis) grouped by kind: the kind seen last first, with its
 * count and when it was first and last seen; each problem linked to the packets it concerns, with
 * what it means and how to fix it. A muted kind folds into one line at the bottom. No stylesheet of
 * its own (ProblemsView's styles it), so that it renders in Node for the view tests.
 */
import { useMemo } from 'react';
import { useController } from '../app/context.js';
import { formatTime, shortId } from '../lib/format.js';
import { problemKindLabel } from '../lib/problem-kind-label.js';
import type { Problem } from '../store/model.js';
import { problemGroups, type ProblemGroup } from '../store/selectors.js';

/** Links shown per problem: the first and the latest of its packets. */
const LINKS = 4;

/** `problems` (the most recent first) by kind; muted kinds folded into one line each at the bottom. */
export function ProblemKinds({
  problems,
  muted,
  toggleMuted,
}: {
  problems: readonly Problem[];
  muted: readonly string[];
  toggleMuted(kind: string): void;
}) {
  const groups = useMemo(() => problemGroups(problems), [problems]);
  const shown = groups.filter((g) => !muted.includes(g.kind));
  const hidden = groups.filter((g) => muted.includes(g.kind));
  return (
    <>
      {shown.map((g) => (
        <section key={g.kind} className="problem-kind" data-testid="problem-kind" data-kind={g.kind}>
          <KindHeader group={g} muted={false} onToggle={() => toggleMuted(g.kind)} />
          <ul className="problems" data-testid="problem-list">
            {g.problems.map((p) => (
              <ProblemItem key={p.id} problem={p} />
            ))}
          </ul>
        </section>
      ))}
      {hidden.length > 0 && (
        <div className="problem-muted" data-testid="problem-muted">
          {hidden.map((g) => (
            <KindHeader key={g.kind} group={g} muted onToggle={() => toggleMuted(g.kind)} />
          ))}
        </div>
      )}
    </>
  );
}

function KindHeader({ group, muted, onToggle }: { group: ProblemGroup; muted: boolean; onToggle(): void }) {
  return (
    <div className={`kind-head ${group.severity}`} data-testid="problem-kind-head" data-kind={group.kind}>
      <span className="badge">{problemKindLabel(group.kind)}</span>{' '}
      <span className="count" data-testid="problem-kind-count">
        ×{group.count}
      </span>{' '}
      <span className="small muted">
        first {formatTime(group.firstTs)} · last {formatTime(group.lastTs)}
      </span>{' '}
      <button className="link" onClick={onToggle} data-testid="problem-mute">
        {muted ? 'unmute' : 'mute'}
      </button>
    </div>
  );
}

function ProblemItem({ problem: p }: { problem: Problem }) {
  const controller = useController();
  const seqs = p.seqs.length > LINKS ? [...p.seqs.slice(0, 2), ...p.seqs.slice(-2)] : p.seqs;
  return (
    <li className={`problem ${p.severity}`} data-testid="problem-item" data-kind={p.kind}>
      <span className={`p-icon ${p.severity}`} aria-label={p.severity}>
        !
      </span>
      <div className="p-body">
        <div>
          <b>{p.title}</b>
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
}
