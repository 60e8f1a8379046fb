import {
  type BgBbRow,
  fitBgBb,
  fitBgNbd,
  fitGammaGamma,
  fitParetoNbd,
  type RfmRow,
  type SpendRow,
  summarizeTransactions,
  type Transaction,
} from '@crmkit/clv';
import { CliError } from '../errors';
import type { CliIo } from '../io';
import { readOrdersCsv } from '../orders-csv';
import type { ParsedArgs } from '../run';
import { readSummaryCsv, type SummaryColumn, type SummaryRow } from '../summary-csv';
import { ordersCsvOptions } from './csv-options';

/**
 * The models `crmkit clv fit --model` knows.
 *
 * @example
 * ```ts
 * const model: ClvModelName = 'pareto-nbd';
 * ```
 */
export type ClvModelName = 'bgnbd' | 'pareto-nbd' | 'gamma-gamma' | 'bgbb';

const COLUMNS: Record<ClvModelName, readonly SummaryColumn[]> = {
  bgnbd: ['frequency', 'recency', 'T'],
  'pareto-nbd': ['frequency', 'recency', 'T'],
  'gamma-gamma': ['frequency', 'monetary_value'],
  bgbb: ['frequency', 'recency', 'n'],
};

/**
 * What `crmkit clv fit --json` prints.
 *
 * @example
 * ```ts
 * const fit: ClvFitOutput = JSON.parse(stdout);
 * console.log(fit.params['r'], fit.logLikelihood);
 * ```
 */
export interface ClvFitOutput {
  readonly model: ClvModelName;
  readonly params: Readonly<Record<string, number>>;
  readonly logLikelihood: number;
  readonly standardErrors: Readonly<Record<string, number>>;
  /** Customers fitted (the sum of the weights). */
  readonly customers: number;
  /** Distinct rows after merging identical ones. */
  readonly distinctRows: number;
  readonly iterations: number;
  /** The time unit of recency and T (for a summary file: whatever unit it was written in). */
  readonly timeUnit: 'days' | 'weeks' | 'as given';
}

/**
 * Runs `crmkit clv fit`: fits one model on a summary CSV or on an orders CSV
 * summarised up to `--calibration-end`, and prints its parameters,
 * log-likelihood and standard errors. Returns the exit code.
 *
 * @example
 * ```ts
 * await clvFitCommand({ values: { model: 'bgnbd', summary: 'cdnow.csv', json: true }, positionals: [] }, processIo);
 * ```
 */
