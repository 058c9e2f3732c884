/**
 * A virtual list with a fixed row height: only the rows in view (plus a margin) are in the DOM, so
 * 200 000 packets scroll as smoothly as 20. It follows the newest row while the user is at the
 * bottom and stops following as soon as they scroll up; `scrollToIndex` brings a row into view
 * (keyboard selection, jumps).
 */
import { useLayoutEffect, useRef, useState, type ReactNode } from 'react';
import { flushSync } from 'react-dom';
import { usePaced } from './use-paced.js';
import './VirtualList.css';

/**
 * The window of rendered rows moves by whole blocks: a scroll that stays within a block renders
 * nothing, and each block is one positioned box, so the browser lays out and paints a block's rows
 * once rather than every row again whenever the window moves.
 */
const BLOCK_ROWS = 16;

/**
 * Rows rendered beyond the view on each side: at least this many, and at least one screenful. The
 * compositor paints a scroll before the scroll event reaches us, so a fast scroll shows whatever is
 * already rendered there; a screen of margin keeps fast wheel and drag scrolling free of blank rows.
 */
const MIN_OVERSCAN = 8;

export interface VirtualListProps {
  rowCount: number;
  rowHeight: number;
  /** The row at `index`, keyed, laid out in normal flow (its block positions it). */
  renderRow: (index: number) => ReactNode;
  /** Sticky content above the rows (the table header). */
  header?: ReactNode;
  headerHeight?: number;
  /** Keep the newest row in view while the user has not scrolled up. */
  follow: boolean;
  /** Bring this row into view when it changes. */
  scrollToIndex?: number;
  /** Changes whenever the rows' content may have changed (a revision). */
  rev?: number;
  /**
   * Changes when the rows are replaced rather than added to (a new filter): a following list then
   * shows them at once instead of at the tail's pace.
   */
  rowsKey?: unknown;
  className?: string;
  onKeyDown?: (e: React.KeyboardEvent<HTMLDivElement>) => void;
  testId?: string;
  label?: string;
  role?: string;
}

export function VirtualList(props: VirtualListProps) {
  const { rowHeight, headerHeight = 0 } = props;
  const ref = useRef<HTMLDivElement>(null);
  const blockPx = BLOCK_ROWS * rowHeight;
  /** The block at the top of the view: the only scroll state that renders. */
  const [anchor, setAnchor] = useState(0);
  const [height, setHeight] = useState(400);
  const atBottom = useRef(true);
  /** Where following last put the scroller (Infinity before it did). */
  const pinnedTop = useRef(Infinity);
  const rowHeightRef = useRef(rowHeight);
  rowHeightRef.current = rowHeight;

  /** Reads the scroll position; returns the anchor to render. */
  const read = (el: HTMLElement): number => {
    const h = rowHeightRef.current;
    // At the end, or still where following put it: rows added since then (a batch landing before
    // the scroll event) do not mean the user scrolled up.
    atBottom.current =
      el.scrollTop + el.clientHeight >= el.scrollHeight - h / 2 || el.scrollTop >= pinnedTop.current - h / 2;
    if (!atBottom.current) pinnedTop.current = Infinity;
    return Math.floor(el.scrollTop / (BLOCK_ROWS * h));
  };
  const sync = (el: HTMLElement) => setAnchor(read(el));

  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const observer = new ResizeObserver(() => setHeight(el.clientHeight));
    observer.observe(el);
    setHeight(el.clientHeight);
    // Rendered within the scroll event, the new rows are in place for the frame that dispatched it;
    // React's default for scroll (a task afterwards) leaves them a frame behind the scroll.
    const onScroll = () => {
      const next = read(el);
      flushSync(() => setAnchor(next));
    };
    el.addEventListener('scroll', onScroll, { passive: true });
    return () => {
      observer.disconnect();
      el.removeEventListener('scroll', onScroll);
    };
  }, []);

  // Following the newest rows, the window is the list's end, derived here rather than read back
  // from the scroller: new rows then render at the bottom in the same pass, and moving the scroller
  // there lays the page out once (reading scrollHeight and rendering again on the scroll event cost
  // a forced layout and a second render on every batch).
  const following = props.follow && atBottom.current;
  // The tail moves at a reader's pace under a flood; a list not following, or shorter (a filter, a
  // clear), shows at once.
  const rowsKey = useRef(props.rowsKey);
  const replaced = rowsKey.current !== props.rowsKey;
  rowsKey.current = props.rowsKey;
  const rowCount = usePaced(
    props.rowCount,
    undefined,
    (shown, next) => replaced || !following || next < shown,
  );
  const bottom = rowCount * rowHeight + headerHeight;
  useLayoutEffect(() => {
    const el = ref.current;
    // Past the end: the browser clamps it to the end.
    if (!el || !following) return;
    el.scrollTop = bottom;
    pinnedTop.current = el.scrollTop;
  }, [bottom, props.rev, following, height]);

  useLayoutEffect(() => {
    const el = ref.current;
    const i = props.scrollToIndex;
    if (!el || i === undefined || i < 0) return;
    const top = i * rowHeight;
    const view = el.clientHeight - headerHeight;
    if (top < el.scrollTop) el.scrollTop = top;
    else if (top + rowHeight > el.scrollTop + view) el.scrollTop = top + rowHeight - view;
    sync(el);
  }, [props.scrollToIndex, rowHeight, headerHeight]);

  const viewRows = Math.ceil(height / rowHeight);
  const overscan = Math.max(MIN_OVERSCAN, viewRows);
  // A shorter list (a filter) clamps the scroll before its scroll event arrives.
  const lastAnchor = Math.max(0, Math.floor((rowCount * rowHeight + headerHeight - height) / blockPx));
  const top = (following ? lastAnchor : Math.min(anchor, lastAnchor)) * BLOCK_ROWS;
  // Following, nothing above the view is rendered: each move of the tail mounts only what shows (a
  // scroll up from the end renders the rows above it in its own scroll event).
  const first = Math.max(0, Math.floor((top - (following ? 0 : overscan)) / BLOCK_ROWS) * BLOCK_ROWS);
  const last = Math.min(
    rowCount,
    Math.ceil((top + BLOCK_ROWS + viewRows + overscan) / BLOCK_ROWS) * BLOCK_ROWS,
  );
  const blocks: ReactNode[] = [];
  for (let b = first; b < last; b += BLOCK_ROWS) {
    const end = Math.min(b + BLOCK_ROWS, rowCount);
    const rows: ReactNode[] = [];
    for (let i = b; i < end; i++) rows.push(props.renderRow(i));
    blocks.push(
      <div key={b} className="vlist-block" style={{ top: b * rowHeight, height: (end - b) * rowHeight }}>
        {rows}
      </div>,
    );
  }

  return (
    <div
      ref={ref}
      className={`vlist ${props.className ?? ''}`}
      tabIndex={0}
      onKeyDown={props.onKeyDown}
      data-testid={props.testId}
      role={props.role ?? 'grid'}
      aria-label={props.label}
      aria-rowcount={props.rowCount}
    >
      {props.header}
      <div className="vlist-body" style={{ height: rowCount * rowHeight }}>
        {blocks}
      </div>
    </div>
  );
}
