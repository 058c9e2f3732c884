/**
 * The sidebar's mark on a session with problems: their count, the kinds in its label and tooltip;
 * a click opens the Problems view. Nothing for a session without (unmuted) problems.
 */
import { useSlices, useUi } from '../../app/context.js';
import { problemKindLabel } from '../../lib/problem-kind-label.js';
import { sessionProblemMarksOf, type SessionProblemMark } from '../../store/session-problems.js';

export function SessionProblemsBadge({ sid }: { sid: string }) {
  const { model } = useSlices('problems');
  const muted = useUi((st) => st.mutedKinds);
  const setTab = useUi((st) => st.setTab);
  const mark = sessionProblemMarksOf(model.problems, muted).get(sid);
  return mark ? <ProblemMark mark={mark} onOpen={() => setTab('problems')} /> : null;
}

export function ProblemMark({ mark, onOpen }: { mark: SessionProblemMark; onOpen(): void }) {
  const label = `${mark.count} problem${mark.count === 1 ? '' : 's'}: ${mark.kinds.map(problemKindLabel).join(', ')}`;
  return (
    <button
      type="button"
      className={`badge warn problem-mark ${mark.severity}`}
      data-testid="session-problems"
      data-severity={mark.severity}
      aria-label={label}
      title={`${label} (open the Problems view)`}
      onClick={(ev) => {
        ev.stopPropagation(); // the row's own click selects the session
        onOpen();
      }}
    >
      ! {mark.count}
    </button>
  );
}
