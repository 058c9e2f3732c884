/**
 * The Problems tab: its bar and the problems grouped by kind (ProblemKinds).
 */
import { useMemo } from 'react';
import { useSlices, useUi } from '../app/context.js';
import { problemList } from '../store/selectors.js';
import { ProblemKinds } from './ProblemKinds.js';
import './ProblemsView.css';

export function ProblemsView() {
  const { model, rev } = useSlices('problems');
  const problems = useMemo(() => problemList(model), [model, rev]);
  const muted = useUi((s) => s.mutedKinds);
  const toggleMuted = useUi((s) => s.toggleMutedKind);
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
        <ProblemKinds problems={problems} muted={muted} toggleMuted={toggleMuted} />
      )}
    </div>
  );
}
