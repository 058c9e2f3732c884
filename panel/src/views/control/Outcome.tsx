/** The proxy's answer to the last action: its error message as it is (a 501 over polling, a 404...). */
import { useControl } from './use-control.js';

export function LastOutcome() {
  const last = useControl((s) => s.last);
  if (!last || last.ok) return null;
  return (
    <div className="control-error" role="alert" data-testid="control-error">
      <b>{last.what}</b> failed{last.status ? ` (${last.status})` : ''}: {last.error}
    </div>
  );
}
