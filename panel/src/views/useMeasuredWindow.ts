/**
 * Virtualisation for rows of different heights (the sessions sidebar): rows not yet seen count at
 * an estimate, rows rendered are measured (ResizeObserver) and keep their measured height by key
 * while they are in the list (RowHeights).
 * Returns the rows to render (those in view plus a screenful each way) and where each one starts.
 */
import { useCallback, useLayoutEffect, useMemo, useRef, useState, type RefObject } from 'react';
import { RowHeights } from './row-heights.js';
import { watchScrollBox } from './watch-scroll-box.js';

export interface MeasuredWindow {
  first: number;
  last: number;
  /** Offset of row `i` from the top of the list (`top(rows)` is the list's height). */
  top: (i: number) => number;
  /** Ref callback for a rendered row; the element needs `data-row-key`. */
  measure: (el: HTMLElement | null) => (() => void) | undefined;
}

/** Index of the row that contains offset `y` (the last row when past the end). */
function rowAt(offsets: Float64Array, y: number): number {
  let lo = 0;
  let hi = offsets.length - 2;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((offsets[mid] ?? 0) <= y) lo = mid;
    else hi = mid - 1;
  }
  return Math.max(0, lo);
}

export function useMeasuredWindow(
  scroller: RefObject<HTMLElement | null>,
  list: RefObject<HTMLElement | null>,
  keys: readonly string[],
  estimate: (i: number) => number,
): MeasuredWindow {
  const [heights] = useState(() => new RowHeights());
  const [version, setVersion] = useState(0);
  const [view, setView] = useState({ top: 0, height: 600 });
  /** The rows rendered: where the resize callback looks for the rows it measured. */
  const rendered = useRef({ first: 0, last: 0 });

  const offsets = useMemo(() => heights.layout(keys, estimate), [keys, version]);

  const read = useCallback(() => {
    const el = scroller.current;
    if (el) setView({ top: el.scrollTop - (list.current?.offsetTop ?? 0), height: el.clientHeight });
  }, [scroller, list]);

  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    return watchScrollBox(el, read);
  }, [scroller, read]);

  const observer = useMemo(
    () =>
      typeof ResizeObserver === 'undefined'
        ? undefined
        : new ResizeObserver((entries) => {
            const el = scroller.current;
            const viewTop = el ? el.scrollTop - (list.current?.offsetTop ?? 0) : 0;
            const { changed, above } = heights.resized(
              entries.map((entry) => ({
                key: (entry.target as HTMLElement).dataset.rowKey ?? '',
                height: entry.borderBoxSize[0]?.blockSize ?? (entry.target as HTMLElement).offsetHeight,
              })),
              viewTop,
              rendered.current.first,
              rendered.current.last,
            );
            // A row above the view that turns out taller or shorter would move what the user reads.
            if (el && above) el.scrollTop += above;
            if (changed) setVersion((v) => v + 1);
          }),
    [scroller, list],
  );
  useLayoutEffect(() => () => observer?.disconnect(), [observer]);

  const measure = useCallback(
    (el: HTMLElement | null) => {
      if (!el || !observer) return undefined;
      observer.observe(el);
      return () => observer.unobserve(el);
    },
    [observer],
  );

  const margin = view.height;
  const first = keys.length ? rowAt(offsets, view.top - margin) : 0;
  const last = keys.length ? Math.min(keys.length, rowAt(offsets, view.top + view.height + margin) + 1) : 0;
  rendered.current = { first, last };
  const top = (i: number) => offsets[Math.max(0, Math.min(i, keys.length))] ?? 0;
  return { first, last, top, measure };
}
