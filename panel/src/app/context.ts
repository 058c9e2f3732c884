/** The panel's stores and controller, handed to the views through React context. */
import { createContext, useCallback, useContext, useSyncExternalStore } from 'react';
import { useStore } from 'zustand';
import type { PanelState } from '../store/panel-store.js';
import type { PanelModel } from '../store/reduce.js';
import { revisionOf, type Slice } from '../store/slices.js';
import type { UiState } from '../store/ui-store.js';
import type { PanelController } from './controller.js';

export const ControllerContext = createContext<PanelController | undefined>(undefined);

export function useController(): PanelController {
  const c = useContext(ControllerContext);
  if (!c) throw new Error('panel views must be rendered inside <ControllerContext.Provider>');
  return c;
}

export function usePanel<T>(selector: (s: PanelState) => T): T {
  return useStore(useController().panel, selector);
}

/**
 * The model, for a view that reads the given slices of it: re-renders the caller when one of them
 * changed, and only then. `rev` (their revision together) is the key to memoise derived data on.
 */
export function useSlices(...slices: Slice[]): { model: PanelModel; rev: number } {
  const c = useController();
  const rev = useStore(c.panel, (s) => revisionOf(s.rev, slices));
  return { model: c.panel.getState().model, rev };
}

export function useUi<T>(selector: (s: UiState) => T): T {
  return useStore(useController().ui, selector);
}

/**
 * The filtered packet list, up to date with the model and the filter. Re-renders the caller when
 * the list changed (its revision), not on every batch.
 */
export function useFiltered() {
  const c = useController();
  const subscribe = useCallback(
    (onChange: () => void) => {
      const a = c.panel.subscribe(onChange);
      const b = c.ui.subscribe(onChange);
      return () => {
        a();
        b();
      };
    },
    [c],
  );
  // refresh() is idempotent: it returns the same revision until the model or the filter changes.
  const rev = useSyncExternalStore(subscribe, () => c.refresh());
  return { list: c.filtered, rev, compiled: c.filter() };
}

/** The current time, refreshed every `ms` (durations of live sessions, countdowns). */
export function useNow(ms = 1000): number {
  const subscribe = useCallback(
    (onChange: () => void) => {
      const t = setInterval(onChange, ms);
      return () => clearInterval(t);
    },
    [ms],
  );
  return useSyncExternalStore(subscribe, () => Math.floor(Date.now() / ms) * ms);
}
