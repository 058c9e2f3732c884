/**
 * The work behind `GET /api/search`: the full payloads of cut packets still in the payload store,
 * tested with the panel's own matcher (shared/match/text.ts) over the same text the panel searches.
 *
 * It runs on the relay's thread, so it must not hold it: payloads are taken in slices of about
 * SLICE_CHARS, with a turn of the event loop between slices. A slice runs inside `vm` with a timeout
 * because one regex call cannot be interrupted otherwise, and a regex that backtracks
 * catastrophically (`/(a+)+$/`) over a long payload would stop relaying for good; a slice that takes
 * longer than SLICE_TIMEOUT_MS ends the search instead. One payload is never split (a match may span
 * any part of it), so a slice can be one payload larger than SLICE_CHARS.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import { performance } from 'node:perf_hooks';
import vm from 'node:vm';
import { packetMatches } from '../../shared/match/text.js';
import type { HeldPacket, PayloadStore, SearchablePayload } from './payload-store.js';
import { TurnBudget } from './turn-budget.js';

/** About 1 ms of a case-insensitive text search on the benchmark machine. */
export const SLICE_CHARS = 256 * 1024;
/**
 * The longest one slice may hold the relay's thread; slices of concurrent searches take turns, one a
 * turn of the loop (`sliceTurns`), so that is also the longest the relay waits in one turn. A plain text
 * search of a slice takes about 1 ms; only a payload of several MB, searched whole, comes near it.
 */
export const SLICE_TIMEOUT_MS = 100;
/** A slice ends after the payload that took it past this, to give the relay its turn. */
export const SLICE_BUDGET_MS = 10;

export interface SearchRange {
  from: number;
  to: number;
}

export interface SearchResult {
  /** Seqs of the packets whose full payload matched, ascending. */
  seqs: number[];
  /** Cut packets in the range whose full payload was held, and searched. */
  searched: number;
  /** Cut packets in the range whose full payload the store no longer holds. */
  evicted: number;
}

export class SearchTooSlow extends Error {}

/**
 * One slice a turn among all the searches running: slices of concurrent searches used to run back to
 * back in one turn, so the relay could wait MAX_SEARCHES times SLICE_TIMEOUT_MS (an acked echo took
 * 0.4 s in stream-isolation.test.ts); now it waits at most SLICE_TIMEOUT_MS per turn.
 */
const sliceTurns = new TurnBudget(1);

// One context for every search: slices run one at a time (runInContext is synchronous), so the
// function a slice installs cannot be replaced under it.
const context = vm.createContext({ slice: () => {} });
const runSlice = new vm.Script('slice()');

const textOf = (p: SearchablePayload) => p.text();

export async function searchPayloads(
  store: PayloadStore,
  re: RegExp,
  range: SearchRange,
  signal?: AbortSignal,
): Promise<SearchResult> {
  // Taken now: payloads evicted during the search are still searched (their references are held),
  // and the counts describe the store as it was when the search began.
  const held = store.packets(range.from, range.to);
  const evicted = store.lostPackets(range.from, range.to);
  const seqs: number[] = [];
  for (let i = 0; i < held.length;) {
    // Every slice, the first too, on a turn of its own: requests that arrive together (parsed in one
    // turn) must not run their slices back to back, and the cap on searches counts them all.
    await nextTurn();
    await sliceTurns.take(1);
    signal?.throwIfAborted();
    const end = sliceEnd(held, i);
    const start = i;
    const began = performance.now();
    context.slice = () => {
      // Payloads one at a time until the slice's size or its time is used up: on a busy machine a
      // slice yields sooner rather than running into the timeout meant for runaway regexes.
      do {
        const { seq, packet } = held[i] as HeldPacket;
        if (packetMatches(re, packet.event, packet, textOf)) seqs.push(seq);
        i++;
      } while (i < end && performance.now() - began < SLICE_BUDGET_MS);
    };
    try {
      runSlice.runInContext(context, { timeout: SLICE_TIMEOUT_MS });
    } catch (err) {
      if ((err as { code?: string }).code !== 'ERR_SCRIPT_EXECUTION_TIMEOUT') throw err;
      throw new SearchTooSlow(
        `${re} took over ${SLICE_TIMEOUT_MS} ms on ${i - start + 1} payload(s): search stopped (a regex that backtracks too much?)`,
      );
    } finally {
      context.slice = () => {};
    }
  }
  return { seqs, searched: held.length, evicted };
}

function sliceEnd(held: readonly HeldPacket[], start: number): number {
  let chars = 0;
  let end = start;
  while (end < held.length && (end === start || chars < SLICE_CHARS))
    chars += (held[end++] as HeldPacket).size;
  return end;
}
