/**
 * The measured heights of useMeasuredWindow's rows, by key, and the offsets they give. Only the
 * current rows' heights are kept: a live list keeps replacing its rows (sessions come and go), and
 * the heights of rows gone would pile up for as long as the panel stays open.
 *
 * Cheap on purpose, because a live sidebar of 10,000 sessions asks for offsets many times a second
 * (each batch that adds a session, each scroll step that measures new rows): a new list of keys
 * costs one Map lookup a key, and a measured row only the sums after it; no per-key index is kept
 * (a resized row is looked up among the rows rendered).
 */
export class RowHeights {
  private heights = new Map<string, number>();
  private keys: readonly string[] = [];
  /** Each row's height (measured, or its estimate), and where each row starts. */
  private sizes = new Float64Array(0);
  private offsets = new Float64Array(1);
  /** The first row whose offset is stale (sizes changed at or before it). */
  private staleFrom = Infinity;

  /** Measured heights kept (at most one per current row). */
  get size(): number {
    return this.heights.size;
  }

  /**
   * Where each row of `keys` starts (`[i]`; `[keys.length]` is the list's height): its measured
   * height, or `estimate(i)` for a row not measured yet. New keys drop the heights of rows gone.
   */
  layout(keys: readonly string[], estimate: (i: number) => number): Float64Array {
    if (keys !== this.keys) {
      this.keys = keys;
      const kept = new Map<string, number>();
      const sizes = new Float64Array(keys.length);
      for (let i = 0; i < keys.length; i++) {
        const key = keys[i] ?? '';
        const h = this.heights.get(key);
        if (h === undefined) sizes[i] = estimate(i);
        else {
          sizes[i] = h;
          kept.set(key, h);
        }
      }
      this.heights = kept;
      this.sizes = sizes;
      this.offsets = new Float64Array(keys.length + 1);
      this.staleFrom = 0;
    }
    if (this.staleFrom < this.sizes.length) {
      const o = this.offsets;
      const s = this.sizes;
      for (let i = this.staleFrom; i < s.length; i++) o[i + 1] = (o[i] ?? 0) + (s[i] ?? 0);
      // A new array: callers memoise on it, and the offsets did change.
      this.offsets = o.slice();
    }
    this.staleFrom = Infinity;
    return this.offsets;
  }

  /**
   * Rows measured at these heights (rows no longer in the list are ignored: they are on their way
   * out of the DOM). Says whether a height changed, and by how much the rows that end above `viewTop`
   * grew: the scroller moves by that so that what the user reads stays in place. A row is looked for
   * among rows `from` to `to` (the rows rendered), the whole list by default.
   */
  resized(
    rows: Iterable<{ key: string; height: number }>,
    viewTop: number,
    from = 0,
    to = this.keys.length,
  ): { changed: boolean; above: number } {
    const o = this.offsets;
    let changed = false;
    let above = 0;
    const lo = Math.max(0, from);
    const hi = Math.min(this.keys.length, to);
    for (const { key, height } of rows) {
      if (height === this.heights.get(key)) continue;
      let i = lo;
      while (i < hi && this.keys[i] !== key) i++;
      if (i === hi) continue;
      const old = this.sizes[i] ?? 0;
      this.heights.set(key, height);
      this.sizes[i] = height;
      this.staleFrom = Math.min(this.staleFrom, i);
      changed = true;
      if ((o[i + 1] ?? 0) <= viewTop) above += height - old;
    }
    return { changed, above };
  }
}
