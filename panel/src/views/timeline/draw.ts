/**
 * Paints the timeline on a canvas: the time axis, then the lanes in view, each with its client's
 * label, its gaps (the backoff, attempt numbers, failed attempts), its session bars (polling, then
 * WebSocket from the upgrade; packets as density; heartbeats as ticks on demand; the close at the
 * end, coloured by who closed it), and the overview strip with its brush. Only what is in view is
 * drawn, so the cost follows the window, not the 5,000 sessions behind it.
 */
import { formatDuration } from '../../lib/format.js';
import type { Gap, Lane, SessionBar } from './lanes.js';
import { isRoomMark, type LaneMark } from './marks.js';
import type { MarkMotion } from './mark-motion.js';
import { density, type PacketTimes } from './packet-times.js';
import { brushOf, fit, tOf, visibleLanes, xOf, type Viewport } from './viewport.js';

export const LANE_HEIGHT = 24;
export const LABEL_WIDTH = 170;
export const AXIS_HEIGHT = 18;
export const BAR_TOP = 6;
export const BAR_HEIGHT = 12;

/** The colours, read from the CSS variables (Timeline.css), light or dark. */
export interface Palette {
  fg: string;
  muted: string;
  bg: string;
  alt: string;
  border: string;
  polling: string;
  websocket: string;
  density: string;
  heartbeat: string;
  closeClient: string;
  closeServer: string;
  failed: string;
  connected: string;
  selected: string;
  brush: string;
  room: string;
  intervention: string;
  warn: string;
}

export function readPalette(el: Element): Palette {
  const css = getComputedStyle(el);
  const v = (name: string) => css.getPropertyValue(name).trim() || '#888';
  return {
    fg: v('--fg'),
    muted: v('--muted'),
    bg: v('--bg'),
    alt: v('--bg-alt'),
    border: v('--border'),
    polling: v('--tl-polling'),
    websocket: v('--tl-websocket'),
    density: v('--tl-density'),
    heartbeat: v('--tl-heartbeat'),
    closeClient: v('--tl-close-client'),
    closeServer: v('--tl-close-server'),
    failed: v('--bad'),
    connected: v('--good'),
    selected: v('--tl-selected'),
    brush: v('--tl-brush'),
    room: v('--tl-room'),
    intervention: v('--tl-intervention'),
    warn: v('--warn'),
  };
}

export interface Scene {
  lanes: readonly Lane[];
  v: Viewport;
  /** CSS px of the canvas. */
  width: number;
  height: number;
  scrollTop: number;
  now: number;
  times: PacketTimes;
  heartbeats: boolean;
  selected: string | undefined;
  palette: Palette;
  /** Room joins and leaves, interventions and problems, by session (marks.ts). */
  marks?: ReadonlyMap<string, readonly LaneMark[]>;
  /** A room mark that arrived live, while it moves (mark-motion.ts); at rest: undefined. */
  motion?: (sid: string, m: LaneMark) => MarkMotion | undefined;
}

/** Sizes the canvas's backing store to its CSS size at the device's pixel ratio; returns the context. */
export function prepare(canvas: HTMLCanvasElement, width: number, height: number): CanvasRenderingContext2D {
  const ratio = window.devicePixelRatio || 1;
  const w = Math.max(1, Math.round(width * ratio));
  const h = Math.max(1, Math.round(height * ratio));
  if (canvas.width !== w) canvas.width = w;
  if (canvas.height !== h) canvas.height = h;
  const ctx = canvas.getContext('2d') as CanvasRenderingContext2D;
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  return ctx;
}

export function drawTimeline(ctx: CanvasRenderingContext2D, s: Scene): void {
  const { palette: p, width, height } = s;
  const plotWidth = width - LABEL_WIDTH;
  ctx.fillStyle = p.bg;
  ctx.fillRect(0, 0, width, height);
  ctx.font = '11px system-ui, sans-serif';
  ctx.textBaseline = 'middle';
  const { first, last } = visibleLanes(s.lanes.length, LANE_HEIGHT, s.scrollTop, height - AXIS_HEIGHT);
  for (let i = first; i < last; i++) {
    const y = AXIS_HEIGHT + i * LANE_HEIGHT - s.scrollTop;
    drawLane(ctx, s, s.lanes[i] as Lane, y, i, plotWidth);
  }
  drawAxis(ctx, s, plotWidth);
}

