/**
 * A binary payload as a hex dump (offset, bytes, ASCII), first 4 KB with the rest on request; 8
 * bytes a line when the pane is too narrow for 16, so the ASCII column stays in view.
 */
import { useLayoutEffect, useMemo, useRef, useState } from 'react';
import { formatBytes } from '../../lib/format.js';
import { base64ToBytes, hexDump, hexWidth } from '../../lib/hex.js';

const FIRST = 4096;
/** Pixels a 16-byte line needs in the 11px monospace font (offset, hex, ASCII). */
const WIDE_LINE_PX = 560;

function usePerLine() {
  const ref = useRef<HTMLDivElement>(null);
  const [perLine, setPerLine] = useState(16);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const measure = () => setPerLine(el.clientWidth >= WIDE_LINE_PX ? 16 : 8);
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    measure();
    return () => observer.disconnect();
  }, []);
  return { ref, perLine };
}

export function HexDump({ title, base64, size }: { title: string; base64: string; size: number }) {
  const [limit, setLimit] = useState(FIRST);
  const { ref, perLine } = usePerLine();
  const bytes = useMemo(() => base64ToBytes(base64), [base64]);
  const lines = useMemo(() => hexDump(bytes, limit, perLine), [bytes, limit, perLine]);
  const partial = bytes.length < size;
  return (
    <div className="hexdump" data-testid="hex-dump" ref={ref}>
      <div className="hex-title">
        {title} · {formatBytes(size)}
        {partial && (
          <span className="warn"> · only the first {formatBytes(bytes.length)} were kept by the stream</span>
        )}
      </div>
      <pre>
        {lines.map((l) => (
          <div key={l.offset}>
            <span className="hex-off">{l.offset}</span>{' '}
            <span className="hex-bytes">{l.hex.padEnd(hexWidth(perLine))}</span>{' '}
            <span className="hex-ascii">{l.ascii}</span>
          </div>
        ))}
      </pre>
      {bytes.length > limit && (
        <button className="link" onClick={() => setLimit(limit * 4)}>
          show more ({formatBytes(bytes.length - limit)} left)
        </button>
      )}
    </div>
  );
}
