/**
 * The timeline's view of time and lanes: which instant sits at the plot's left edge and how many
 * milliseconds a pixel spans; zooming around a point, panning, fitting a range, following the live
 * edge; the brush of the overview strip; and what lies under the pointer. Pure functions (the
 * canvas component only calls them), so the maths is tested without a browser.
 */
import type { AttemptMark, Gap, Lane, SessionBar } from './lanes.js';

export interface Viewport {
  /** Epoch ms at x = 0 of the plot. */
  start: number;
  msPerPx: number;
}

/** Zoom bounds: a pixel spans at least 0.05 ms and at most a day. */
export const MIN_MS_PER_PX = 0.05;
export const MAX_MS_PER_PX = 86_400_000;

export const xOf = (v: Viewport, t: number): number => (t - v.start) / v.msPerPx;
export const tOf = (v: Viewport, x: number): number => v.start + x * v.msPerPx;

const clamp = (n: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, n));

/** `from`..`to` across `width` px, with a margin of `pad` (a fraction of the range) each side. */
export function fit(from: number, to: number, width: number, pad = 0.02): Viewport {
  const span = Math.max(to - from, 1);
  const msPerPx = clamp((span * (1 + 2 * pad)) / Math.max(width, 1), MIN_MS_PER_PX, MAX_MS_PER_PX);
  return { start: from - span * pad, msPerPx };
}

/** Zooms by `factor` (> 1: out) keeping the instant under `x` where it is. */
export function zoomAt(v: Viewport, x: number, factor: number): Viewport {
  const msPerPx = clamp(v.msPerPx * factor, MIN_MS_PER_PX, MAX_MS_PER_PX);
  return { start: tOf(v, x) - x * msPerPx, msPerPx };
}

/** The zoom factor of a wheel turn: a notch (100 px of deltaY) is about 20%. */
export function wheelFactor(deltaY: number): number {
  return Math.exp(clamp(deltaY, -500, 500) * 0.002);
}

/** Moves the view by a drag of `dx` px (the content follows the pointer). */
export function panBy(v: Viewport, dx: number): Viewport {
  return { start: v.start - dx * v.msPerPx, msPerPx: v.msPerPx };
}

/** Keeps the zoom and puts `now` near the right edge of a plot `width` px wide. */
export function follow(v: Viewport, now: number, width: number): Viewport {
  return { start: now - width * 0.95 * v.msPerPx, msPerPx: v.msPerPx };
}

/** Captures shorter than this are shown whole while following live. */
export const FOLLOW_WHOLE_MS = 5 * 60_000;

/**
 * "Follow live": the whole capture while it is short (it grows to fill the plot), then the view's
 * own zoom with `now` near the right edge.
 */
export function followLive(v: Viewport, from: number, now: number, width: number): Viewport {
  return now - from <= FOLLOW_WHOLE_MS ? fit(from, now, width) : follow(v, now, width);
}

/** The view's time range on a plot `width` px wide. */
export function rangeOf(v: Viewport, width: number): { from: number; to: number } {
  return { from: v.start, to: tOf(v, width) };
}

/** The brush on the overview strip (which maps `extent` onto `width` px): the view's range, in px. */
export function brushOf(
  v: Viewport,
  plotWidth: number,
  extent: { from: number; to: number },
  width: number,
): { x0: number; x1: number } {
  const overview = fit(extent.from, extent.to, width, 0);
  const r = rangeOf(v, plotWidth);
  return { x0: xOf(overview, r.from), x1: xOf(overview, r.to) };
}

/** The view a brush from `x0` to `x1` on the overview strip selects. */
export function fromBrush(
  x0: number,
  x1: number,
  extent: { from: number; to: number },
  width: number,
  plotWidth: number,
): Viewport {
  const overview = fit(extent.from, extent.to, width, 0);
  const a = tOf(overview, Math.min(x0, x1));
  const b = tOf(overview, Math.max(x0, x1));
  return fit(a, Math.max(b, a + MIN_MS_PER_PX * plotWidth), plotWidth, 0);
}

/** Lanes `first`..`last` (exclusive) are at least partly inside a window `height` px tall at `scrollTop`. */
export function visibleLanes(
  count: number,
  laneHeight: number,
  scrollTop: number,
  height: number,
): { first: number; last: number } {
  const first = clamp(Math.floor(scrollTop / laneHeight), 0, count);
  const last = clamp(Math.ceil((scrollTop + height) / laneHeight), first, count);
  return { first, last };
}

export type Hit =
  | { kind: 'session'; lane: number; session: SessionBar }
  | { kind: 'attempt'; lane: number; attempt: AttemptMark }
  | { kind: 'gap'; lane: number; gap: Gap }
  | { kind: 'lane'; lane: number };

/**
 * What is under the point (`x` in the plot, `y` from the top of the lanes' content): a session bar
 * under it, else the closest of a bar or an attempt mark within `slop` px (short bars and marks stay
 * clickable), else a gap; else the lane itself.
 * `now` ends the bars of open sessions.
 */
export function hitTest(
  lanes: readonly Lane[],
  v: Viewport,
  x: number,
  y: number,
  laneHeight: number,
  now: number,
  slop = 3,
): Hit | undefined {
  const i = Math.floor(y / laneHeight);
  const lane = lanes[i];
  if (!lane || y < 0) return undefined;
  const t = tOf(v, x);
  const tolerance = slop * v.msPerPx;
  let best: SessionBar | undefined;
  let bestDistance = Infinity;
  for (const s of lane.sessions) {
    const end = s.end ?? now;
    const d = t < s.start ? s.start - t : t > end ? t - end : 0;
    if (d <= tolerance && d < bestDistance) {
      best = s;
      bestDistance = d;
    }
  }
  if (best && bestDistance === 0) return { kind: 'session', lane: i, session: best };
  const marks = [...lane.attempts, ...lane.gaps.flatMap((g) => g.attempts)];
  let mark: AttemptMark | undefined;
  let markDistance = Infinity;
  for (const a of marks) {
    const d = Math.abs(a.ts - t);
    if (d <= tolerance && d < markDistance) {
      mark = a;
      markDistance = d;
    }
  }
  // Near both a bar and a mark: the closer one.
  if (best && bestDistance <= markDistance) return { kind: 'session', lane: i, session: best };
  if (mark) return { kind: 'attempt', lane: i, attempt: mark };
  const gap = lane.gaps.find((g) => t >= g.from && t <= g.to);
  if (gap) return { kind: 'gap', lane: i, gap };
  return { kind: 'lane', lane: i };
}