function drawAxis(ctx: CanvasRenderingContext2D, s: Scene, plotWidth: number): void {
  const p = s.palette;
  ctx.fillStyle = p.alt;
  ctx.fillRect(0, 0, s.width, AXIS_HEIGHT);
  ctx.strokeStyle = p.border;
  ctx.beginPath();
  ctx.moveTo(0, AXIS_HEIGHT - 0.5);
  ctx.lineTo(s.width, AXIS_HEIGHT - 0.5);
  ctx.stroke();
  const step = tickStep(s.v.msPerPx * 110);
  const first = Math.ceil(s.v.start / step) * step;
  ctx.fillStyle = p.muted;
  ctx.textAlign = 'left';
  for (let t = first; xOf(s.v, t) < plotWidth; t += step) {
    const x = LABEL_WIDTH + xOf(s.v, t);
    ctx.fillRect(Math.round(x), AXIS_HEIGHT - 5, 1, 5);
    ctx.fillText(tickLabel(t, step), x + 3, AXIS_HEIGHT / 2);
  }
}

const STEPS = [
  1, 2, 5, 10, 20, 50, 100, 200, 500, 1e3, 2e3, 5e3, 1e4, 15e3, 3e4, 6e4, 12e4, 3e5, 6e5, 18e5, 36e5,
];

/** The smallest round step at least `ms` long. */
export function tickStep(ms: number): number {
  return STEPS.find((s) => s >= ms) ?? Math.ceil(ms / 36e5) * 36e5;
}

function tickLabel(t: number, step: number): string {
  const d = new Date(t);
  const hms = `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}:${String(d.getSeconds()).padStart(2, '0')}`;
  return step < 1000 ? `${hms}.${String(d.getMilliseconds()).padStart(3, '0')}` : hms;
}

function drawLane(
  ctx: CanvasRenderingContext2D,
  s: Scene,
  lane: Lane,
  y: number,
  index: number,
  plotWidth: number,
): void {
  const p = s.palette;
  if (index % 2) {
    ctx.fillStyle = p.alt;
    ctx.fillRect(0, y, s.width, LANE_HEIGHT);
  }
  ctx.save();
  ctx.beginPath();
  ctx.rect(LABEL_WIDTH, y, plotWidth, LANE_HEIGHT);
  ctx.clip();
  for (const g of lane.gaps) drawGap(ctx, s, g, y, plotWidth);
  for (const a of lane.attempts) drawCross(ctx, LABEL_WIDTH + xOf(s.v, a.ts), y + LANE_HEIGHT / 2, p.failed);
  lane.sessions.forEach((bar, k) => {
    // The close's reason is written after the bar only where it fits before the next one.
    const next = lane.sessions[k + 1];
    const room = next ? LABEL_WIDTH + xOf(s.v, next.start) : LABEL_WIDTH + plotWidth;
    drawBar(ctx, s, bar, y, plotWidth, room);
  });
  ctx.restore();
  // The label last, over anything that ran under it.
  ctx.fillStyle = index % 2 ? p.alt : p.bg;
  ctx.fillRect(0, y, LABEL_WIDTH, LANE_HEIGHT);
  ctx.fillStyle = lane.guess ? p.muted : p.fg;
  ctx.font = `${lane.guess ? 'italic ' : ''}11px system-ui, sans-serif`;
  ctx.textAlign = 'left';
  const label = lane.guess ? `${lane.label} (guess)` : lane.label;
  ctx.fillText(fitText(ctx, label, LABEL_WIDTH - 12), 6, y + LANE_HEIGHT / 2);
  ctx.font = '11px system-ui, sans-serif';
  ctx.fillStyle = p.border;
  ctx.fillRect(LABEL_WIDTH - 1, y, 1, LANE_HEIGHT);
}

function fitText(ctx: CanvasRenderingContext2D, text: string, max: number): string {
  if (ctx.measureText(text).width <= max) return text;
  let n = text.length;
  while (n > 1 && ctx.measureText(`${text.slice(0, n)}…`).width > max) n--;
  return `${text.slice(0, n)}…`;
}

