/**
 * Summarises a V8 CPU profile (`node --cpu-prof`): self time per function, self time per package
 * (sio-proxy's own code, ws, http-proxy, the parsers, Node internals, GC), and total (inclusive)
 * time of sio-proxy's own functions. Usable on its own: `tsx bench/profile-summary.ts FILE...`.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  hitCount?: number;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

const IDLE = new Set(['(idle)', '(program)', '(root)']);

function shortUrl(url: string): string {
  const nm = url.lastIndexOf('node_modules/');
  if (nm !== -1) return url.slice(nm + 'node_modules/'.length);
  const root = url.indexOf('/work/main/');
  if (root !== -1) return url.slice(root + '/work/main/'.length);
  return url.replace(/^file:\/\//, '');
}

/** Which package (or part of the project) a frame belongs to. */
function packageOf(frame: CallFrame): string {
  const url = frame.url;
  if (!url) return frame.functionName.startsWith('(') ? frame.functionName : '(native)';
  if (url.startsWith('node:')) return 'node internals';
  const nm = url.lastIndexOf('node_modules/');
  if (nm !== -1) {
    const rest = url.slice(nm + 'node_modules/'.length).split('/');
    return rest[0]?.startsWith('@') ? `${rest[0]}/${rest[1]}` : (rest[0] ?? '?');
  }
  if (/\/(proxy|shared)\//.test(url)) return 'sio-proxy (proxy/, shared/)';
  if (/\/bench\//.test(url)) return 'bench harness';
  return shortUrl(url);
}

const keyOf = (f: CallFrame) =>
  `${f.functionName || '(anonymous)'}  ${f.url ? `${shortUrl(f.url)}:${f.lineNumber + 1}` : ''}`.trim();

export function summariseProfile(profile: CpuProfile, top = 25): string {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  // Self time per node from the samples and their time deltas (µs), falling back to hit counts.
  const self = new Map<number, number>();
  if (profile.samples && profile.timeDeltas) {
    for (let i = 0; i < profile.samples.length; i++) {
      const id = profile.samples[i];
      const dt = profile.timeDeltas[i + 1] ?? 0;
      if (id !== undefined) self.set(id, (self.get(id) ?? 0) + dt);
    }
  } else {
    const hits = profile.nodes.reduce((s, n) => s + (n.hitCount ?? 0), 0);
    const per = hits ? (profile.endTime - profile.startTime) / hits : 0;
    for (const n of profile.nodes) self.set(n.id, (n.hitCount ?? 0) * per);
  }
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const busy = profile.nodes
    .filter((n) => !IDLE.has(n.callFrame.functionName))
    .reduce((s, n) => s + (self.get(n.id) ?? 0), 0);

  const selfByFn = new Map<string, number>();
  const selfByPkg = new Map<string, number>();
  for (const n of profile.nodes) {
    const t = self.get(n.id) ?? 0;
    if (!t || IDLE.has(n.callFrame.functionName)) continue;
    selfByFn.set(keyOf(n.callFrame), (selfByFn.get(keyOf(n.callFrame)) ?? 0) + t);
    selfByPkg.set(packageOf(n.callFrame), (selfByPkg.get(packageOf(n.callFrame)) ?? 0) + t);
  }

  // Inclusive time of sio-proxy's own functions (counted once per call path, not per recursion).
  const inclusive = new Map<number, number>();
  const visit = (id: number): number => {
    const n = byId.get(id);
    if (!n) return 0;
    let t = self.get(id) ?? 0;
    for (const c of n.children ?? []) t += visit(c);
    inclusive.set(id, t);
    return t;
  };
  const root = profile.nodes[0];
  if (root) visit(root.id);
  const inclusiveByFn = new Map<string, number>();
  const onStack = new Set<string>();
  const walk = (id: number) => {
    const n = byId.get(id);
    if (!n) return;
    const key = keyOf(n.callFrame);
    const own = packageOf(n.callFrame).startsWith('sio-proxy') && !onStack.has(key);
    if (own) {
      inclusiveByFn.set(key, (inclusiveByFn.get(key) ?? 0) + (inclusive.get(id) ?? 0));
      onStack.add(key);
    }
    for (const c of n.children ?? []) walk(c);
    if (own) onStack.delete(key);
  };
  if (root) walk(root.id);

  const pct = (t: number) => `${((t / busy) * 100).toFixed(1).padStart(5)}%`;
  const msOf = (t: number) => `${(t / 1000).toFixed(0).padStart(6)} ms`;
  const list = (m: Map<string, number>, n: number) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([k, t]) => `  ${msOf(t)} ${pct(t)}  ${k}`)
      .join('\n');
  return [
    `profiled ${(total / 1e6).toFixed(1)} s, busy (not idle) ${(busy / 1e6).toFixed(1)} s; percentages are of busy time`,
    `self time by package:`,
    list(selfByPkg, 12),
    `top ${top} functions by self time:`,
    list(selfByFn, top),
    `sio-proxy functions by total time (self + callees):`,
    list(inclusiveByFn, 15),
  ].join('\n');
}

export function summariseProfileFile(path: string, top = 25): string {
  return summariseProfile(JSON.parse(readFileSync(path, 'utf8')) as CpuProfile, top);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const file of process.argv.slice(2)) console.log(`${file}\n${summariseProfileFile(file)}\n`);
}
