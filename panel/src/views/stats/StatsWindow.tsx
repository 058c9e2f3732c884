/** Which window the Stats tab shows (the Timeline's, or its default), with a way back to the default. */
import { formatTime } from '../../lib/format.js';
import type { TimeWindow } from '../../store/ui-store.js';

export function StatsWindow({
  range,
  span,
  defaultSpan,
  timeWindow,
  onReset,
}: {
  range: { from: number; to: number };
  span: string;
  defaultSpan: string;
  timeWindow: TimeWindow | undefined;
  onReset: () => void;
}) {
  return (
    <div
      className="stats-window muted"
      data-testid="stats-window"
      data-from={range.from}
      data-to={range.to}
      data-shared={timeWindow ? (timeWindow.live ? 'live' : 'fixed') : undefined}
    >
      {timeWindow ? (
        <>
          Window: the Timeline’s,{' '}
          {timeWindow.live
            ? `the last ${span} (following live)`
            : `${formatTime(range.from)} – ${formatTime(range.to)} (${span})`}{' '}
          <button className="btn" data-testid="stats-window-reset" onClick={onReset}>
            Last {defaultSpan}
          </button>
        </>
      ) : (
        `Window: the last ${defaultSpan} (zoom or brush the Timeline to pick another)`
      )}
    </div>
  );
}
