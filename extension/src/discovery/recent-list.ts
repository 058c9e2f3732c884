/**
 * A short list, most recent first, kept in an extension storage area: the dashboards the extension
 * learned a token from, the proxies whose notice the user dismissed. Bounded, because each entry
 * comes from browsing and nothing else would ever remove it.
 *
 * No chrome.* here: the area is passed in (chrome.storage.local in the extension, a Map in the unit
 * tests), so the module also compiles and runs under Node.
 */

/** The part of chrome.storage.StorageArea used here. */
export interface StorageArea {
  get(key: string): Promise<Record<string, unknown>>;
  set(items: Record<string, unknown>): Promise<void>;
}

/** `item` first, then the others not `same` as it, at most `max` in all. */
export function putFirst<T>(list: readonly T[], item: T, same: (a: T, b: T) => boolean, max: number): T[] {
  return [item, ...list.filter((x) => !same(x, item))].slice(0, Math.max(1, max));
}

export class RecentList<T> {
  /** Updates in the order they were asked for: two at once must not each drop the other's entry. */
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly area: StorageArea,
    private readonly key: string,
    private readonly max: number,
    /** Keeps only well-formed entries: storage may hold what an older version (or anyone) wrote. */
    private readonly valid: (v: unknown) => v is T,
    private readonly same: (a: T, b: T) => boolean,
  ) {}

  async list(): Promise<T[]> {
    await this.chain.catch(() => undefined);
    return this.read();
  }

  put(item: T): Promise<void> {
    const next = this.chain
      .catch(() => undefined)
      .then(async () =>
        this.area.set({ [this.key]: putFirst(await this.read(), item, this.same, this.max) }),
      );
    this.chain = next;
    return next;
  }

  private async read(): Promise<T[]> {
    const v = (await this.area.get(this.key))[this.key];
    return Array.isArray(v) ? v.filter(this.valid).slice(0, this.max) : [];
  }
}
