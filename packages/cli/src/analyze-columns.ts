import type { AnalysisInput, AnalysisResult } from './analysis';
import { shapeAnalysis } from './analysis-report';
import { columnarParts } from './columnar-parts';
import type { OrderColumns } from './order-columns';

/**
 * The churn facts the columnar route computes, the order-based indicators of
 * `@crmkit/churn` (it has no interactions or refunds to read). Every fact
 * `ANALYZE_CHURN_RULES` reads must be one of them.
 *
 * @example
 * ```ts
 * COLUMNAR_CHURN_FACTS.includes('recencyRatio'); // true
 * ```
 */
export const COLUMNAR_CHURN_FACTS = [
  'orders',
  'tenureDays',
  'recencyDays',
  'medianIntervalDays',
  'recencyRatio',
  'recentOrders',
  'baselineOrders',
  'frequencyDropPct',
  'pAlive',
] as const;

/**
 * Runs the analysis of {@link analyzeStorage} over orders held in columns
 * (from {@link importOrderColumns}), in `input.currency`, reading the
 * columns once: the orders are grouped by customer in typed arrays, and one
 * pass over each customer's orders gives the RFM summary, the BTYD summary
 * for the CLV models, the churn facts and the cohort. The models, segments,
 * tiers, Pareto share and the report come from the same code and packages
 * as {@link analyzeStorage}, so both give the same report for the same
 * orders. Bad input is a `ValidationError` naming the field.
 *
 * @example
 * ```ts
 * const columns = await importOrderColumns('orders.csv');
 * const { report } = analyzeOrderColumns(columns, { file: 'orders.csv', asOf: new Date('2026-01-01T00:00:00Z'),
 *   currency: 'EUR', rows: { accepted: columns.acceptedRows, rejected: columns.rejects.length }, otherCurrencyOrders: 0 });
 * ```
 */
export function analyzeOrderColumns(columns: OrderColumns, raw: AnalysisInput): AnalysisResult {
  return shapeAnalysis(columnarParts({ columns }, raw));
}
