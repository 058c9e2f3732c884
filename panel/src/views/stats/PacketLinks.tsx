/** A short list of packets (slowest acks, biggest packets), each a link that selects it in the table. */
import { memo } from 'react';
import { useController } from '../../app/context.js';
import { formatTime, shortId } from '../../lib/format.js';
import type { PacketRef } from './packet-stats.js';

/** Memoised: live, the tab re-renders with every batch, the figures once a second. */
export const PacketLinks = memo(function PacketLinks({
  title,
  refs,
  format,
  testId,
}: {
  title: string;
  refs: readonly PacketRef[];
  format: (v: number) => string;
  testId: string;
}) {
  const controller = useController();
  return (
    <figure className="stats-figure" data-testid={testId}>
      <figcaption>{title}</figcaption>
      {refs.length === 0 ? (
        <div className="muted empty-chart">None in this window.</div>
      ) : (
        <ol className="packet-links">
          {refs.map((r) => (
            <li key={r.seq}>
              <button
                className="link"
                data-testid="stats-packet-link"
                data-seq={r.seq}
                onClick={() => controller.jumpTo(r.seq, r.sessionId)}
                title={`packet #${r.seq} at ${formatTime(r.ts)}: open it in the packet table`}
              >
                <b>{format(r.value)}</b> {r.event !== undefined ? <code>{r.event}</code> : null}{' '}
                <span className="muted">
                  {r.direction === 'c2s' ? '→' : '←'} {shortId(r.sessionId, 8)} #{r.seq}
                </span>
              </button>
            </li>
          ))}
        </ol>
      )}
    </figure>
  );
});