function drawCross(ctx: CanvasRenderingContext2D, x: number, y: number, colour: string): void {
  ctx.strokeStyle = colour;
  ctx.lineWidth = 1.5;
  ctx.beginPath();
  ctx.moveTo(x - 3, y - 3);
  ctx.lineTo(x + 3, y + 3);
  ctx.moveTo(x + 3, y - 3);
  ctx.lineTo(x - 3, y + 3);
  ctx.stroke();
  ctx.lineWidth = 1;
}

function drawGap(ctx: CanvasRenderingContext2D, s: Scene, g: Gap, y: number, plotWidth: number): void {
  const p = s.palette;
  const x0 = LABEL_WIDTH + xOf(s.v, g.from);
  const x1 = LABEL_WIDTH + xOf(s.v, g.to);
  if (x1 < LABEL_WIDTH || x0 > LABEL_WIDTH + plotWidth) return;
  // The label above the line, where it fits.
  const label = gapLabel(g);
  const w = ctx.measureText(label).width;
  if (x1 - x0 > w + 8) {
    const cx = Math.max(x0 + 4, Math.min((x0 + x1 - w) / 2, x1 - w - 4));
    ctx.fillStyle = g.guess ? p.muted : p.fg;
    ctx.textAlign = 'left';
    ctx.fillText(label, cx, y + 6);
  }
  const mid = y + LANE_HEIGHT / 2;
  ctx.strokeStyle = g.failed > 0 ? p.failed : p.muted;
  ctx.setLineDash(g.guess ? [2, 3] : [5, 3]);
  ctx.beginPath();
  ctx.moveTo(x0, mid + 0.5);
  ctx.lineTo(x1, mid + 0.5);
  ctx.stroke();
  ctx.setLineDash([]);
  for (const a of g.attempts) {
    const x = LABEL_WIDTH + xOf(s.v, a.ts);
    if (a.failed) drawCross(ctx, x, mid, p.failed);
    else {
      ctx.fillStyle = p.connected;
      ctx.beginPath();
      ctx.arc(x, mid, 3, 0, Math.PI * 2);
      ctx.fill();
    }
  }
}

/** `#3 after 1.2 s · 2 failed`, or, for a client still trying, `no reconnect yet · 4 failed`. */
export function gapLabel(g: Gap): string {
  const parts = [
    g.connectedAttempt !== undefined
      ? `#${g.connectedAttempt} after ${formatDuration(g.to - g.from)}`
      : 'no reconnect yet',
  ];
  if (g.failed) parts.push(`${g.failed} failed`);
  if (g.guess) parts.push('guess');
  return parts.join(' · ');
}

