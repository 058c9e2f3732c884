/** The panel's layout: toolbar and banners on top, sessions on the left, the selected tab. */
// In layout order, top to bottom, left to right: the views' CSS is bundled in this order.
import { Toolbar } from '../views/Toolbar.js';
import { Banner } from '../views/Banner.js';
import { DropZone } from '../views/DropZone.js';
import { SessionsSidebar } from '../views/sidebar/SessionsSidebar.js';
import { PacketsView } from '../views/packets/PacketsView.js';
import { SocketView } from '../views/socket/SocketView.js';
import { RoomsView } from '../views/RoomsView.js';
import { ProblemsView } from '../views/ProblemsView.js';
import { StatsView } from '../views/stats/StatsView.js';
import { ControlView } from '../views/control/ControlView.js';
import { TimelineView } from '../views/timeline/TimelineView.js';
import { SequenceView } from '../views/sequence/SequenceView.js';
import { usePanel, useUi } from './context.js';

function NoSource() {
  return (
    <div className="start" data-testid="no-source">
      <h2>sio-proxy</h2>
      <p>
        No live proxy here (the page URL has no <code>?token=</code>).
      </p>
      <p>
        Open an NDJSON capture (<code>GET /api/capture</code>, <code>--record FILE</code>) or a HAR file with{' '}
        <b>Open…</b>, or drop it anywhere on this page.
      </p>
    </div>
  );
}

function Content() {
  const tab = useUi((s) => s.tab);
  switch (tab) {
    case 'packets':
      return <PacketsView />;
    case 'socket':
      return <SocketView />;
    case 'rooms':
      return <RoomsView />;
    case 'problems':
      return <ProblemsView />;
    case 'stats':
      return <StatsView />;
    case 'control':
      return <ControlView />;
    case 'timeline':
      return <TimelineView />;
    case 'sequence':
      return <SequenceView />;
  }
}

export function App() {
  const none = usePanel((s) => s.source.kind === 'none');
  const sidebarOpen = useUi((s) => s.sidebarOpen);
  return (
    <div className="app">
      <Toolbar />
      <Banner />
      {none ? (
        <NoSource />
      ) : (
        <div className={`main${sidebarOpen ? '' : ' no-sidebar'}`}>
          {sidebarOpen && <SessionsSidebar />}
          <div className="content">
            <Content />
          </div>
        </div>
      )}
      <DropZone />
    </div>
  );
}
