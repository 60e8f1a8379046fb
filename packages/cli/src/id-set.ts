/**
 * A set of strings for millions of ids (the order ids of a large CSV): the
 * characters live in one typed-array arena (one byte each while they fit),
 * looked up through an open-addressing hash table of entry numbers, so ten
 * million ids take a few hundred megabytes and no object each (a `Set` of
 * fresh strings takes three times the memory and keeps the garbage collector
 * busy).
 */
export class IdSet {
  private chars: Uint8Array | Uint16Array = new Uint8Array(1 << 16);
  private used = 0;
  /** Entry k's characters are `chars[starts[k], starts[k + 1])`. */
  private starts = new Uint32Array(1 << 12);
  private hashes = new Int32Array(1 << 12);
  private size = 0;
  /** Entry number + 1 per slot; 0 is empty. */
  private slots = new Int32Array(1 << 13);

  /** Adds `id`; false when it was already there. */
  add(id: string): boolean {
    const hash = hashOf(id);
    const mask = this.slots.length - 1;
    let slot = hash & mask;
    for (let entry = this.slots[slot]!; entry !== 0; entry = this.slots[slot]!) {
      if (this.hashes[entry - 1] === hash && this.equals(entry - 1, id)) return false;
      slot = (slot + 1) & mask;
    }
    this.store(id, hash);
    this.slots[slot] = this.size;
    if (this.size * 4 > this.slots.length * 3) this.rehash();
    return true;
  }

  /** Removes every id and lets go of the memory. */
  clear(): void {
    this.chars = new Uint8Array(1 << 16);
    this.used = 0;
    this.starts = new Uint32Array(1 << 12);
    this.hashes = new Int32Array(1 << 12);
    this.size = 0;
    this.slots = new Int32Array(1 << 13);
  }

  private equals(entry: number, id: string): boolean {
    const start = this.starts[entry]!;
    if (this.starts[entry + 1]! - start !== id.length) return false;
    for (let i = 0; i < id.length; i++) if (this.chars[start + i] !== id.charCodeAt(i)) return false;
    return true;
  }

  private store(id: string, hash: number): void {
    const n = id.length;
    if (this.used + n > this.chars.length)
      this.chars = grown(this.chars, Math.max(this.chars.length * 2, this.used + n));
    if (this.chars instanceof Uint8Array && !isLatin1(id)) this.chars = Uint16Array.from(this.chars);
    const chars = this.chars;
    for (let i = 0; i < n; i++) chars[this.used + i] = id.charCodeAt(i);
    if (this.size + 2 > this.starts.length) {
      this.starts = grown(this.starts, this.starts.length * 2);
      this.hashes = grown(this.hashes, this.hashes.length * 2);
    }
    this.hashes[this.size] = hash;
    this.starts[this.size] = this.used;
    this.used += n;
    this.size++;
    this.starts[this.size] = this.used;
  }

  private rehash(): void {
    const slots = new Int32Array(this.slots.length * 2);
    const mask = slots.length - 1;
    for (let entry = 0; entry < this.size; entry++) {
      let slot = this.hashes[entry]! & mask;
      while (slots[slot] !== 0) slot = (slot + 1) & mask;
      slots[slot] = entry + 1;
    }
    this.slots = slots;
  }
}

function isLatin1(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 255) return false;
  return true;
}

/** FNV-1a over the UTF-16 code units, finished with a mix so that the low bits spread. */
function hashOf(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  return h ^ (h >>> 13);
}

function grown<T extends Uint8Array | Uint16Array | Uint32Array | Int32Array>(from: T, size: number): T {
  const to = new (from.constructor as new (n: number) => T)(size);
  to.set(from);
  return to;
}
