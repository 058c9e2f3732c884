/**
 * Calls that concern every proxy behind a dashboard over Redis (their rules, held packets, target
 * faults, the payload search): asked of each live proxy at once, each with a time limit, and the
 * proxies that could not answer (gone, or silent past the limit) named rather than left out.
 *
 * The ids of rules, held packets and target faults are each proxy's own (`r1` on two proxies are two
 * rules), so on this dashboard they are qualified with their proxy: `<source>:<id>`. A source may
 * itself hold `:` (the default is `host:pid`); an id of a proxy never does, so the last `:` splits.
 */
import type { ControlAnswer } from '../stream/redis-control.js';

export interface Call {
  method: string;
  path: string;
  body: string;
}

/** One proxy's answer, its body parsed (undefined when empty or not JSON). */
export interface SourceAnswer {
  source: string;
  status: number;
  body: unknown;
}

/** A proxy that did not answer, and why. */
export interface Unanswered {
  source: string;
  error: string;
}

export type Forward = (source: string, call: Call, timeoutMs: number) => Promise<ControlAnswer | undefined>;

export const qualify = (source: string, id: string): string => `${source}:${id}`;

/** `<source>:<id>` split at its last `:`; undefined when there is none. */
export function splitId(qualified: string): { source: string; id: string } | undefined {
  const at = qualified.lastIndexOf(':');
  if (at <= 0 || at === qualified.length - 1) return undefined;
  return { source: qualified.slice(0, at), id: qualified.slice(at + 1) };
}

/**
 * A proxy's rule, held packet or fault as this dashboard lists it: its id (and the rule id of a held
 * packet) qualified, its `source` added; anything else passed on as it came.
 */
export function labelled(source: string, item: unknown): unknown {
  if (!item || typeof item !== 'object' || Array.isArray(item)) return item;
  const o = item as Record<string, unknown>;
  return {
    ...o,
    ...(typeof o.id === 'string' ? { id: qualify(source, o.id) } : {}),
    ...(typeof o.ruleId === 'string' ? { ruleId: qualify(source, o.ruleId) } : {}),
    source,
  };
}

export function parseBody(text: string): unknown {
  try {
    return text ? (JSON.parse(text) as unknown) : undefined;
  } catch {
    return undefined;
  }
}

/** Asks `call(source)` of every source that is up, at once; gone ones are named without asking. */
export async function askAll(
  sources: Record<string, 'up' | 'gone'>,
  forward: Forward,
  call: (source: string) => Call | undefined,
  timeoutMs: number,
): Promise<{ answers: SourceAnswer[]; unanswered: Unanswered[] }> {
  const answers: SourceAnswer[] = [];
  const unanswered: Unanswered[] = [];
  await Promise.all(
    Object.entries(sources).map(async ([source, state]) => {
      const asked = call(source);
      if (!asked) return;
      if (state === 'gone') return void unanswered.push({ source, error: 'gone' });
      try {
        const answer = await forward(source, asked, timeoutMs);
        if (!answer) unanswered.push({ source, error: `no answer within ${timeoutMs / 1000} s` });
        else answers.push({ source, status: answer.status, body: parseBody(answer.body) });
      } catch (err) {
        unanswered.push({ source, error: `not reached through Redis: ${(err as Error).message}` });
      }
    }),
  );
  const bySource = (a: { source: string }, b: { source: string }) => a.source.localeCompare(b.source);
  return { answers: answers.sort(bySource), unanswered: unanswered.sort(bySource) };
}

/** The header that names the proxies missing from a merged list (JSON, non-ASCII escaped). */
export const UNANSWERED_HEADER = 'X-Unanswered-Sources';

export function unansweredHeader(unanswered: Unanswered[]): string {
  return JSON.stringify(unanswered).replace(
    /[^\x20-\x7e]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
