/**
 * A virtual list with a fixed row height: only the rows in view (plus a few) are in the DOM, so
 * 200 000 packets scroll as smoothly as 20. It follows the newest row while the user is at the
 * bottom and stops following as soon as they scroll up; `scrollToIndex` brings a row into view
 * (keyboard selection, jumps).
 */
import { useLayoutEffect, useRef, useState, type ReactNode, type UIEvent } from 'react';

/**
 * Rows rendered beyond the view on each side: at least this many, and at least one screenful. The
 * browser paints a scroll before the scroll event reaches us, so a fast scroll shows whatever is
 * already rendered there; a screen of margin keeps fast wheel and drag scrolling free of blank rows.
 */
const MIN_OVERSCAN = 8;

export interface VirtualListProps {
  rowCount: number;
  rowHeight: number;
  renderRow: (index: number, top: number) => ReactNode;
  /** Sticky content above the rows (the table header). */
  header?: ReactNode;
  headerHeight?: number;
  /** Keep the newest row in view while the user has not scrolled up. */
  follow: boolean;
  /** Bring this row into view when it changes. */
  scrollToIndex?: number;
  /** Changes whenever the rows' content may have changed (a revision). */
  rev?: number;
  className?: string;
  onKeyDown?: (e: React.KeyboardEvent<HTMLDivElement>) => void;
  testId?: string;
  label?: string;
}

export function VirtualList(props: VirtualListProps) {
  const { rowCount, rowHeight, headerHeight = 0 } = props;
  const ref = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(400);
  const atBottom = useRef(true);

  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const observer = new ResizeObserver(() => setHeight(el.clientHeight));
    observer.observe(el);
    setHeight(el.clientHeight);
    return () => observer.disconnect();
  }, []);

  // New rows: stay at the bottom if the user was there.
  useLayoutEffect(() => {
    const el = ref.current;
    if (el && props.follow && atBottom.current) {
      el.scrollTop = el.scrollHeight;
      setScrollTop(el.scrollTop);
    }
  }, [rowCount, props.rev, props.follow, height]);

  useLayoutEffect(() => {
    const el = ref.current;
    const i = props.scrollToIndex;
    if (!el || i === undefined || i < 0) return;
    const top = i * rowHeight;
    const view = el.clientHeight - headerHeight;
    if (top < el.scrollTop) el.scrollTop = top;
    else if (top + rowHeight > el.scrollTop + view) el.scrollTop = top + rowHeight - view;
    atBottom.current = el.scrollTop + el.clientHeight >= el.scrollHeight - rowHeight / 2;
    setScrollTop(el.scrollTop);
  }, [props.scrollToIndex, rowHeight, headerHeight]);

  const onScroll = (e: UIEvent<HTMLDivElement>) => {
    const el = e.currentTarget;
    atBottom.current = el.scrollTop + el.clientHeight >= el.scrollHeight - rowHeight / 2;
    setScrollTop(el.scrollTop);
  };

  const overscan = Math.max(MIN_OVERSCAN, Math.ceil(height / rowHeight));
  const first = Math.max(0, Math.floor(scrollTop / rowHeight) - overscan);
  const last = Math.min(rowCount, Math.ceil((scrollTop + height) / rowHeight) + overscan);
  const rows: ReactNode[] = [];
  for (let i = first; i < last; i++) rows.push(props.renderRow(i, i * rowHeight));

  return (
    <div
      ref={ref}
      className={`vlist ${props.className ?? ''}`}
      onScroll={onScroll}
      tabIndex={0}
      onKeyDown={props.onKeyDown}
      data-testid={props.testId}
      role="grid"
      aria-label={props.label}
      aria-rowcount={rowCount}
    >
      {props.header}
      <div className="vlist-body" style={{ height: rowCount * rowHeight }}>
        {rows}
      </div>
    </div>
  );
}
