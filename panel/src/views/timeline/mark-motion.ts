/**
 * How a room join or leave moves when it arrives live: a join grows into the bar (overshooting a
 * little) with a ring spreading from it; a leave's mark fades in while a ghost of it rises off the
 * bar and fades out. Pure timing and the bookkeeping of which marks are moving; draw.ts paints the
 * shapes, TimelineView.tsx asks for frames only while something moves.
 */
import { isRoomMark, type LaneMark } from './marks.js';

export const MARK_MOTION_MS = 400;
/**
 * At most this many marks wait or move at once: while no frame is painted (the table shown instead
 * of the canvas) a room churning live must not grow the list; the oldest arrivals give way.
 */
export const MAX_MOVING = 500;

/** A mark's pose at one instant of its motion; `undefined` from `motionAt` means at rest. */
export interface MarkMotion {
  /** Size of the mark, 1 at rest. */
  scale: number;
  /** Opacity of the mark (and its hairline across the bar), 1 at rest. */
  alpha: number;
  /** A ring around a join's instant on the bar: its radius in px (within the lane) and opacity. */
  ring?: { radius: number; alpha: number };
  /** A leave's ghost: px above the resting mark, and opacity. */
  ghost?: { lift: number; alpha: number };
}

/** Ease-out with a small overshoot (the join's "pop"): 0 at 0, about 1.1 near 0.6, 1 at 1. */
export function easeOutBack(p: number): number {
  if (p <= 0) return 0;
  if (p >= 1) return 1;
  const c = 1.70158;
  const q = p - 1;
  return 1 + (c + 1) * q * q * q + c * q * q;
}

const easeOut = (p: number) => 1 - (1 - p) * (1 - p);

/** The pose of a `kind` mark `elapsed` ms after it started moving; undefined once it rests. */
export function motionAt(
  kind: 'join' | 'leave',
  elapsed: number,
  duration = MARK_MOTION_MS,
): MarkMotion | undefined {
  if (elapsed >= duration) return undefined;
  const p = Math.max(0, elapsed) / duration;
  if (kind === 'join')
    return {
      scale: Math.max(0, easeOutBack(p)),
      alpha: 1,
      ring: { radius: 3 + 7 * easeOut(p), alpha: 0.8 * (1 - p) },
    };
  return { scale: 1, alpha: easeOut(p), ghost: { lift: 10 * easeOut(p), alpha: 1 - p } };
}

const keyOf = (sid: string, m: LaneMark) => `${sid}\u0000${m.seq}\u0000${m.kind}\u0000${m.room ?? ''}`;

/**
 * Which room marks are moving. A mark moves when it arrives after the view first saw the stream
 * (its event's seq above the cursor at the previous update), so opening the tab, a capture file or
 * a toggle that shows older marks moves nothing. Its clock starts at the first frame painted after
 * it arrived, so a busy page still shows the whole motion.
 */
export class MarkMotions {
  /** The stream's last seq at the previous update; undefined before the first. */
  private seen: number | undefined;
  /** Start of each moving mark's motion (frame time); undefined until its first frame. */
  private readonly started = new Map<string, number | undefined>();

  constructor(private readonly duration = MARK_MOTION_MS) {}

  /**
   * The marks were derived anew, the stream's cursor being at `lastSeq`. `animate`: the source is
   * live and the user allows motion (prefers-reduced-motion not set).
   */
  update(marks: ReadonlyMap<string, readonly LaneMark[]>, lastSeq: number, animate: boolean): void {
    const since = this.seen;
    this.seen = lastSeq;
    if (since === undefined || !animate) return;
    for (const [sid, list] of marks)
      for (let i = list.length - 1; i >= 0; i--) {
        const m = list[i] as LaneMark;
        if (m.seq > since && isRoomMark(m)) this.started.set(keyOf(sid, m), undefined);
      }
    for (const key of this.started.keys()) {
      if (this.started.size <= MAX_MOVING) break;
      this.started.delete(key);
    }
  }

  /** A frame is painted at `t`: clocks of newly arrived marks start, finished motions end. */
  frame(t: number): void {
    for (const [key, start] of this.started)
      if (start === undefined) this.started.set(key, t);
      else if (t - start >= this.duration) this.started.delete(key);
  }

  /** The pose of `m` (of session `sid`) at frame time `t`, or undefined at rest. */
  motion(sid: string, m: LaneMark, t: number): MarkMotion | undefined {
    if (this.started.size === 0 || !isRoomMark(m)) return undefined;
    const start = this.started.get(keyOf(sid, m));
    if (start === undefined) return undefined;
    return motionAt(m.kind as 'join' | 'leave', t - start, this.duration);
  }

  /** How many marks are still moving at `t` (the view asks for another frame while this is > 0). */
  moving(t: number): number {
    let n = 0;
    for (const start of this.started.values()) if (start === undefined || t - start < this.duration) n++;
    return n;
  }
}
