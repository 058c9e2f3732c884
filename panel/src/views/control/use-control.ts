/** The control slice for the views: a selector over it, and its driver (undefined without a live proxy). */
import { useStore } from 'zustand';
import { useController } from '../../app/context.js';
import type { ControlState } from '../../store/control-store.js';

export function useControl<T>(selector: (s: ControlState) => T): T {
  return useStore(useController().controlStore, selector);
}
