/** Below this many values the built-in sort is as fast as anything here. */
const SMALL = 4096;
/** Which 32-bit half of a double comes first in memory: the low one on little-endian platforms. */
const LOW = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1 ? 0 : 1;
const HIGH = 1 - LOW;

/**
 * The values in ascending order, in a new array: the same order as
 * `Float64Array#sort` (−0 before +0, NaN last), computed without comparing
 * (linear time, several times faster at millions of values). Whole numbers
 * over a range no wider than the number of values (days, order counts) are
 * counted; any other doubles are radix-sorted on their bits.
 */
export function sortedCopy(values: Float64Array): Float64Array {
  const n = values.length;
  if (n < SMALL) return Float64Array.from(values).sort();
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let negativeZeros = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    if (!Number.isInteger(v)) return radixSort(values);
    if (v < min) min = v;
    if (v > max) max = v;
    if (v === 0 && 1 / v < 0) negativeZeros++;
  }
  return max - min <= n ? countingSort(values, min, max, negativeZeros) : radixSort(values);
}

/** Sorts whole numbers between `min` and `max` by counting each (−0s first among the zeros). */
function countingSort(values: Float64Array, min: number, max: number, negativeZeros: number): Float64Array {
  const counts = new Uint32Array(max - min + 1);
  for (let i = 0; i < values.length; i++) counts[values[i]! - min]!++;
  const sorted = new Float64Array(values.length);
  let at = 0;
  for (let k = 0; k < counts.length; k++) {
    const end = at + counts[k]!;
    if (min + k === 0 && negativeZeros > 0) {
      sorted.fill(-0, at, at + negativeZeros);
      at += negativeZeros;
    }
    if (end > at) sorted.fill(min + k, at, end);
    at = end;
  }
  return sorted;
}

/**
 * Least-significant-digit radix sort of doubles, 16 bits a pass, on keys
 * that order as the numbers do: the sign bit set for positives, every bit
 * flipped for negatives; NaNs go last, as with `Float64Array#sort`.
 */
function radixSort(values: Float64Array): Float64Array {
  const n = values.length;
  let from = new Uint32Array(Float64Array.from(values).buffer);
  let to = new Uint32Array(2 * n);
  for (let i = 0; i < n; i++) {
    const high = from[2 * i + HIGH]!;
    if (Number.isNaN(values[i]!)) {
      from[2 * i + LOW] = 0xffffffff;
      from[2 * i + HIGH] = 0xffffffff;
    } else if (high >>> 31 === 1) {
      from[2 * i + LOW] = ~from[2 * i + LOW]!;
      from[2 * i + HIGH] = ~high;
    } else {
      from[2 * i + HIGH] = high | 0x80000000;
    }
  }
  const counts = new Uint32Array(65_536);
  for (let pass = 0; pass < 4; pass++) {
    const word = pass < 2 ? LOW : HIGH;
    const shift = (pass & 1) * 16;
    counts.fill(0);
    for (let i = 0; i < n; i++) counts[(from[2 * i + word]! >>> shift) & 0xffff]!++;
    let sum = 0;
    for (let k = 0; k < 65_536; k++) {
      const count = counts[k]!;
      counts[k] = sum;
      sum += count;
    }
    for (let i = 0; i < n; i++) {
      const first = from[2 * i]!;
      const second = from[2 * i + 1]!;
      const at = counts[((word === 0 ? first : second) >>> shift) & 0xffff]!++;
      to[2 * at] = first;
      to[2 * at + 1] = second;
    }
    [from, to] = [to, from];
  }
  const sorted = new Float64Array(from.buffer);
  for (let i = 0; i < n; i++) {
    const high = from[2 * i + HIGH]!;
    if (high === 0xffffffff && from[2 * i + LOW] === 0xffffffff) {
      sorted[i] = Number.NaN;
    } else if (high >>> 31 === 1) {
      from[2 * i + HIGH] = high & 0x7fffffff;
    } else {
      from[2 * i + LOW] = ~from[2 * i + LOW]!;
      from[2 * i + HIGH] = ~high;
    }
  }
  return sorted;
}
