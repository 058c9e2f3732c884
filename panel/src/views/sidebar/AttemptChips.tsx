/**
 * A client's connection attempts as a row of chips: number, cause, delay, success or failure, and
 * whether the reconnect recovered its state (R). A reconnect loop shows as a long row of red chips.
 * A chip the stream only guessed (which of identical clients came back) is dashed and says "guess",
 * its evidence in the tooltip; the sidebar's "no guesses" toggle hides such chips.
 */
import { usePanel, useUi } from '../../app/context.js';
import { formatDuration, formatTime } from '../../lib/format.js';
import type { AttemptView } from '../../store/model.js';
import { attemptRecovered } from '../../store/selectors.js';

/** Chips shown before the rest fold into "+N". */
const SHOWN = 12;

/** `showCause`: the cause is written on the first chip of a run with the same cause (the rest have it in their tooltip). */
function Chip({ a, showCause }: { a: AttemptView; showCause: boolean }) {
  const model = usePanel((s) => s.model);
  const selectSession = useUi((s) => s.selectSession);
  const recovered = attemptRecovered(model, a);
  const ok = a.outcome === 'connected';
  const guess = a.confidence === 'guess';
  const title = [
    a.attempt === 0 ? 'first connection' : `reconnect attempt ${a.attempt}`,
    `at ${formatTime(a.ts)}`,
    a.attempt > 0 ? `after ${formatDuration(a.delay)}` : '',
    a.cause ? `cause: ${a.cause}` : '',
    ok
      ? `connected${a.sessionId ? ` (session ${a.sessionId})` : ''}`
      : `failed${a.error ? `: ${a.error}` : ''}`,
    recovered ? 'state recovered (connection state recovery)' : '',
    a.confidence ? `${a.confidence}: ${a.evidence?.join('; ') ?? ''}` : '',
  ]
    .filter(Boolean)
    .join('\n');
  return (
    <button
      className={`attempt ${ok ? 'ok' : 'failed'}${recovered ? ' recovered' : ''}${guess ? ' guess' : ''}`}
      title={title}
      data-confidence={a.confidence}
      data-testid="attempt-chip"
      data-outcome={a.outcome}
      data-attempt={a.attempt}
      onClick={(ev) => {
        ev.stopPropagation();
        if (a.sessionId) selectSession({ sid: a.sessionId });
      }}
    >
      <span className="n">#{a.attempt}</span>
      {showCause && a.cause && a.attempt > 0 && <span className="cause">{a.cause}</span>}
      {a.attempt > 0 && <span className="delay">{formatDuration(a.delay)}</span>}
      <span className="outcome">{ok ? '✓' : '✗'}</span>
      {guess && <span className="guess-label">guess</span>}
      {recovered && (
        <span className="rec" aria-label="recovered">
          R
        </span>
      )}
    </button>
  );
}

export function AttemptChips({ attempts: all }: { attempts: readonly AttemptView[] }) {
  const hideGuesses = useUi((s) => s.hideGuesses);
  const attempts = hideGuesses ? all.filter((a) => a.confidence !== 'guess') : all;
  if (attempts.length === 0) return null;
  const hidden = Math.max(0, attempts.length - SHOWN);
  const failedInRow = attempts
    .slice()
    .reverse()
    .findIndex((a) => a.outcome === 'connected');
  const failing = failedInRow === -1 ? attempts.length : failedInRow;
  return (
    <div className="attempts" data-testid="attempt-chips">
      {hidden > 0 && <span className="more">+{hidden}</span>}
      {attempts.slice(-SHOWN).map((a, i, shown) => (
        <Chip key={a.seq} a={a} showCause={a.cause !== shown[i - 1]?.cause} />
      ))}
      {failing >= 3 && (
        <span className="loop" data-testid="reconnect-loop">
          {failing} failures in a row
        </span>
      )}
    </div>
  );
}
