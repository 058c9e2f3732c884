/** The proxy's refusal of an action, with its own message as it is (a 501 over polling, a 404...). */
import type { ActionOutcome } from '../../store/control-store.js';
import { useControl } from './use-control.js';

export function FailedAction({ outcome, testId }: { outcome: ActionOutcome; testId: string }) {
  return (
    <div className="control-error" role="alert" data-testid={testId}>
      <b>{outcome.what}</b> failed{outcome.status ? ` (${outcome.status})` : ''}: {outcome.error}
    </div>
  );
}

/** The last action's refusal, above the control tab's sections. */
export function LastOutcome() {
  const last = useControl((s) => s.last);
  return last && !last.ok ? <FailedAction outcome={last} testId="control-error" /> : null;
}
