import type { CliIo } from './io';

/**
 * A one-line progress display for long reads: rows read, rate and ETA. It
 * draws only on a terminal and stays silent when output is piped.
 *
 * @example
 * ```ts
 * const progress = createProgress(processIo, { totalBytes: 1_000_000 });
 * progress.update(5000, 250_000);
 * progress.done();
 * ```
 */
export interface Progress {
  /** Reports rows read so far and bytes consumed of the input. */
  update(rows: number, bytes: number): void;
  /** Clears the line. */
  done(): void;
}

/**
 * Creates a {@link Progress} that redraws at most every `intervalMs`
 * (default 200 ms). `now` (milliseconds) is injectable for tests.
 *
 * @example
 * ```ts
 * const progress = createProgress(io, { totalBytes: size, now: () => performance.now() });
 * ```
 */
export function createProgress(
  io: CliIo,
  options: { totalBytes?: number; intervalMs?: number; now?: () => number } = {},
): Progress {
  if (!io.isTTY) return { update() {}, done() {} };
  const now = options.now ?? (() => performance.now());
  const interval = options.intervalMs ?? 200;
  const started = now();
  let last = Number.NEGATIVE_INFINITY;
  let drawn = false;
  return {
    update(rows, bytes) {
      const t = now();
      if (t - last < interval) return;
      last = t;
      const seconds = Math.max((t - started) / 1000, 1e-9);
      const rate = rows / seconds;
      let line = `  ${rows.toLocaleString('en-US')} rows · ${Math.round(rate).toLocaleString('en-US')} rows/s`;
      if (options.totalBytes && bytes > 0) {
        const share = Math.min(bytes / options.totalBytes, 1);
        const width = 24;
        const filled = Math.round(share * width);
        const eta = share > 0 ? (seconds * (1 - share)) / share : 0;
        line = `  [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(share * 100).toFixed(0)}%${line} · ETA ${eta.toFixed(0)} s`;
      }
      io.stderr(`\r${line}\u001b[K`);
      drawn = true;
    },
    done() {
      if (drawn) io.stderr('\r\u001b[K');
    },
  };
}
