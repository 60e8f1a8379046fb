import { CrmError } from '@crmkit/core';

/**
 * A problem the command line reports as one line, without a stack trace: a
 * bad flag, a missing file, a header without the needed columns.
 *
 * @example
 * ```ts
 * throw new CliError('CLI_USAGE', 'unknown command "analyse" (did you mean "analyze"?)');
 * ```
 */
export class CliError extends CrmError {
  constructor(code: 'CLI_USAGE' | 'CLI_INPUT', message: string, details: Record<string, unknown> = {}) {
    super(code, message, details);
  }
}
