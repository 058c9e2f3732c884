/**
 * Mounts the panel into an element with a given source. The dashboard page (main.tsx) passes the
 * proxy's live stream; the DevTools extension will pass its own source and host the same build.
 */
// The theme and the shell first: each view's own CSS, imported by the view, comes after it.
import '../styles.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import type { EventSource } from '../source/event-source.js';
import type { PacketLimits } from '../store/packet-store.js';
import { createPanelStore } from '../store/panel-store.js';
import { createUiStore } from '../store/ui-store.js';
import { App } from './App.js';
import { ControllerContext } from './context.js';
import { PanelController } from './controller.js';

export interface MountOptions {
  /** The source shown at start, and the one "Back to live" returns to. None: open a file. */
  source?: EventSource;
  limits?: PacketLimits;
}

export interface MountedPanel {
  controller: PanelController;
  unmount(): void;
}

export function mountPanel(element: HTMLElement, opts: MountOptions = {}): MountedPanel {
  const controller = new PanelController(
    createPanelStore(opts.limits ? { limits: opts.limits } : {}),
    createUiStore(),
    opts.source,
  );
  if (opts.source) controller.use(opts.source);
  const root = createRoot(element);
  root.render(
    <StrictMode>
      <ControllerContext.Provider value={controller}>
        <App />
      </ControllerContext.Provider>
    </StrictMode>,
  );
  return {
    controller,
    unmount() {
      controller.stop();
      root.unmount();
    },
  };
}
