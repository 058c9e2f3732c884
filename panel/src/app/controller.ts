/**
 * The panel's actions that span the stores and the source: which source feeds the panel (the live
 * proxy, a file, the DevTools tab's), the filtered packet list the views share, "jump to packet N"
 * from anywhere, and the export of the filtered packets. No React here.
 */
import type { ProxyEvent } from '../../../shared/events.js';
import { attachSource } from '../source/adapter.js';
import { ControlDriver } from '../source/control-driver.js';
import type { EventSource, FullPayload } from '../source/event-source.js';
import { FileSource } from '../source/file-source.js';
import { attachFullSearch } from '../source/full-search-driver.js';
import { compileFilter, EMPTY_FILTER, type CompiledFilter, type PacketFilter } from '../store/filter.js';
import { FilteredPackets } from '../store/filtered-view.js';
import type { FullSearch } from '../store/full-search.js';
import { createControlStore, type ControlStore } from '../store/control-store.js';
import type { PanelStore } from '../store/panel-store.js';
import { jumpIndex } from '../store/selectors.js';
import type { UiStore } from '../store/ui-store.js';

export class PanelController {
  readonly filtered = new FilteredPackets();
  /** Bumped whenever `filtered` changes. */
  filteredRev = 0;
  private compiledFor: PacketFilter | undefined;
  private compiledSearch: FullSearch | undefined;
  private compiled: CompiledFilter = compileFilter(EMPTY_FILTER);
  /** The control slice: held packets, rules, faults of the live proxy (empty for other sources). */
  readonly controlStore: ControlStore = createControlStore();
  private source: EventSource | undefined;
  private controlDriver: ControlDriver | undefined;
  private detach: (() => void) | undefined;

  constructor(
    readonly panel: PanelStore,
    readonly ui: UiStore,
    /** The source to return to after a file was opened (the live proxy), if there is one. */
    private readonly home?: EventSource,
  ) {
    panel.subscribe(() => this.followReconnect());
  }

  /**
   * A selected session that was its client's newest follows the client to the session it opens
   * next (a reconnect), so that filtering by it does not hide what the client does from then on;
   * the selection remembers where it came from, and the filter bar says so. An older session the
   * user picked on purpose stays put.
   */
  private followReconnect(): void {
    const ui = this.ui.getState();
    const selected = ui.session;
    if (!selected || ui.filter.sessionId !== selected.sid) return;
    const { sessions, clients } = this.panel.getState().model;
    const clientKey = sessions.get(selected.sid)?.clientKey;
    const ids = clientKey === undefined || clientKey === '?' ? undefined : clients.get(clientKey)?.sessionIds;
    if (!ids || ids.length < 2 || ids.at(-2) !== selected.sid) return;
    const next = ids.at(-1) as string;
    ui.selectSession({ sid: next, from: selected.sid });
  }

  get hasHome(): boolean {
    return this.home !== undefined;
  }

  get current(): EventSource | undefined {
    return this.source;
  }

  /** Acts on the live proxy (breakpoints, emit, faults); undefined when the source has no control API. */
  get control(): ControlDriver | undefined {
    return this.controlDriver;
  }

  use(source: EventSource): void {
    this.detach?.();
    this.source = source;
    this.ui.getState().selectPacket(undefined);
    this.ui.getState().selectSession(undefined);
    const driver = source.control
      ? new ControlDriver(source.control, this.controlStore, browserStorage())
      : undefined;
    if (!driver) this.controlStore.getState().set({ available: false, held: [], rules: [], faults: {} });
    this.controlDriver = driver;
    const stopEvents = attachSource(source, this.panel, driver && ((batch) => driver.onEvents(batch)));
    const stopSearch = attachFullSearch(source, this.panel, this.ui);
    this.detach = () => {
      stopSearch();
      stopEvents();
      driver?.stop();
    };
  }

  goHome(): void {
    if (this.home) this.use(this.home);
  }

  openFile(file: File): void {
    this.use(new FileSource(file));
  }

  stop(): void {
    this.detach?.();
    this.detach = undefined;
  }

  fetchFull(seq: number): Promise<FullPayload> | undefined {
    return this.source?.fetchFull?.(seq);
  }

  /** The compiled current filter (recompiled when the filter, or the full search's answer, changes). */
  filter(): CompiledFilter {
    const f = this.ui.getState().filter;
    const search = this.panel.getState().search;
    if (f !== this.compiledFor || search !== this.compiledSearch) {
      this.compiledFor = f;
      this.compiledSearch = search;
      this.compiled = compileFilter(f, search);
    }
    return this.compiled;
  }

  /** Brings the filtered list up to date; returns its revision. Idempotent. */
  refresh(): number {
    if (this.filtered.update(this.panel.getState().model.packets, this.filter())) this.filteredRev++;
    return this.filteredRev;
  }

  /**
   * Shows packet `seq` (or, for a non-packet event such as an error, the packet just before it) in the
   * packets tab. When the filter hides it, the filter is cleared first (keeping the session when the
   * target is in it), so that a jump always lands.
   */
  jumpTo(seq: number, sessionId?: string): void {
    const ui = this.ui.getState();
    const packets = this.panel.getState().model.packets;
    const target = packets.bySeq(seq);
    ui.setTab('packets');
    this.refresh();
    const visible = target && this.filtered.at(this.filtered.indexOfSeq(seq))?.e.seq === seq;
    if (!visible) {
      const sid = target?.e.sessionId ?? sessionId ?? '';
      ui.setFilter({
        ...EMPTY_FILTER,
        heartbeats: ui.filter.heartbeats || (target?.heartbeat ?? false),
        sessionId: sid,
      });
      this.refresh();
    }
    const i = jumpIndex(this.filtered, seq);
    const row = i === undefined ? undefined : this.filtered.at(i);
    ui.selectPacket(row?.e.seq);
  }

  /**
   * The filtered packets as NDJSON, preceded by the `session` events of their sessions so that the
   * file opens in the panel with its sessions. Events as received (payloads as the stream cut them).
   */
  exportFiltered(): string {
    this.refresh();
    const { model } = this.panel.getState();
    const sessions = new Set<string>();
    const lines: ProxyEvent[] = [];
    for (let i = 0; i < this.filtered.length; i++) {
      const row = this.filtered.at(i);
      if (!row) continue;
      sessions.add(row.e.sessionId);
      lines.push(row.e);
    }
    const heads: ProxyEvent[] = [];
    for (const sid of sessions) {
      const e = model.sessions.get(sid)?.sessionEvent;
      if (e) heads.push(e);
    }
    return [...heads, ...lines]
      .sort((a, b) => a.seq - b.seq)
      .map((e) => JSON.stringify(e))
      .join('\n')
      .concat(lines.length || heads.length ? '\n' : '');
  }
}

/** The page's localStorage, when it may be used (a sandboxed frame or a test has none). */
function browserStorage(): Storage | undefined {
  try {
    return globalThis.localStorage ?? undefined;
  } catch {
    return undefined;
  }
}
