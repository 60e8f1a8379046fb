import { CrmError } from '@crmkit/core';

/**
 * A problem the command line reports as one line, without a stack trace.
 * Codes: `CLI_USAGE` (a bad flag or argument), `CLI_INPUT` (a missing file,
 * a header without the needed columns, a rejected row with `--strict`) and
 * `CLI_NOT_COLUMNAR` (orders the columnar import cannot hold exactly, such
 * as amounts finer than the currency's minor unit: `crmkit analyze` then
 * takes the storage route).
 *
 * @example
 * ```ts
 * throw new CliError('CLI_USAGE', 'unknown command "analyse" (did you mean "analyze"?)');
 * ```
 */
export class CliError extends CrmError {
  constructor(
    code: 'CLI_USAGE' | 'CLI_INPUT' | 'CLI_NOT_COLUMNAR',
    message: string,
    details: Record<string, unknown> = {},
  ) {
    super(code, message, details);
  }
}
