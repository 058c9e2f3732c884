/**
 * The previous run, read back from the Results table of docs/benchmarks.md as it was written, so
 * that a run can be shown beside the one before it (issue #14). The page itself is the record: no
 * second file to keep in step with it.
 */
import { VARIANTS, type VariantId } from './variants.js';

/** One figure as the table shows it: the number in its display unit, and the rounds' spread. */
export interface Figure {
  value: number;
  /** The number as shown ("92,475"), and its unit ("/s"). */
  text: string;
  unit: string;
  /** Half the range of the rounds, relative to the median (0 when not measured in rounds). */
  spread: number;
}

export interface PreviousRun {
  /** When and what it measured, as the page says. */
  date: string;
  revision: string;
  /** Its load averages (1 / 5 / 15 min), before and after, as the page gives them. */
  load: string;
  /** metric name -> path -> figure. */
  figures: Map<string, Map<VariantId, Figure>>;
}

/** Column heads that older pages used for a path. */
const OLD_LABELS: Record<string, VariantId> = { 'sio-proxy, 1 observer': 'sio1' };

/** Reads "0.252 ms ±7%", "92,475/s ±2%", "+23.4 KB": undefined for "—" or anything else. */
export function parseFigure(cell: string): Figure | undefined {
  const m = /^([+-]?[\d,]*\.?\d+)\s*([^±\s]*)\s*(?:±(\d+)%)?$/.exec(cell.trim());
  if (!m) return undefined;
  const value = Number(m[1]!.replace(/,/g, ''));
  if (!Number.isFinite(value)) return undefined;
  return { value, text: m[1]!, unit: m[2]!, spread: m[3] === undefined ? 0 : Number(m[3]) / 100 };
}

function cells(line: string): string[] {
  return line
    .trim()
    .replace(/^\||\|$/g, '')
    .split('|')
    .map((c) => c.trim());
}

/** The run a benchmarks page describes, or undefined when it has no Results table. */
export function readPrevious(page: string): PreviousRun | undefined {
  const lines = page.split('\n');
  const results = lines.indexOf('## Results');
  if (results < 0) return undefined;
  const headAt = lines.findIndex((l, i) => i > results && l.startsWith('| metric'));
  if (headAt < 0) return undefined;
  const byLabel = new Map<string, VariantId>([
    ...Object.entries(OLD_LABELS),
    ...VARIANTS.map((v) => [v.label, v.id] as const),
  ]);
  const columns = cells(lines[headAt]!).map((h) => byLabel.get(h));
  const figures = new Map<string, Map<VariantId, Figure>>();
  for (const line of lines.slice(headAt + 2)) {
    if (!line.startsWith('|')) break;
    const [metric, ...values] = cells(line);
    const row = new Map<VariantId, Figure>();
    values.forEach((cell, i) => {
      const id = columns[i + 1];
      const figure = id ? parseFigure(cell) : undefined;
      if (id && figure) row.set(id, figure);
    });
    figures.set(metric!, row);
  }
  return {
    date: /on (\S+) \(took/.exec(page)?.[1] ?? 'an unknown date',
    revision: /^- sio-proxy at (.+)$/m.exec(page)?.[1] ?? 'an unknown revision',
    load:
      /before: ([\d. /]+), after: ([\d. /]+)/
        .exec(page)
        ?.slice(1)
        .map((l) => l.trim())
        .join(' before, ')
        .concat(' after') ?? 'not recorded',
    figures,
  };
}

/**
 * "0.252 → 0.240 ms, -5%": the previous figure, this one and the change, with "(noise)" when the
 * change is within the larger of the two spreads (the rounds of one run disagreed by as much).
 */
export function describeChange(before: Figure | undefined, now: Figure | undefined): string {
  if (!now) return before ? `${before.text} ${before.unit} → —` : '—';
  if (!before) return `— → ${now.text} ${now.unit}`;
  const change = before.value === 0 ? NaN : now.value / before.value - 1;
  const pct = Number.isFinite(change) ? `${change >= 0 ? '+' : ''}${(change * 100).toFixed(0)}%` : 'n/a';
  const noise = Number.isFinite(change) && Math.abs(change) <= Math.max(before.spread, now.spread);
  return `${before.text} → ${now.text} ${now.unit}, ${pct}${noise ? ' (noise)' : ''}`;
}
