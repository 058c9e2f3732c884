/** The toolbar's "N held" button: shown while the proxy holds packets; opens the control tab. */
import { useUi } from '../../app/context.js';
import { useControl } from './use-control.js';

export function HeldCounter() {
  const held = useControl((s) => s.held.length);
  const setTab = useUi((s) => s.setTab);
  if (held === 0) return null;
  return (
    <button
      className="btn held-counter"
      onClick={() => setTab('control')}
      title="packets held by a pause rule: forward, edit or drop them"
      data-testid="held-counter"
    >
      {held} held
    </button>
  );
}
