/**
 * The Stats tab: rates over the last five minutes (packets/s, bytes/s, live sessions), then what
 * they are made of: events per second by name, ack latency by event, sessions by EIO version and
 * transport, reconnects per minute by cause, bytes by direction, heartbeat round trips, and the
 * slowest acks and biggest packets, linked to the packet table. Everything is derived from the
 * store's slices when drawn (live: once a second), never kept.
 */
import { useMemo } from 'react';
import { usePanel, useNow, useSlices, useUi } from '../../app/context.js';
import {
  formatBytes,
  formatCount,
  formatDuration,
  formatLatency,
  formatTime,
  shortId,
} from '../../lib/format.js';
import { STATS_SECONDS, statsSeries } from '../../store/stats.js';
import { Sparkline } from '../Sparkline.js';
import { LatencyHistograms } from './LatencyHistograms.js';
import { deriveStats, statsEnd, statsRange } from './derive.js';
import { PacketLinks } from './PacketLinks.js';
import { StackedChart } from './StackedChart.js';
import { StatsWindow } from './StatsWindow.js';
import { TableHead } from './TableHead.js';
import { NodesTable } from '../NodesTable.js';
import './StatsView.css';

const SPAN = `${STATS_SECONDS / 60} min`;

const DIRECTIONS = ['client → server', 'server → client'];
const directionColor = (_: string, i: number) => (i === 0 ? 'var(--c2s)' : 'var(--s2c)');

const perSecond = (v: number) => `${v < 10 ? v.toFixed(1) : Math.round(v)}/s`;
const bytesPerSecond = (v: number) => `${formatBytes(Math.round(v))}/s`;
const perMinute = (v: number) => `${Math.round(v)}/min`;

function Card({ title, now, peak, values }: { title: string; now: string; peak: string; values: number[] }) {
  return (
    <div className="stat-card" data-testid="stat-card">
      <div className="stat-head">
        <span>{title}</span>
        <b>{now}</b>
      </div>
      <Sparkline values={values} label={title} />
      <div className="stat-foot muted">
        <span>−{SPAN}</span>
        <span>peak {peak}</span>
        <span>now</span>
      </div>
    </div>
  );
}

