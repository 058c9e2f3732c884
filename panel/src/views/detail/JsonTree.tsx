/**
 * A collapsible JSON tree, DevTools-style: objects and arrays open to two levels by default, big
 * ones collapsed, binary attachments shown as `<binary N B>` (their bytes are in the hex dump).
 */
import { useState } from 'react';
import { isBinaryRef } from '../../lib/binary.js';
import { visibleText } from '../../lib/visible-text.js';

const AUTO_OPEN_DEPTH = 2;
const AUTO_OPEN_MAX_KEYS = 50;
/** Children shown before "show more". */
const PAGE = 100;

function Scalar({ value }: { value: unknown }) {
  if (value === null) return <span className="j-null">null</span>;
  switch (typeof value) {
    case 'string':
      return <span className="j-str">{visibleText(JSON.stringify(value))}</span>;
    case 'number':
      return <span className="j-num">{String(value)}</span>;
    case 'boolean':
      return <span className="j-bool">{String(value)}</span>;
    default:
      return <span className="j-null">{String(value)}</span>;
  }
}

function summary(value: object): string {
  if (Array.isArray(value)) return `Array(${value.length})`;
  const keys = Object.keys(value);
  const head = visibleText(keys.slice(0, 4).join(', '));
  return `{${head}${keys.length > 4 ? ', …' : ''}}`;
}

function Node({ name, value, depth }: { name?: string; value: unknown; depth: number }) {
  const isObject = typeof value === 'object' && value !== null && !isBinaryRef(value);
  const entries = isObject ? Object.entries(value) : [];
  const [open, setOpen] = useState(depth < AUTO_OPEN_DEPTH && entries.length <= AUTO_OPEN_MAX_KEYS);
  const [shown, setShown] = useState(PAGE);
  const label = name !== undefined ? <span className="j-key">{visibleText(name)}: </span> : null;
  if (isBinaryRef(value)) {
    return (
      <div className="j-line" style={{ paddingLeft: depth * 12 }}>
        {label}
        <span className="j-bin">{`<binary ${value.size} B>`}</span>
      </div>
    );
  }
  if (!isObject) {
    return (
      <div className="j-line" style={{ paddingLeft: depth * 12 }}>
        {label}
        <Scalar value={value} />
      </div>
    );
  }
  return (
    <>
      <div className="j-line j-toggle" style={{ paddingLeft: depth * 12 }} onClick={() => setOpen(!open)}>
        <span className="j-caret">{open ? '▾' : '▸'}</span>
        {label}
        <span className="j-summary">{summary(value)}</span>
      </div>
      {open && entries.slice(0, shown).map(([k, v]) => <Node key={k} name={k} value={v} depth={depth + 1} />)}
      {open && entries.length > shown && (
        <div className="j-line" style={{ paddingLeft: (depth + 1) * 12 }}>
          <button className="link" onClick={() => setShown(shown + PAGE)}>
            show {Math.min(PAGE, entries.length - shown)} more of {entries.length - shown}
          </button>
        </div>
      )}
    </>
  );
}

export function JsonTree({ value }: { value: unknown }) {
  return (
    <div className="json-tree" data-testid="json-tree">
      <Node value={value} depth={0} />
    </div>
  );
}
