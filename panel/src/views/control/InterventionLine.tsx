/**
 * An intervention in a session's lifecycle timeline: what the proxy did (paused, edited, dropped,
 * injected, a fault started or ended), the proxy's own line about it, and how many times in a row.
 */
import type { InterventionItem } from '../../store/model.js';

/** The action as a person says it. */
const LABEL: Readonly<Record<string, string>> = {
  paused: 'held',
  forwarded: 'forwarded',
  edited: 'edited',
  dropped: 'dropped',
  delayed: 'delayed',
  injected: 'injected',
  ack: 'ack to an injected event',
  'fault-started': 'fault started',
  'fault-ended': 'fault ended',
  timeout: 'pause timed out',
};

export function InterventionLine({ item }: { item: InterventionItem }) {
  return (
    <span className="intervention-line" data-action={item.action} data-testid="timeline-intervention">
      <span className={`intervention-tag ${item.action}`}>proxy: {LABEL[item.action] ?? item.action}</span>{' '}
      {item.count > 1 && <b>×{item.count} </b>}
      <span className="muted">{item.detail}</span>
    </span>
  );
}