export function StatsView() {
  // The stats slice changes with every batch, and so do the counters below it.
  const { model, rev } = useSlices('stats');
  const live = usePanel((s) => s.source.kind === 'live');
  const now = useNow(1000);
  // Live: up to the wall clock, so a quiet proxy shows zeros; a file: up to its last event.
  const end = statsEnd(live, now, model.stats.lastSecond);
  const series = statsSeries(model.stats, end);
  const last = (a: number[]) => a[a.length - 1] ?? 0;
  // One pass over the window's rows, at most once a second live (a file: when it changed).
  // Live, the second is the key, not each batch: rows arrive many times a second.
  // The Timeline's window, once the user moved it (zoom, pan, brush, fit, follow live).
  const timeWindow = useUi((s) => s.timeWindow);
  const setTimeWindow = useUi((s) => s.setTimeWindow);
  const derived = useMemo(
    () => deriveStats(model, end, timeWindow),
    [model, end, live ? 0 : rev, timeWindow],
  );
  const range = statsRange(end, timeWindow);
  const span = timeWindow ? formatDuration(range.to - range.from) : SPAN;
  const axis =
    timeWindow && !timeWindow.live ? ([formatTime(range.from), formatTime(range.to)] as const) : undefined;
  const { packets, mix } = derived;
  return (
    <div className="stats-view" data-testid="stats-view">
      <StatsWindow
        range={range}
        span={span}
        defaultSpan={SPAN}
        timeWindow={timeWindow}
        onReset={() => setTimeWindow(undefined)}
      />
      <div className="stat-cards">
        <Card
          title="packets/s"
          now={formatCount(last(series.packets))}
          peak={formatCount(Math.max(0, ...series.packets))}
          values={series.packets}
        />
        <Card
          title="bytes/s"
          now={formatBytes(last(series.bytes))}
          peak={formatBytes(Math.max(0, ...series.bytes))}
          values={series.bytes}
        />
        <Card
          title="live sessions"
          now={formatCount(last(series.live))}
          peak={formatCount(Math.max(0, ...series.live))}
          values={series.live}
        />
      </div>
      <div className="stats-grid">
        <StackedChart
          title="Events per second, by name"
          keys={packets.eventNames}
          layers={packets.eventRates}
          format={perSecond}
          span={span}
          axis={axis}
          testId="stats-event-rates"
        />
        <StackedChart
          title="Bytes by direction"
          keys={DIRECTIONS}
          layers={derived.bytes}
          colorOf={directionColor}
          format={bytesPerSecond}
          span={span}
          axis={axis}
          testId="stats-bytes"
        />
        <StackedChart
          title={`Reconnects per minute, by cause (${formatCount(derived.reconnects.total)} in ${span})`}
          keys={derived.reconnects.causes}
          layers={derived.reconnects.perBucket}
          format={perMinute}
          span={span}
          axis={axis}
          testId="stats-reconnects"
        />
        <figure className="stats-figure" data-testid="stats-sessions">
          <figcaption>Sessions by EIO version and transport</figcaption>
          <table className="stats-table">
            <TableHead columns={['kind', 'open', 'seen', '']} />
            <tbody>
              {mix.map((m) => (
                <tr key={m.key} data-testid="session-mix-row">
                  <th scope="row">{m.key}</th>
                  <td>{formatCount(m.open)}</td>
                  <td>{formatCount(m.total)}</td>
                  <td className="bar-cell" aria-hidden="true">
                    <span className="hbar" style={{ width: `${(100 * m.total) / (mix[0]?.total || 1)}%` }} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <div className="muted small">
            {formatBytes(packets.bytesTotal.c2s)} client → server, {formatBytes(packets.bytesTotal.s2c)}{' '}
            server → client {axis ? 'in this window' : `in the last ${span}`}.
          </div>
        </figure>
        <LatencyHistograms latencies={packets.ackLatency} />
        <figure className="stats-figure" data-testid="stats-heartbeats">
          <figcaption>Heartbeat round trip per session (ping to pong, as the proxy sees it)</figcaption>
          {packets.heartbeats.length === 0 ? (
            <div className="muted empty-chart">No heartbeat answered in this window.</div>
          ) : (
            <table className="stats-table">
              <TableHead columns={['session', 'pongs', 'last', 'median', 'max']} />
              <tbody>
                {packets.heartbeats.slice(0, 20).map((h) => (
                  <tr key={h.sessionId} data-testid="heartbeat-row" data-sid={h.sessionId}>
                    <th scope="row">
                      <code>{shortId(h.sessionId, 10)}</code>
                    </th>
                    <td data-testid="heartbeat-count">{formatCount(h.count)}</td>
                    <td>{formatLatency(h.last)}</td>
                    <td data-testid="heartbeat-p50" data-ms={h.p50}>
                      {formatLatency(h.p50)}
                    </td>
                    <td>{formatLatency(h.max)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </figure>
        <PacketLinks
          title="Slowest acks"
          refs={packets.slowestAcks}
          format={formatLatency}
          testId="stats-slowest-acks"
        />
        <PacketLinks
          title="Biggest packets"
          refs={packets.biggestPackets}
          format={formatBytes}
          testId="stats-biggest-packets"
        />
      </div>
      <dl className="fields totals">
        <dt>events applied</dt>
        <dd>{formatCount(model.cursor.applied)}</dd>
        <dt>packets held</dt>
        <dd>
          {formatCount(model.packets.size)} (limit {formatCount(model.packets.limits.maxPackets)},{' '}
          {formatCount(model.packets.evicted)} evicted)
        </dd>
        <dt>sessions seen</dt>
        <dd>{formatCount(model.sessions.size)}</dd>
        <dt>clients</dt>
        <dd>{formatCount(model.clients.size)}</dd>
        <dt>events dropped by the stream</dt>
        <dd>{formatCount(model.dropped.events)}</dd>
      </dl>
      <NodesTable />
    </div>
  );
}
