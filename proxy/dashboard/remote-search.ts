/**
 * `GET /api/search` on a dashboard over Redis: the full payloads are on the proxies, so each proxy
 * with cut packets in the asked range searches its own (the range translated to its seqs), at once,
 * and the seqs it names are translated back to this dashboard's. A proxy that cannot answer (gone,
 * silent, busy) is named in `unanswered`, and its cut packets count as `evicted`: only their 4 KB
 * preview, which the panel holds, was searched.
 */
import type { SearchResult } from '../stream/payload-search.js';
import { readSearchParams } from '../stream/search-plugin.js';
import { askAll, type Forward, type Unanswered } from './fan-out.js';

/** A cut event: its proxy and that proxy's seq for it. */
export interface CutEvent {
  source: string;
  seq: number;
}

export interface RemoteSearchAnswer extends SearchResult {
  unanswered: Unanswered[];
}

export async function remoteSearch(
  params: URLSearchParams,
  cut: ReadonlyMap<number, CutEvent>,
  sources: Record<string, 'up' | 'gone'>,
  forward: Forward,
  timeoutMs: number,
): Promise<{ status: number; body: RemoteSearchAnswer | { error: string } }> {
  const asked = readSearchParams(params);
  if ('error' in asked) return { status: 400, body: asked };
  // Per proxy: its seqs of the cut events in range, and this dashboard's seq of each.
  const ranges = new Map<string, { from: number; to: number; ours: Map<number, number> }>();
  for (const [seq, at] of cut) {
    if (seq < asked.from || seq > asked.to) continue;
    const r = ranges.get(at.source) ?? { from: at.seq, to: at.seq, ours: new Map() };
    r.from = Math.min(r.from, at.seq);
    r.to = Math.max(r.to, at.seq);
    r.ours.set(at.seq, seq);
    ranges.set(at.source, r);
  }
  const q = params.get('q') ?? '';
  const { answers, unanswered } = await askAll(
    sources,
    forward,
    (source) => {
      const r = ranges.get(source);
      if (!r) return undefined;
      const query = new URLSearchParams({ q, from: String(r.from), to: String(r.to) });
      return { method: 'GET', path: `/api/search?${query}`, body: '' };
    },
    timeoutMs,
  );
  const result: RemoteSearchAnswer = { seqs: [], searched: 0, evicted: 0, unanswered };
  for (const a of answers) {
    const body = a.body as Partial<SearchResult> & { error?: string };
    if (a.status !== 200 || !Array.isArray(body?.seqs)) {
      unanswered.push({ source: a.source, error: `${a.status} ${body?.error ?? 'no search result'}` });
      continue;
    }
    const ours = ranges.get(a.source)!.ours;
    for (const s of body.seqs) {
      const seq = ours.get(s);
      if (seq !== undefined) result.seqs.push(seq);
    }
    result.searched += body.searched ?? 0;
    result.evicted += body.evicted ?? 0;
  }
  for (const u of unanswered) result.evicted += ranges.get(u.source)?.ours.size ?? 0;
  result.seqs.sort((a, b) => a - b);
  return { status: 200, body: result };
}