function drawBar(
  ctx: CanvasRenderingContext2D,
  s: Scene,
  bar: SessionBar,
  y: number,
  plotWidth: number,
  labelLimit: number,
): void {
  const p = s.palette;
  const end = bar.end ?? s.now;
  const x0 = LABEL_WIDTH + xOf(s.v, bar.start);
  let x1 = LABEL_WIDTH + xOf(s.v, end);
  if (x1 < LABEL_WIDTH - 4 || x0 > LABEL_WIDTH + plotWidth + 4) return;
  if (x1 - x0 < 2) x1 = x0 + 2;
  const top = y + BAR_TOP;
  const left = Math.max(x0, LABEL_WIDTH - 2);
  const right = Math.min(x1, LABEL_WIDTH + plotWidth + 2);
  const switchX = bar.upgradedAt !== undefined ? LABEL_WIDTH + xOf(s.v, bar.upgradedAt) : undefined;
  if (bar.first === 'websocket') {
    ctx.fillStyle = p.websocket;
    ctx.fillRect(left, top, right - left, BAR_HEIGHT);
  } else {
    const cut = switchX === undefined ? right : Math.max(left, Math.min(right, switchX));
    ctx.fillStyle = p.polling;
    ctx.fillRect(left, top, cut - left, BAR_HEIGHT);
    if (cut < right) {
      ctx.fillStyle = p.websocket;
      ctx.fillRect(cut, top, right - cut, BAR_HEIGHT);
    }
  }
  const times = s.times.of(bar.sid);
  if (times && right - left > 3) {
    const counts = density(times.packets, s.v, left - LABEL_WIDTH, right - LABEL_WIDTH, 2);
    let max = 0;
    for (const c of counts) if (c > max) max = c;
    if (max > 0) {
      ctx.fillStyle = p.density;
      const scale = Math.log1p(max);
      for (let k = 0; k < counts.length; k++) {
        const c = counts[k] as number;
        if (!c) continue;
        const h = Math.max(1, Math.round((BAR_HEIGHT * Math.log1p(c)) / scale));
        ctx.fillRect(left + k * 2, top + BAR_HEIGHT - h, 2, h);
      }
    }
    if (s.heartbeats) {
      ctx.fillStyle = p.heartbeat;
      const from = s.v.start + (left - LABEL_WIDTH) * s.v.msPerPx;
      const to = s.v.start + (right - LABEL_WIDTH) * s.v.msPerPx;
      for (const t of times.heartbeats) {
        if (t < from) continue;
        if (t > to) break;
        ctx.fillRect(Math.round(LABEL_WIDTH + xOf(s.v, t)), top - 4, 1, 4);
      }
    }
  }
  if (bar.guess) {
    ctx.strokeStyle = p.fg;
    ctx.setLineDash([3, 2]);
    ctx.strokeRect(x0 + 0.5, top - 1.5, x1 - x0 - 1, BAR_HEIGHT + 3);
    ctx.setLineDash([]);
  }
  if (bar.sid === s.selected) {
    ctx.strokeStyle = p.selected;
    ctx.lineWidth = 2;
    ctx.strokeRect(x0 - 1, top - 2, x1 - x0 + 2, BAR_HEIGHT + 4);
    ctx.lineWidth = 1;
  }
  const marks = s.marks?.get(bar.sid);
  if (marks) drawMarks(ctx, s, bar.sid, marks, y, plotWidth);
  if (bar.close) {
    ctx.fillStyle = bar.close.by === 'client' ? p.closeClient : p.closeServer;
    ctx.fillRect(x1 - 1, y + 2, 3, LANE_HEIGHT - 4);
    const label = `${bar.close.reconnects ? '↻ ' : ''}${bar.close.reason}`;
    if (labelLimit - (x1 + 5) >= ctx.measureText(label).width + 4) {
      ctx.textAlign = 'left';
      ctx.fillText(label, x1 + 5, y + LANE_HEIGHT - 5);
    }
  }
}

/**
 * A session's marks: joins (a triangle pointing into the bar) and leaves (pointing out of it) above
 * the bar, inferred ones hollow; the proxy's interventions (diamonds) and problems (dots, the error
 * colour or the warning one) below it.
 */
function drawMarks(
  ctx: CanvasRenderingContext2D,
  s: Scene,
  sid: string,
  marks: readonly LaneMark[],
  y: number,
  plotWidth: number,
): void {
  const p = s.palette;
  const from = tOf(s.v, -6);
  const to = tOf(s.v, plotWidth + 6);
  const above = y + BAR_TOP - 1;
  const below = y + BAR_TOP + BAR_HEIGHT + 3;
  ctx.lineWidth = 1;
  for (const m of marks) {
    if (m.ts < from) continue;
    if (m.ts > to) break;
    const x = Math.round(LABEL_WIDTH + xOf(s.v, m.ts)) + 0.5;
    ctx.beginPath();
    if (isRoomMark(m)) {
      const motion = s.motion?.(sid, m);
      if (motion) drawRoomMotion(ctx, p.room, m, x, above, motion);
      else drawRoomMark(ctx, p.room, m, x, above);
    } else if (m.kind === 'intervention') {
      ctx.moveTo(x, below - 3);
      ctx.lineTo(x + 3, below);
      ctx.lineTo(x, below + 3);
      ctx.lineTo(x - 3, below);
      ctx.closePath();
      markPaint(ctx, p.intervention, false);
    } else {
      ctx.arc(x, below, 2.5, 0, Math.PI * 2);
      markPaint(ctx, m.severity === 'error' ? p.failed : p.warn, m.guess);
    }
  }
}

