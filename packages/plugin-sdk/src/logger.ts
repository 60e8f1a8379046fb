/**
 * Where the host and plugins write what happened. Shaped like `console`, so
 * `logger: console` works; pino and winston fit with a one-line adapter.
 *
 * @example
 * ```ts
 * const logger: Logger = { debug() {}, info: console.info, warn: console.warn, error: console.error };
 * ```
 */
export interface Logger {
  /** Detail for debugging. */
  debug(message: string, fields?: Record<string, unknown>): void;
  /** Something normal happened. */
  info(message: string, fields?: Record<string, unknown>): void;
  /** Something went wrong and was handled (a retry, a dead letter). */
  warn(message: string, fields?: Record<string, unknown>): void;
  /** Something went wrong that needs a person. */
  error(message: string, fields?: Record<string, unknown>): void;
}

/**
 * A logger that drops everything: the host's default.
 *
 * @example
 * ```ts
 * const crm = await createCrm({ clock, plugins: [], logger: silentLogger });
 * ```
 */
export const silentLogger: Logger = Object.freeze({ debug() {}, info() {}, warn() {}, error() {} });

/**
 * One line a {@link MemoryLogger} kept.
 *
 * @example
 * ```ts
 * const entry: LogEntry = { level: 'warn', message: 'retrying', fields: { plugin: 'loyalty' } };
 * ```
 */
export interface LogEntry {
  /** Severity. */
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  /** The message. */
  readonly message: string;
  /** Structured context (plugin, event id, error…). */
  readonly fields: Readonly<Record<string, unknown>>;
}

/**
 * A {@link Logger} that keeps every entry in `entries`, for tests.
 *
 * @example
 * ```ts
 * const logger = createMemoryLogger();
 * logger.warn('x', { a: 1 });
 * logger.entries[0]?.level; // 'warn'
 * ```
 */
export interface MemoryLogger extends Logger {
  /** Everything logged, oldest first. */
  readonly entries: LogEntry[];
}

/**
 * Creates a {@link MemoryLogger}.
 *
 * @example
 * ```ts
 * const logger = createMemoryLogger();
 * ```
 */
export function createMemoryLogger(): MemoryLogger {
  const entries: LogEntry[] = [];
  const at =
    (level: LogEntry['level']) =>
    (message: string, fields: Record<string, unknown> = {}) => {
      entries.push({ level, message, fields });
    };
  return { entries, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

/** A logger that adds fixed fields (the plugin's name) to every entry. */
export function childLogger(parent: Logger, fields: Record<string, unknown>): Logger {
  const at =
    (level: LogEntry['level']) =>
    (message: string, extra: Record<string, unknown> = {}) =>
      parent[level](message, { ...fields, ...extra });
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}
