/**
 * Stacked columns over a time window (SVG, no chart library), a legend, and the same numbers as a
 * table for screen readers and for reading exact values: per series, now, peak and average.
 */
import { memo } from 'react';
import { TableHead } from './TableHead.js';
import { niceMax, stackColumns, stackedMax } from './layout.js';

/** Colours in the palette (StatsView.css), reused round when there are more layers. */
const PALETTE = 7;
const W = 600;
const H = 120;

export interface StackedChartProps {
  title: string;
  /** One name per layer, bottom first. */
  keys: readonly string[];
  layers: readonly (readonly number[])[];
  /** How a value reads (`12/s`, `3.4 kB/s`). */
  format: (v: number) => string;
  /** A CSS colour per layer; default the stats palette's `--series-<i>`. */
  colorOf?: (key: string, i: number) => string;
  /** What the x axis spans, e.g. `5 min`. */
  span: string;
  /** The x axis' ends, for a window that does not end now (the Timeline's); default `−span`, `now`. */
  axis?: readonly [string, string] | undefined;
  testId: string;
}

/** Memoised: live, the tab re-renders with every batch, the figures once a second. */
export const StackedChart = memo(function StackedChart({
  title,
  keys,
  layers,
  format,
  colorOf,
  span,
  axis,
  testId,
}: StackedChartProps) {
  const color = colorOf ?? ((_: string, i: number) => `var(--series-${i % PALETTE})`);
  const max = niceMax(stackedMax(layers));
  const rects = stackColumns(layers, max, W, H);
  const rows = keys.map((key, i) => {
    const values = layers[i] ?? [];
    const sum = values.reduce((a, b) => a + b, 0);
    return {
      key,
      now: values[values.length - 1] ?? 0,
      peak: Math.max(0, ...values),
      avg: values.length ? sum / values.length : 0,
    };
  });
  const summary = rows.length
    ? rows.map((r) => `${r.key}: ${format(r.avg)} on average, peak ${format(r.peak)}`).join('; ')
    : 'nothing in this window';
  return (
    <figure className="stats-figure" data-testid={testId}>
      <figcaption>{title}</figcaption>
      {keys.length === 0 ? (
        <div className="muted empty-chart">
          {axis ? 'Nothing in this window.' : `Nothing in the last ${span}.`}
        </div>
      ) : (
        <>
          <div className="chart-frame">
            <span className="axis-max muted">{format(max)}</span>
            <svg
              className="stacked"
              viewBox={`0 0 ${W} ${H}`}
              preserveAspectRatio="none"
              role="img"
              aria-label={`${title}: ${summary}`}
            >
              {rects.map((r) => (
                <rect
                  key={`${r.layer}-${r.column}`}
                  style={{ fill: color(keys[r.layer] ?? '', r.layer) }}
                  x={r.x}
                  y={r.y}
                  width={r.w}
                  height={r.h}
                />
              ))}
            </svg>
            <div className="axis-x muted">
              <span>{axis ? axis[0] : `−${span}`}</span>
              <span>{axis ? axis[1] : 'now'}</span>
            </div>
          </div>
          <ul className="legend">
            {keys.map((key, i) => (
              <li key={key}>
                <span className="swatch" style={{ background: color(key, i) }} /> {key}
              </li>
            ))}
          </ul>
        </>
      )}
      <details>
        <summary>As a table</summary>
        <table className="stats-table">
          <TableHead columns={['series', 'now', 'peak', 'average']} />
          <tbody>
            {rows.map((r) => (
              <tr key={r.key}>
                <th scope="row">{r.key}</th>
                <td>{format(r.now)}</td>
                <td>{format(r.peak)}</td>
                <td>{format(r.avg)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
});
