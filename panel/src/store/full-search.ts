/**
 * The free-text filter over payloads the stream cut: the panel holds a 4 KB preview of each, and only
 * the source (the proxy's `GET /api/search`) can look at the rest. Its answers, gathered by
 * source/full-search.ts, are data like the packets: they enter the panel store as a `FullSearch`,
 * which the filter (filter.ts) reads, and the filter bar says what was searched in full.
 */

export interface FullSearch {
  /** The filter text this answers, trimmed as the filter reads it. */
  text: string;
  state: 'searching' | 'done' | 'failed';
  /** Seqs of cut packets whose full payload matched. */
  seqs: ReadonlySet<number>;
  /** Cut packets up to this seq were asked about; later ones wait for the next round. */
  throughSeq: number;
  /** Cut packets whose full payload the source searched. */
  searched: number;
  /** Cut packets whose full payload the source no longer holds (their preview alone was searched). */
  evicted: number;
  error?: string;
  /** Changes when `seqs` does: the filter starts over then, and only then. */
  rev: number;
}

const payloads = (n: number) => `${n} long payload${n === 1 ? '' : 's'}`;

export interface FullSearchNote {
  text: string;
  /** Every cut payload held was searched whole (or is being): nothing to warn about. */
  whole: boolean;
}

/**
 * What the filter bar says about cut packets while a text filter is on (undefined when there are
 * none, or the text is not used): whether they were searched whole, and where.
 */
export function fullSearchNote(
  text: string,
  textError: string | undefined,
  truncatedHeld: number,
  search: FullSearch | undefined,
): FullSearchNote | undefined {
  const wanted = text.trim();
  if (!wanted || textError || truncatedHeld === 0) return undefined;
  const previewOnly = `${payloads(truncatedHeld)} searched in their first 4 KB only`;
  if (!search || search.text !== wanted) return { text: previewOnly, whole: false };
  if (search.state === 'failed')
    return { text: `${previewOnly}: the proxy's search failed (${search.error ?? 'error'})`, whole: false };
  if (search.state === 'searching' && search.searched === 0)
    return { text: `searching ${payloads(truncatedHeld)} in full on the proxy…`, whole: true };
  const searched = `${payloads(search.searched)} searched in full on the proxy`;
  if (!search.evicted) return { text: searched, whole: true };
  return {
    text: `${searched}; ${payloads(search.evicted)} no longer held there, searched in their first 4 KB only`,
    whole: false,
  };
}
