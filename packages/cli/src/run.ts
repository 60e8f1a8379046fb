import { parseArgs } from 'node:util';
import { isCrmError } from '@crmkit/core';
import { analyzeCommand } from './commands/analyze';
import { clvFitCommand } from './commands/clv-fit';
import { generateCommand } from './commands/generate';
import { CliError } from './errors';
import { type CliIo, processIo } from './io';

const HELP = `crmkit — customer analytics from a CSV of orders

Usage:
  crmkit analyze <orders.csv> [--as-of DATE] [--out DIR] [--json] [--strict]
                 [--db memory|postgres://…|pglite:DIR]
                 [--columns customer_id=..,date=..,amount=..] [--delimiter ,|;|tab|whitespace] [--currency EUR]
  crmkit clv fit --model bgnbd|pareto-nbd|gamma-gamma|bgbb
                 (--summary FILE | --transactions FILE --calibration-end DATE)
                 [--time-unit days|weeks] [--penalizer X] [--json]
  crmkit generate --customers N [--seed S] [--out FILE]
  crmkit --help | --version

Exit codes: 0 success, 1 error, 2 usage error, 3 finished but some rows were rejected.
`;

/**
 * Exit codes of the `crmkit` command.
 *
 * @example
 * ```ts
 * if ((await run(['analyze', 'orders.csv'])) === EXIT.REJECTED_ROWS) console.log('some rows were rejected');
 * ```
 */
export const EXIT = { OK: 0, ERROR: 1, USAGE: 2, REJECTED_ROWS: 3 } as const;

/**
 * Runs the `crmkit` command line with the given arguments and returns the
 * exit code. Errors a user can fix are printed as one line on stderr.
 *
 * @example
 * ```ts
 * process.exitCode = await run(process.argv.slice(2));
 * ```
 */
export async function run(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case undefined:
      case '--help':
      case '-h':
      case 'help':
        io.stdout(HELP);
        return command === undefined ? EXIT.USAGE : EXIT.OK;
      case '--version':
      case '-v':
        io.stdout('crmkit 0.0.0\n');
        return EXIT.OK;
      case 'analyze':
        return await analyzeCommand(parse(rest, ANALYZE_OPTIONS), io);
      case 'clv': {
        const [sub, ...clvArgs] = rest;
        if (sub !== 'fit')
          throw new CliError('CLI_USAGE', 'crmkit clv has one subcommand: crmkit clv fit --model …');
        return await clvFitCommand(parse(clvArgs, CLV_FIT_OPTIONS), io);
      }
      case 'generate':
        return await generateCommand(parse(rest, GENERATE_OPTIONS), io);
      default:
        throw new CliError('CLI_USAGE', `unknown command ${JSON.stringify(command)}; run crmkit --help`);
    }
  } catch (e) {
    if (isCrmError(e)) {
      io.stderr(`crmkit: ${e.message}\n`);
      return e.code === 'CLI_USAGE' ? EXIT.USAGE : EXIT.ERROR;
    }
    throw e;
  }
}

const ANALYZE_OPTIONS = {
  'as-of': { type: 'string' },
  db: { type: 'string' },
  out: { type: 'string' },
  json: { type: 'boolean' },
  strict: { type: 'boolean' },
  columns: { type: 'string' },
  delimiter: { type: 'string' },
  currency: { type: 'string' },
} as const;

const CLV_FIT_OPTIONS = {
  model: { type: 'string' },
  summary: { type: 'string' },
  transactions: { type: 'string' },
  'calibration-end': { type: 'string' },
  'time-unit': { type: 'string' },
  penalizer: { type: 'string' },
  json: { type: 'boolean' },
  columns: { type: 'string' },
  delimiter: { type: 'string' },
  currency: { type: 'string' },
} as const;

const GENERATE_OPTIONS = {
  customers: { type: 'string' },
  seed: { type: 'string' },
  out: { type: 'string' },
} as const;

/**
 * Parsed arguments of a command: flags by name and positional arguments.
 *
 * @example
 * ```ts
 * const args: ParsedArgs = { values: { json: true }, positionals: ['orders.csv'] };
 * ```
 */
export interface ParsedArgs {
  /** Flag values by long name. */
  readonly values: Readonly<Record<string, string | boolean | undefined>>;
  /** Positional arguments, in order. */
  readonly positionals: readonly string[];
}

function parse(
  args: readonly string[],
  options: NonNullable<NonNullable<Parameters<typeof parseArgs>[0]>['options']>,
): ParsedArgs {
  try {
    const { values, positionals } = parseArgs({
      args: [...args],
      options,
      allowPositionals: true,
      strict: true,
    });
    return { values: values as ParsedArgs['values'], positionals };
  } catch (e) {
    throw new CliError('CLI_USAGE', `${(e as Error).message.split('\n')[0]}; run crmkit --help`);
  }
}
