/**
 * An append-only list that drops from the front in O(1) amortised time: the packet store and the
 * filtered views evict their oldest rows on every batch once they are full, and `Array#shift` or a
 * `slice` per batch would copy up to 200 000 references each time. Dropped slots are released by a
 * compaction once they make up half of the backing array, so memory stays within twice the content.
 */
export class WindowList<T> {
  private items: T[] = [];
  private start = 0;

  get length(): number {
    return this.items.length - this.start;
  }

  /** The i-th live item (0 is the oldest), or undefined outside 0..length-1. */
  at(i: number): T | undefined {
    return i < 0 || i >= this.length ? undefined : this.items[this.start + i];
  }

  push(item: T): void {
    this.items.push(item);
  }

  /** Drops the `n` oldest items. */
  dropFront(n: number): void {
    if (n <= 0) return;
    this.start = Math.min(this.items.length, this.start + n);
    if (this.start >= 1024 && this.start * 2 >= this.items.length) {
      this.items = this.items.slice(this.start);
      this.start = 0;
    }
  }

  clear(): void {
    this.items = [];
    this.start = 0;
  }

  /** Index of the first item for which `isAtOrAfter` holds, given that it holds for a suffix (binary search). */
  lowerBound(isAtOrAfter: (item: T) => boolean): number {
    let lo = 0;
    let hi = this.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (isAtOrAfter(this.items[this.start + mid] as T)) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  *[Symbol.iterator](): IterableIterator<T> {
    for (let i = this.start; i < this.items.length; i++) yield this.items[i] as T;
  }

  toArray(): T[] {
    return this.items.slice(this.start);
  }
}
