/**
 * Where a command writes: injected so tests can capture output and so the
 * progress bar knows whether it talks to a terminal.
 *
 * @example
 * ```ts
 * const io: CliIo = { stdout: (s) => process.stdout.write(s), stderr: (s) => process.stderr.write(s), isTTY: false };
 * ```
 */
export interface CliIo {
  /** Writes to standard output. */
  readonly stdout: (text: string) => void;
  /** Writes to standard error. */
  readonly stderr: (text: string) => void;
  /** True when standard error is a terminal (progress is shown only then). */
  readonly isTTY: boolean;
}

/**
 * The process's real standard output and error.
 *
 * @example
 * ```ts
 * await run(['analyze', 'orders.csv'], processIo);
 * ```
 */
export const processIo: CliIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  get isTTY() {
    return process.stderr.isTTY === true;
  },
};
