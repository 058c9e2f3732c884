/**
 * The top bar: which source is shown and its state, pause/resume (with the count of events waiting),
 * open a capture, export the filtered packets, the proxy's own downloads, and the tabs.
 */
import { useRef } from 'react';
import { useController, usePanel, useUi } from '../app/context.js';
import { formatCount } from '../lib/format.js';
import { downloadText } from '../lib/download.js';
import type { Tab } from '../store/ui-store.js';
import { HeldCounter } from './control/HeldCounter.js';
import './Toolbar.css';

const TABS: { id: Tab; label: string }[] = [
  { id: 'packets', label: 'Packets' },
  { id: 'socket', label: 'Socket' },
  { id: 'timeline', label: 'Timeline' },
  { id: 'sequence', label: 'Sequence' },
  { id: 'rooms', label: 'Rooms' },
  { id: 'problems', label: 'Problems' },
  { id: 'stats', label: 'Stats' },
  { id: 'control', label: 'Control' },
];

/** Drawn, not glyphs: the media-control characters are missing from many fonts. */
const PauseIcon = () => (
  <svg width="10" height="10" viewBox="0 0 10 10" aria-hidden="true">
    <rect x="1.5" y="1" width="2.5" height="8" fill="currentColor" />
    <rect x="6" y="1" width="2.5" height="8" fill="currentColor" />
  </svg>
);
const PlayIcon = () => (
  <svg width="10" height="10" viewBox="0 0 10 10" aria-hidden="true">
    <path d="M2 1 L9 5 L2 9 Z" fill="currentColor" />
  </svg>
);

function SourceLabel() {
  const source = usePanel((s) => s.source);
  const status = usePanel((s) => s.status);
  const state =
    source.kind === 'file'
      ? status.state === 'connected'
        ? 'loaded'
        : status.state === 'down'
          ? 'error'
          : 'loading'
      : status.state;
  return (
    <span
      className="source"
      title={[source.detail, status.message].filter(Boolean).join('\n')}
      data-testid="source-label"
      data-kind={source.kind}
      data-state={status.state}
    >
      <span className={`dot ${status.state}`} />
      <b>{source.label}</b>
      <span className="muted"> {state}</span>
      {source.kind === 'file' && status.message && <span className="muted"> · {status.message}</span>}
    </span>
  );
}

export function Toolbar() {
  const controller = useController();
  const fileInput = useRef<HTMLInputElement>(null);
  const paused = usePanel((s) => s.paused);
  // Packets, not every event (drains, http exchanges...): closer to the rows that appear on resume.
  const buffered = usePanel((s) => s.waiting.packets);
  const pause = usePanel((s) => s.pause);
  const resume = usePanel((s) => s.resume);
  const sourceKind = usePanel((s) => s.source.kind);
  const problems = usePanel((s) => s.model.problems.size);
  const tab = useUi((s) => s.tab);
  const sidebarOpen = useUi((s) => s.sidebarOpen);
  const toggleSidebar = useUi((s) => s.toggleSidebar);
  const setTab = useUi((s) => s.setTab);
  const downloads = controller.current?.downloads;

  const exportFiltered = () => {
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    downloadText(controller.exportFiltered(), `sio-proxy-filtered-${stamp}.ndjson`, 'application/x-ndjson');
  };

  return (
    <header className="toolbar">
      <div className="toolbar-row">
        <button
          className="btn icon"
          onClick={toggleSidebar}
          aria-pressed={sidebarOpen}
          title={sidebarOpen ? 'hide the sessions' : 'show the sessions'}
          data-testid="toggle-sidebar"
        >
          ☰
        </button>
        <span className="brand">sio-proxy</span>
        <SourceLabel />
        <span className="grow" />
        <HeldCounter />
        {sourceKind !== 'file' && (
          <button
            className={`btn${paused ? ' active' : ''}`}
            onClick={() => (paused ? resume() : pause())}
            data-testid="pause-button"
            data-paused={paused}
            title={
              paused
                ? 'apply the events that arrived while paused'
                : 'freeze the view; events keep arriving and wait'
            }
          >
            {paused ? (
              <>
                <PlayIcon /> Resume{buffered ? ` (${formatCount(buffered)} packets waiting)` : ''}
              </>
            ) : (
              <>
                <PauseIcon /> Pause
              </>
            )}
          </button>
        )}
        <button
          className="btn"
          onClick={() => fileInput.current?.click()}
          title="open an NDJSON capture or a HAR file (or drop it here)"
          data-testid="open-file"
        >
          Open…
        </button>
        <input
          ref={fileInput}
          type="file"
          accept=".ndjson,.jsonl,.json,.har,application/json,application/x-ndjson"
          hidden
          data-testid="file-input"
          onChange={(e) => {
            const file = e.target.files?.[0];
            if (file) controller.openFile(file);
            e.target.value = '';
          }}
        />
        <button
          className="btn"
          onClick={exportFiltered}
          title="the packets the filter shows, as NDJSON (with their sessions)"
          data-testid="export-button"
        >
          Export
        </button>
        {downloads && (
          <>
            <a className="btn" href={downloads.capture} title="everything the proxy holds, as NDJSON">
              Capture
            </a>
            <a
              className="btn"
              href={downloads.har}
              title="everything the proxy holds, as HAR (opens in Chrome DevTools)"
            >
              HAR
            </a>
          </>
        )}
        {sourceKind === 'file' && controller.hasHome && (
          <button className="btn" onClick={() => controller.goHome()} data-testid="back-to-live">
            Back to live
          </button>
        )}
      </div>
      <nav className="tabs" role="tablist">
        {TABS.map((t) => (
          <button
            key={t.id}
            role="tab"
            aria-selected={tab === t.id}
            className={`tab${tab === t.id ? ' active' : ''}`}
            onClick={() => setTab(t.id)}
            data-testid={`tab-${t.id}`}
          >
            {t.label}
            {t.id === 'problems' && problems > 0 && <span className="count-badge">{problems}</span>}
          </button>
        ))}
      </nav>
    </header>
  );
}
