/**
 * Ack latency by event name: a row per name with its count and p50/p95/p99/max, and a histogram
 * over the LATENCY_EDGES bins with the three percentiles marked. The bins are a table as well.
 */
import { memo } from 'react';
import { formatCount, formatLatency } from '../../lib/format.js';
import { histogramBars, LATENCY_EDGES, latencyBinLabel, latencyX } from './layout.js';
import type { AckLatency } from './packet-stats.js';
import { TableHead } from './TableHead.js';

const W = 280;
const H = 40;
const LATENCY_COLUMNS = [
  'event',
  'acks',
  'p50',
  'p95',
  'p99',
  'max',
  <>
    distribution <span className="muted">(1 ms … 10 s, log)</span>
  </>,
];
const MARKS = ['p50', 'p95', 'p99'] as const;
/** Where the histogram's axis is labelled. */
const TICKS = [
  [1, '1 ms'],
  [10, '10'],
  [100, '100'],
  [1000, '1 s'],
  [10000, '10 s'],
] as const;

function Histogram({ a }: { a: AckLatency }) {
  const bars = histogramBars(a.bins, W, H);
  return (
    <svg
      className="histogram"
      viewBox={`0 0 ${W} ${H}`}
      preserveAspectRatio="none"
      role="img"
      aria-label={`${a.event}: ${a.count} acks, p50 ${formatLatency(a.p50)}, p95 ${formatLatency(a.p95)}, p99 ${formatLatency(a.p99)}`}
    >
      {bars.map((b, i) =>
        b.h > 0 ? <rect key={i} className="bar" x={b.x} y={b.y} width={b.w} height={b.h} /> : null,
      )}
      {MARKS.map((m) => {
        const x = latencyX(a[m], W);
        return <line key={m} className={`mark mark-${m}`} x1={x} x2={x} y1={0} y2={H} />;
      })}
    </svg>
  );
}

function Axis() {
  return (
    <div className="histogram-axis muted" aria-hidden="true">
      {TICKS.map(([ms, label]) => (
        <span key={ms} style={{ left: `${(100 * latencyX(ms, W)) / W}%` }}>
          {label}
        </span>
      ))}
    </div>
  );
}

/** Memoised: live, the tab re-renders with every batch, the figures once a second. */
export const LatencyHistograms = memo(function LatencyHistograms({
  latencies,
}: {
  latencies: readonly AckLatency[];
}) {
  return (
    <figure className="stats-figure wide" data-testid="stats-ack-latency">
      <figcaption>Ack latency by event</figcaption>
      {latencies.length === 0 ? (
        <div className="muted empty-chart">No acked events in this window.</div>
      ) : (
        <table className="stats-table latency-table">
          <TableHead columns={LATENCY_COLUMNS} />
          <tbody>
            {latencies.map((a) => (
              <tr key={a.event} data-testid="latency-row" data-event={a.event}>
                <th scope="row">{a.event || '(no name)'}</th>
                <td data-testid="latency-count">{formatCount(a.count)}</td>
                <td data-testid="latency-p50" data-ms={a.p50}>
                  {formatLatency(a.p50)}
                </td>
                <td data-testid="latency-p95" data-ms={a.p95}>
                  {formatLatency(a.p95)}
                </td>
                <td data-testid="latency-p99" data-ms={a.p99}>
                  {formatLatency(a.p99)}
                </td>
                <td>{formatLatency(a.max)}</td>
                <td>
                  <Histogram a={a} />
                  <Axis />
                  <details>
                    <summary>Bins</summary>
                    <table className="stats-table bins">
                      <tbody>
                        {a.bins.map((n, i) =>
                          n > 0 ? (
                            <tr key={i} data-testid="latency-bin" data-from={LATENCY_EDGES[i]}>
                              <th scope="row">{latencyBinLabel(i)}</th>
                              <td>{formatCount(n)}</td>
                            </tr>
                          ) : null,
                        )}
                      </tbody>
                    </table>
                  </details>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </figure>
  );
});
