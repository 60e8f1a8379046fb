/** A chunk longer than twice this splits into two; short chunks keep every insert and removal cheap. */
const CHUNK = 64;

/**
 * A sorted collection of distinct items (by `compare`): a list of sorted
 * chunks, each at most `2 * CHUNK` long, so that adding, removing and seeking
 * cost a binary search and a move of at most `2 * CHUNK` items whatever the
 * order of the writes (a split, once per `CHUNK` adds at most, also moves the
 * list of chunks), and iterating from any point is a walk over the chunks.
 */
export class SortedList<T> {
  private readonly chunks: T[][] = [];
  /** The last (largest) item of each chunk, for the binary search over chunks. */
  private readonly lasts: T[] = [];

  constructor(private readonly compare: (a: T, b: T) => number) {}

  /** Adds an item; one that compares equal to an item present must be removed first. */
  add(item: T): void {
    if (this.chunks.length === 0) {
      this.chunks.push([item]);
      this.lasts.push(item);
      return;
    }
    const c = Math.min(this.chunkAtOrAfter(item, false), this.chunks.length - 1);
    const chunk = this.chunks[c]!;
    chunk.splice(this.positionIn(chunk, item, false), 0, item);
    this.lasts[c] = chunk[chunk.length - 1]!;
    if (chunk.length > 2 * CHUNK) {
      const tail = chunk.splice(CHUNK);
      this.chunks.splice(c + 1, 0, tail);
      this.lasts.splice(c, 1, chunk[chunk.length - 1]!, tail[tail.length - 1]!);
    }
  }

  /** Removes the item comparing equal to `item`; false when there is none. */
  remove(item: T): boolean {
    const c = this.chunkAtOrAfter(item, false);
    const chunk = this.chunks[c];
    if (chunk === undefined) return false;
    const i = this.positionIn(chunk, item, false);
    if (i === chunk.length || this.compare(chunk[i]!, item) !== 0) return false;
    chunk.splice(i, 1);
    if (chunk.length === 0) {
      this.chunks.splice(c, 1);
      this.lasts.splice(c, 1);
    } else {
      this.lasts[c] = chunk[chunk.length - 1]!;
    }
    return true;
  }

  /**
   * The items from `probe` on, in order: those `>= probe`, or `> probe` when
   * `after` (all of them when `probe` is undefined). The list must not change
   * while the iteration runs.
   */
  *from(probe: T | undefined, after: boolean): Generator<T> {
    let c = probe === undefined ? 0 : this.chunkAtOrAfter(probe, after);
    let i =
      probe === undefined || c >= this.chunks.length ? 0 : this.positionIn(this.chunks[c]!, probe, after);
    for (; c < this.chunks.length; c++, i = 0) {
      const chunk = this.chunks[c]!;
      for (; i < chunk.length; i++) yield chunk[i]!;
    }
  }

  /** Index of the first chunk whose last item is `>= probe` (`> probe` when `after`); `chunks.length` if none. */
  private chunkAtOrAfter(probe: T, after: boolean): number {
    return lowerBound(this.lasts, probe, this.compare, after);
  }

  /** Index in a chunk of the first item `>= probe` (`> probe` when `after`). */
  private positionIn(chunk: readonly T[], probe: T, after: boolean): number {
    return lowerBound(chunk, probe, this.compare, after);
  }
}

/** Binary search: the first index whose item is `>= probe` (or `> probe` when `after`). */
function lowerBound<T>(
  items: readonly T[],
  probe: T,
  compare: (a: T, b: T) => number,
  after: boolean,
): number {
  let low = 0;
  let high = items.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    const c = compare(items[mid]!, probe);
    if (c < 0 || (after && c === 0)) low = mid + 1;
    else high = mid;
  }
  return low;
}
