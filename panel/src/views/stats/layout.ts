/**
 * The stats charts' layout maths, pure so that it is tested without a browser: time buckets, nice
 * axis maxima, stacked columns, histogram bins and percentiles. Charts are SVG in a viewBox of the
 * given width and height; y grows downwards.
 */

/** Bucket widths a chart steps through (ms), so that labels stay round. */
const BUCKETS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 1800, 3600].map((s) => s * 1000);

/** The smallest round bucket width that fits `spanMs` into at most `maxBars` columns. */
export function bucketWidth(spanMs: number, maxBars: number): number {
  const wanted = spanMs / Math.max(1, maxBars);
  return BUCKETS.find((b) => b >= wanted) ?? Math.ceil(wanted / 3_600_000) * 3_600_000;
}

export interface StatsWindow {
  /** Epoch ms, inclusive. */
  from: number;
  /** Epoch ms, exclusive. */
  to: number;
  bucketMs: number;
  /** First bucket's start (aligned to bucketMs) and the number of buckets. */
  start: number;
  count: number;
}

/** The window [from, to) split into buckets of `bucketMs`, the first aligned to a multiple of it. */
export function statsWindow(from: number, to: number, bucketMs: number): StatsWindow {
  const start = Math.floor(from / bucketMs) * bucketMs;
  return { from, to, bucketMs, start, count: Math.max(1, Math.ceil((to - start) / bucketMs)) };
}

/** The bucket `ts` falls in, or -1 outside the `count` buckets from `start`. */
export function bucketOf(ts: number, start: number, bucketMs: number, count: number): number {
  const i = Math.floor((ts - start) / bucketMs);
  return i >= 0 && i < count ? i : -1;
}

/** `v` rounded up to 1, 2 or 5 times a power of ten (at least 1): an axis maximum. */
export function niceMax(v: number): number {
  if (!(v > 1)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  const m = v / p;
  return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
}

export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

/**
 * Stacked columns: `layers[k][i]` is layer k's value in column i. Each column is `width / columns`
 * wide (less a gap), layers stacked bottom-up in order, scaled so that `max` fills `height`.
 * Returns a rect per layer and column (zero-height rects omitted), each tagged with both indices.
 */
export function stackColumns(
  layers: readonly (readonly number[])[],
  max: number,
  width: number,
  height: number,
): Array<Rect & { layer: number; column: number }> {
  const columns = layers[0]?.length ?? 0;
  if (columns === 0 || max <= 0) return [];
  const step = width / columns;
  const gap = step > 4 ? 1 : 0;
  const out: Array<Rect & { layer: number; column: number }> = [];
  for (let i = 0; i < columns; i++) {
    let base = height;
    for (let k = 0; k < layers.length; k++) {
      const v = layers[k]?.[i] ?? 0;
      if (v <= 0) continue;
      const h = (v / max) * height;
      base -= h;
      out.push({ x: i * step, y: base, w: step - gap, h, layer: k, column: i });
    }
  }
  return out;
}

/** The largest column sum of stacked layers. */
export function stackedMax(layers: readonly (readonly number[])[]): number {
  let max = 0;
  const columns = layers[0]?.length ?? 0;
  for (let i = 0; i < columns; i++) {
    let sum = 0;
    for (const layer of layers) sum += layer[i] ?? 0;
    max = Math.max(max, sum);
  }
  return max;
}

/**
 * Ack latency bins (ms): [0,1), [1,2), [2,5), ... [5000,10000), [10000,∞). Steps of 1-2-5 read
 * well on a log axis and put a known delay (50 ms, 200 ms) at the start of its own bin.
 */
export const LATENCY_EDGES = [0, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000] as const;

/** The latency bin of `ms`: i such that LATENCY_EDGES[i] <= ms < LATENCY_EDGES[i+1] (the last is open). */
export function latencyBin(ms: number): number {
  let i = LATENCY_EDGES.length - 1;
  while (i > 0 && ms < LATENCY_EDGES[i]!) i--;
  return i;
}

/** A bin's label: `50 ms–100 ms`, `≥ 10 s`. */
export function latencyBinLabel(i: number): string {
  const ms = (v: number) => (v >= 1000 ? `${v / 1000} s` : `${v} ms`);
  const lo = LATENCY_EDGES[i] ?? 0;
  const hi = LATENCY_EDGES[i + 1];
  return hi === undefined ? `≥ ${ms(lo)}` : `${ms(lo)}–${ms(hi)}`;
}

/** Histogram bars over `counts`, one per bin of equal width, scaled to the largest count. */
export function histogramBars(counts: readonly number[], width: number, height: number): Rect[] {
  const max = Math.max(0, ...counts);
  const step = counts.length ? width / counts.length : 0;
  return counts.map((c, i) => {
    const h = max > 0 ? (c / max) * height : 0;
    return { x: i * step, y: height - h, w: Math.max(0, step - 1), h };
  });
}

/** The `p`-th percentile (0 < p <= 100) of ascending `sorted` values, nearest rank; NaN when empty. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

/** The `n` keys with the largest counts, largest first (ties by name, for a stable legend). */
export function topKeys(counts: ReadonlyMap<string, number>, n: number): string[] {
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .slice(0, n)
    .map(([k]) => k);
}

/**
 * Stacked layers for the `n` keys with the largest counts, largest first, and one more layer,
 * `other`, summing the rest when there is a rest. `series` and `counts` share their keys; the
 * series arrays are reused, not copied.
 */
export function topLayers(
  series: ReadonlyMap<string, number[]>,
  counts: ReadonlyMap<string, number>,
  n: number,
  other: string,
): { keys: string[]; layers: number[][] } {
  const keys = topKeys(counts, n);
  const layers = keys.map((k) => series.get(k) ?? []);
  if (series.size > keys.length) {
    const rest = new Array<number>(layers[0]?.length ?? 0).fill(0);
    for (const [key, values] of series)
      if (!keys.includes(key)) values.forEach((v, i) => (rest[i] = (rest[i] ?? 0) + v));
    keys.push(other);
    layers.push(rest);
  }
  return { keys, layers };
}

/**
 * Keeps the `n` items of the largest scores as they stream past. The item is only built (`make`)
 * when its score gets in: the rows are 200 000, the places 10, so most offers allocate nothing.
 */
export class TopN<T> {
  private readonly scores: number[] = [];
  readonly items: T[] = [];
  constructor(private readonly n: number) {}

  offer(score: number, make: () => T): void {
    const { scores, items } = this;
    if (scores.length === this.n && score <= scores[scores.length - 1]!) return;
    let i = scores.length;
    while (i > 0 && scores[i - 1]! < score) i--;
    scores.splice(i, 0, score);
    items.splice(i, 0, make());
    if (scores.length > this.n) {
      scores.pop();
      items.pop();
    }
  }
}

/**
 * Where `ms` sits on a histogram of LATENCY_EDGES bins drawn `width` wide: inside its bin, linearly
 * between the bin's edges (the open last bin: at its start), so p50/p95/p99 marks land on the bar
 * that holds them.
 */
export function latencyX(ms: number, width: number): number {
  const step = width / LATENCY_EDGES.length;
  const i = latencyBin(ms);
  const lo = LATENCY_EDGES[i]!;
  const hi = LATENCY_EDGES[i + 1];
  const frac = hi === undefined ? 0 : Math.min(1, Math.max(0, (ms - lo) / (hi - lo)));
  return (i + frac) * step;
}
