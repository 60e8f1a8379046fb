/**
 * Churn early warning: per-customer indicators as of a date (with
 * explanations), threshold rules in levels written as `@crmkit/rules`
 * conditions with hysteresis and per-segment rules, calibration from
 * history, population alerts, level-change domain events, churn records
 * with a reason taxonomy, win-back playbooks with cooldowns, backtests,
 * and a streaming scan over core's storage with bounded memory.
 *
 * @packageDocumentation
 * @module @crmkit/churn
 */
export * from './assess';
export * from './backtest';
export {
  type CalibrationOptions,
  CalibrationOptionsSchema,
  type CalibrationResult,
  type CalibrationSample,
  type Confusion,
  calibrateThreshold,
  confusion,
  percentile,
  percentiles,
} from './calibrate';
export { ChurnConfigError, ChurnInputError } from './errors';
export * from './events';
export type { CustomerHistory, InteractionRecord, OrderRecord, PurchaseModel } from './history';
export {
  type ChurnIndicators,
  type CustomerIndicators,
  computeIndicators,
  type IndicatorExplanation,
  type IndicatorName,
  type IndicatorOptions,
  IndicatorOptionsSchema,
  type ResolvedIndicatorOptions,
  resolveIndicatorOptions,
} from './indicators';
export * from './playbooks';
export * from './population';
export * from './records';
export { type ChurnSource, groupHistories, storageSource } from './source';
export * from './thresholds';