/** A join (pointing down into the bar) or a leave (pointing up out of it), `scale`d about its middle. */
function drawRoomMark(
  ctx: CanvasRenderingContext2D,
  colour: string,
  m: LaneMark,
  x: number,
  above: number,
  scale = 1,
): void {
  const tip = m.kind === 'join' ? above + 1 : above - 5;
  const base = m.kind === 'join' ? above - 5 : above + 1;
  const mid = above - 2;
  const at = (v: number) => mid + (v - mid) * scale;
  ctx.beginPath();
  ctx.moveTo(x - 4 * scale, at(base));
  ctx.lineTo(x + 4 * scale, at(base));
  ctx.lineTo(x, at(tip));
  ctx.closePath();
  // A hairline across the bar at the instant, so the change reads as the bar's own.
  ctx.fillStyle = colour;
  ctx.fillRect(x - 0.5, above, 1, BAR_HEIGHT + 1);
  markPaint(ctx, colour, m.guess);
}

/** A room mark in motion: the join's ring around it, the leave's ghost rising off the bar. */
function drawRoomMotion(
  ctx: CanvasRenderingContext2D,
  colour: string,
  m: LaneMark,
  x: number,
  above: number,
  motion: MarkMotion,
): void {
  ctx.save();
  if (motion.ring) {
    ctx.globalAlpha = motion.ring.alpha;
    ctx.strokeStyle = colour;
    ctx.lineWidth = 1.5;
    ctx.beginPath();
    // Around the instant on the bar, so the lane holds it whole.
    ctx.arc(x, above + BAR_HEIGHT / 2, motion.ring.radius, 0, Math.PI * 2);
    ctx.stroke();
    ctx.lineWidth = 1;
  }
  if (motion.ghost) {
    ctx.globalAlpha = motion.ghost.alpha;
    drawRoomMark(ctx, colour, m, x, above - motion.ghost.lift);
  }
  ctx.globalAlpha = motion.alpha;
  drawRoomMark(ctx, colour, m, x, above, motion.scale);
  ctx.restore();
}

/** Fills a mark's path, or strokes it dashed-hollow when it is a guess. */
function markPaint(ctx: CanvasRenderingContext2D, colour: string, guess: boolean): void {
  if (guess) {
    ctx.strokeStyle = colour;
    ctx.stroke();
  } else {
    ctx.fillStyle = colour;
    ctx.fill();
  }
}

/** The overview strip: how many sessions were open over the whole extent, and the brush. */
export function drawOverview(
  ctx: CanvasRenderingContext2D,
  lanes: readonly Lane[],
  extent: { from: number; to: number },
  width: number,
  height: number,
  v: Viewport,
  plotWidth: number,
  now: number,
  p: Palette,
): void {
  ctx.fillStyle = p.alt;
  ctx.fillRect(0, 0, width, height);
  const o = fit(extent.from, extent.to, width, 0);
  const open = openSessions(lanes, o, width, now);
  let max = 0;
  for (const c of open) if (c > max) max = c;
  if (max > 0) {
    ctx.fillStyle = p.websocket;
    for (let x = 0; x < width; x++) {
      const c = open[x] as number;
      if (!c) continue;
      const h = Math.max(1, ((height - 4) * c) / max);
      ctx.fillRect(x, height - h, 1, h);
    }
  }
  const b = brushOf(v, plotWidth, extent, width);
  const x0 = Math.max(0, b.x0);
  const x1 = Math.min(width, Math.max(b.x1, x0 + 2));
  ctx.fillStyle = p.brush;
  ctx.fillRect(x0, 0, x1 - x0, height);
  ctx.strokeStyle = p.selected;
  ctx.strokeRect(x0 + 0.5, 0.5, x1 - x0 - 1, height - 1);
}

/** Sessions open at each pixel column of the overview (a difference array over the columns). */
export function openSessions(lanes: readonly Lane[], o: Viewport, width: number, now: number): Int32Array {
  const diff = new Int32Array(width + 1);
  const col = (t: number) => Math.max(0, Math.min(width, Math.floor(xOf(o, t))));
  for (const lane of lanes)
    for (const s of lane.sessions) {
      const a = col(s.start);
      const b = Math.max(a + 1, col(s.end ?? now));
      diff[a] = (diff[a] as number) + 1;
      diff[Math.min(b, width)] = (diff[Math.min(b, width)] as number) - 1;
    }
  const open = new Int32Array(width);
  let run = 0;
  for (let x = 0; x < width; x++) {
    run += diff[x] as number;
    open[x] = run;
  }
  return open;
}
