/**
 * How sure the stream is of what the socket view states (a reason, a reconnect), drawn as the
 * sidebar's chips draw it: a guess dashed and labelled "guess", never like a fact; the evidence the
 * stream went by, one line each; and the other reasons the wire could not tell from the one named.
 */
import type { Confidence } from '../../../../shared/events.js';

/** The confidence as a badge, with its evidence listed under it (nothing for old captures). */
export function InferenceNote({
  confidence,
  evidence,
}: {
  confidence?: Confidence | undefined;
  evidence?: readonly string[] | undefined;
}) {
  if (!confidence && !evidence?.length) return null;
  return (
    <div className={`inference ${confidence ?? ''}`} data-testid="inference" data-confidence={confidence}>
      {confidence && (
        <span className={`confidence ${confidence}`} title={CONFIDENCE_TEXT[confidence]}>
          {confidence}
        </span>
      )}
      {evidence && evidence.length > 0 && (
        <ul className="evidence">
          {evidence.map((line, i) => (
            <li key={i}>{line}</li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** The reasons the wire cannot tell from `reason`, as "or: a, b" (nothing when there are none). */
export function Alternatives({ of: alternatives }: { of?: readonly string[] | undefined }) {
  if (!alternatives?.length) return null;
  return (
    <span className="alternatives" data-testid="reason-alternatives">
      {' '}
      or {alternatives.map((a, i) => [i > 0 ? ', ' : '', <code key={a}>{a}</code>])}{' '}
      <span className="muted">(the wire looks the same)</span>
    </span>
  );
}

const CONFIDENCE_TEXT: Record<Confidence, string> = {
  certain: 'the wire says so (a DISCONNECT packet, a recovery pid)',
  likely: 'the usual meaning of what the wire shows',
  guess: 'one reading of several the wire cannot tell apart',
};
