/**
 * The control tab: act on the live proxy's traffic (held packets, rules, compose, faults) through its
 * control API. With a source that has none (a capture file, in-page capture) it says what it needs.
 */
import { LastOutcome } from './Outcome.js';
import { Compose } from './Compose.js';
import { Faults } from './Faults.js';
import { HeldPackets } from './HeldPackets.js';
import { Rules } from './Rules.js';
import { UnansweredSources } from './Unanswered.js';
import { useControl } from './use-control.js';
import './ControlView.css';
// The control marks shown outside this tab (sidebar, timeline): their components are rendered by
// views that node's unit tests import, which cannot load CSS, so their styles come in here.
import './InterventionLine.css';
import './SessionMarks.css';

export function ControlView() {
  const available = useControl((s) => s.available);
  if (!available)
    return (
      <div className="control-view unavailable" data-testid="control-unavailable">
        <p>
          Breakpoints, compose and faults act on live traffic: they need a running sio-proxy, and this source
          is not one.
        </p>
        <p>
          Start it in front of your server: <code>npx sio-proxy --target http://localhost:3000</code>, point
          the client at the proxy, and open the dashboard link it prints.
        </p>
      </div>
    );
  return (
    <div className="control-view" data-testid="control-view">
      <LastOutcome />
      <UnansweredSources />
      <HeldPackets />
      <div className="control-grid">
        <Rules />
        <Compose />
      </div>
      <Faults />
    </div>
  );
}
