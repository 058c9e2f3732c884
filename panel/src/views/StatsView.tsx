/** Rates over the last five minutes: packets/s, bytes/s, live sessions; and the panel's own counters. */
import { usePanel, useNow, useSlices } from '../app/context.js';
import { formatBytes, formatCount } from '../lib/format.js';
import { STATS_SECONDS, statsSeries } from '../store/stats.js';
import { NodesTable } from './NodesTable.js';
import { Sparkline } from './Sparkline.js';
import './StatsView.css';

function Card({ title, now, peak, values }: { title: string; now: string; peak: string; values: number[] }) {
  return (
    <div className="stat-card" data-testid="stat-card">
      <div className="stat-head">
        <span>{title}</span>
        <b>{now}</b>
      </div>
      <Sparkline values={values} label={title} />
      <div className="stat-foot muted">
        <span>−{STATS_SECONDS / 60} min</span>
        <span>peak {peak}</span>
        <span>now</span>
      </div>
    </div>
  );
}

export function StatsView() {
  // The stats slice changes with every batch, and so do the counters below it.
  const { model } = useSlices('stats');
  const live = usePanel((s) => s.source.kind === 'live');
  const now = useNow(1000);
  // Live: up to the wall clock, so a quiet proxy shows zeros; a file: up to its last event.
  const end = live ? Math.floor(now / 1000) - 1 : model.stats.lastSecond;
  const series = statsSeries(model.stats, end);
  const last = (a: number[]) => a[a.length - 1] ?? 0;
  return (
    <div className="stats-view">
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