export async function clvFitCommand(args: ParsedArgs, io: CliIo): Promise<number> {
  const { values } = args;
  if (args.positionals.length > 0) {
    throw new CliError('CLI_USAGE', `unexpected argument ${JSON.stringify(args.positionals[0])}`);
  }
  const model = values['model'];
  if (typeof model !== 'string' || !(model in COLUMNS)) {
    throw new CliError('CLI_USAGE', '--model must be one of bgnbd, pareto-nbd, gamma-gamma, bgbb');
  }
  const name = model as ClvModelName;
  const summary = values['summary'];
  const transactions = values['transactions'];
  if ((typeof summary === 'string') === (typeof transactions === 'string')) {
    throw new CliError('CLI_USAGE', 'give exactly one of --summary FILE or --transactions FILE');
  }
  const penalizer = values['penalizer'] === undefined ? 0 : Number(values['penalizer']);
  if (!Number.isFinite(penalizer) || penalizer < 0) {
    throw new CliError('CLI_USAGE', '--penalizer must be a number ≥ 0');
  }
  let rows: SummaryRow[];
  let timeUnit: ClvFitOutput['timeUnit'] = 'as given';
  if (typeof summary === 'string') {
    rows = await readSummaryCsv(summary, COLUMNS[name]);
  } else {
    if (name === 'bgbb') {
      throw new CliError('CLI_USAGE', 'bgbb needs a summary of discrete opportunities: use --summary FILE');
    }
    const unit = values['time-unit'] ?? 'weeks';
    if (unit !== 'days' && unit !== 'weeks')
      throw new CliError('CLI_USAGE', '--time-unit must be days or weeks');
    timeUnit = unit;
    const end = values['calibration-end'];
    if (typeof end !== 'string')
      throw new CliError('CLI_USAGE', '--transactions needs --calibration-end DATE');
    rows = await summarizeOrdersFile(String(transactions), end, unit, args, io);
  }
  const options = { penalizer };
  const fitted = fitModel(name, rows, options);
  const output: ClvFitOutput = {
    model: name,
    params: { ...fitted.params },
    logLikelihood: fitted.logLikelihood ?? Number.NaN,
    standardErrors: { ...(fitted.fit?.standardErrors ?? {}) },
    customers: fitted.fit?.customers ?? rows.length,
    distinctRows: fitted.fit?.distinctRows ?? rows.length,
    iterations: fitted.fit?.iterations ?? 0,
    timeUnit,
  };
  if (values['json'] === true) {
    io.stdout(`${JSON.stringify(output, null, 2)}\n`);
  } else {
    const lines = Object.entries(output.params).map(
      ([k, v]) =>
        `  ${k.padEnd(6)} ${v.toPrecision(6).padStart(12)}  (se ${(output.standardErrors[k] ?? Number.NaN).toPrecision(3)})`,
    );
    io.stdout(
      [
        `${name} fitted on ${output.customers.toLocaleString('en-US')} customers (${output.distinctRows.toLocaleString('en-US')} distinct rows, ${output.iterations} iterations)`,
        ...lines,
        `  log-likelihood ${output.logLikelihood.toFixed(4)}`,
        '',
      ].join('\n'),
    );
  }
  return 0;
}

function fitModel(name: ClvModelName, rows: readonly SummaryRow[], options: { penalizer: number }) {
  switch (name) {
    case 'bgnbd':
      return fitBgNbd(rows.map(rfmRow), options);
    case 'pareto-nbd':
      return fitParetoNbd(rows.map(rfmRow), options);
    case 'gamma-gamma':
      return fitGammaGamma(
        rows
          .filter((r) => (r.frequency ?? 0) > 0)
          .map(
            (r): SpendRow => ({
              frequency: r.frequency ?? 0,
              monetaryValue: r.monetary_value ?? 0,
              weight: r.weight,
            }),
          ),
        options,
      );
    case 'bgbb':
      return fitBgBb(
        rows.map(
          (r): BgBbRow => ({
            frequency: r.frequency ?? 0,
            recency: r.recency ?? 0,
            n: r.n ?? 0,
            weight: r.weight,
          }),
        ),
        options,
      );
  }
}

const rfmRow = (r: SummaryRow): RfmRow => ({
  frequency: r.frequency ?? 0,
  recency: r.recency ?? 0,
  T: r.T ?? 0,
  weight: r.weight,
});

async function summarizeOrdersFile(
  file: string,
  calibrationEnd: string,
  timeUnit: 'days' | 'weeks',
  args: ParsedArgs,
  io: CliIo,
): Promise<SummaryRow[]> {
  const transactions: Transaction[] = [];
  let rejected = 0;
  for await (const row of readOrdersCsv(file, ordersCsvOptions(args))) {
    if (!row.ok) {
      rejected++;
      io.stderr(`line ${row.line}: ${row.reason}\n`);
      continue;
    }
    transactions.push({
      customerId: row.order.customerId,
      date: row.order.placedAt,
      amount: row.order.total.amount,
    });
  }
  if (rejected > 0) io.stderr(`${rejected} row(s) rejected and left out of the fit\n`);
  return summarizeTransactions(transactions, { calibrationEnd, timeUnit, monetary: 'mean' }).map((s) => ({
    frequency: s.frequency,
    recency: s.recency,
    T: s.T,
    monetary_value: s.monetaryValue ?? 0,
    weight: 1,
  }));
}
