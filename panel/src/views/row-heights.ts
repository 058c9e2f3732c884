/**
 * The measured heights of useMeasuredWindow's rows, by key, and the offsets they give. Only the
 * current rows' heights are kept: a live list keeps replacing its rows (sessions come and go), and
 * the heights of rows gone would pile up for as long as the panel stays open.
 */
export class RowHeights {
  private readonly heights = new Map<string, number>();
  /** Each current key's row index, for the resize callback (a scan per resized row is quadratic). */
  private readonly index = new Map<string, number>();
  private keys: readonly string[] = [];
  private offsets = new Float64Array(1);

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
      this.index.clear();
      for (let i = 0; i < keys.length; i++) this.index.set(keys[i] ?? '', i);
      for (const key of this.heights.keys()) if (!this.index.has(key)) this.heights.delete(key);
    }
    const o = new Float64Array(keys.length + 1);
    for (let i = 0; i < keys.length; i++)
      o[i + 1] = (o[i] ?? 0) + (this.heights.get(keys[i] ?? '') ?? estimate(i));
    this.offsets = o;
    return o;
  }

  /**
   * Rows measured at these heights (rows no longer in the list are ignored: they are on their way
   * out of the DOM). Says whether a height changed, and by how much the rows that end above `viewTop`
   * grew: the scroller moves by that so that what the user reads stays in place.
   */
  resized(
    rows: Iterable<{ key: string; height: number }>,
    viewTop: number,
  ): { changed: boolean; above: number } {
    const o = this.offsets;
    let changed = false;
    let above = 0;
    for (const { key, height } of rows) {
      const i = this.index.get(key);
      if (i === undefined || height === this.heights.get(key)) continue;
      const old = this.heights.get(key) ?? (o[i + 1] ?? 0) - (o[i] ?? 0);
      this.heights.set(key, height);
      changed = true;
      if ((o[i + 1] ?? 0) <= viewTop) above += height - old;
    }
    return { changed, above };
  }
}
