/**
 * On a dashboard over Redis: the proxies whose rules, held packets or target faults the lists lack
 * (gone, or no answer in time), named so that nothing is missing without a word.
 */
import { useControl } from './use-control.js';

export function UnansweredSources() {
  const unanswered = useControl((s) => s.unanswered);
  if (unanswered.length === 0) return null;
  return (
    <div className="control-unanswered muted" role="status" data-testid="control-unanswered">
      Not listed below:{' '}
      {unanswered.map((u, i) => (
        <span key={u.source}>
          {i > 0 ? '; ' : ''}proxy <b>{u.source}</b> ({u.error})
        </span>
      ))}
    </div>
  );
}
