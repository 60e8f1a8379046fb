/**
 * Probabilistic customer-lifetime-value models — BG/NBD, Pareto/NBD,
 * Gamma-Gamma and BG/BB — fitted by maximum likelihood with analytic
 * gradients, compression of identical rows and standard errors; their
 * predictions (purchases, P(alive), spend); discounted CLV; and the summary
 * of raw transactions the models read.
 *
 * @packageDocumentation
 * @module @crmkit/clv
 */
export {
  type BgBbFitOptions,
  BgBbFitOptionsSchema,
  BgBbModel,
  type BgBbModelJson,
  BgBbModelJsonSchema,
  type BgBbParams,
  BgBbParamsSchema,
  fitBgBb,
} from './bg-bb';
export {
  type BgNbdFitOptions,
  BgNbdFitOptionsSchema,
  BgNbdModel,
  type BgNbdModelJson,
  BgNbdModelJsonSchema,
  type BgNbdParams,
  BgNbdParamsSchema,
  fitBgNbd,
  fitBgNbdColumns,
} from './bg-nbd';
export {
  type ClvOptions,
  ClvOptionsSchema,
  customerLifetimeValue,
  type SpendModel,
  type ValueRow,
} from './clv';
export { customerLifetimeValues, purchasePredictions, type ValueColumns } from './columns';
export { ClvError, type ClvErrorCode } from './errors';
export type { FitSummary } from './fit';
export {
  fitGammaGamma,
  fitGammaGammaColumns,
  type GammaGammaFitOptions,
  GammaGammaFitOptionsSchema,
  GammaGammaModel,
  type GammaGammaModelJson,
  GammaGammaModelJsonSchema,
  type GammaGammaParams,
  GammaGammaParamsSchema,
  type SpendHistory,
  SpendHistorySchema,
} from './gamma-gamma';
export type { PurchaseModel } from './model';
export {
  fitParetoNbd,
  type ParetoNbdFitOptions,
  ParetoNbdFitOptionsSchema,
  ParetoNbdModel,
  type ParetoNbdModelJson,
  ParetoNbdModelJsonSchema,
  type ParetoNbdParams,
  ParetoNbdParamsSchema,
  paretoNbdLogLikelihood,
} from './pareto-nbd';
export {
  type BgBbRow,
  BgBbRowSchema,
  type RfmRow,
  RfmRowSchema,
  type RowColumns,
  type SpendRow,
  SpendRowSchema,
} from './rows';
export {
  type CustomerSummary,
  type CustomerValueSummary,
  type SummarizeOptions,
  SummarizeOptionsSchema,
  summarizeTransactionStream,
  summarizeTransactions,
  type Transaction,
  TransactionSchema,
} from './summarize';
