/**
 * The CRM KPIs, exact and period-aware: customer counts, churn and
 * retention, repurchase, referral, conversion and complaint rates, cohort
 * retention, NPS, CSAT and CES, AOV, purchase frequency, inter-purchase
 * intervals, gross margin, Pareto concentration, CAC by channel, payback,
 * LTV:CAC, the simple CLV formulas and a what-if simulator. Every function
 * reads plain arrays or async streams (the storage ports) once; money stays
 * decimal; rates carry their numerator and denominator.
 *
 * @packageDocumentation
 * @module @crmkit/metrics
 */
export {
  type CustomerCounts,
  type CustomerCountsOptions,
  CustomerCountsOptionsSchema,
  churnRate,
  customerCounts,
  type LostDefinition,
  LostDefinitionSchema,
  retentionRate,
} from './activity';
export {
  type Acquisition,
  type AttributionOptions,
  AttributionOptionsSchema,
  attributeAcquisitions,
  type Cac,
  type CacByOptions,
  CacByOptionsSchema,
  cacBy,
  cacVsBenchmark,
  customerAcquisitionCost,
  ltvToCac,
  paybackPeriod,
  type Spend,
  type SpendInput,
  SpendSchema,
  spendFromCampaigns,
} from './cac';
export {
  type HistoricalClvOptions,
  HistoricalClvOptionsSchema,
  historicalClv,
  type RetentionClvInput,
  RetentionClvInputSchema,
  retentionClv,
  type SimpleClvInput,
  SimpleClvInputSchema,
  simpleClv,
} from './clv';
export { type CohortOptions, CohortOptionsSchema, type CohortRow, cohortRetention } from './cohorts';
export {
  type ComplaintRateOptions,
  ComplaintRateOptionsSchema,
  type ConversionRateOptions,
  ConversionRateOptionsSchema,
  complaintRate,
  conversionRate,
  type ReferralRateOptions,
  ReferralRateOptionsSchema,
  referralRate,
} from './engagement';
export {
  type IntervalStats,
  interPurchaseInterval,
  type PopulationIntervals,
  purchaseIntervals,
} from './intervals';
export {
  type AverageOrderValue,
  averageOrderValue,
  type GrossMargin,
  grossMarginContribution,
  type OrderKpiOptions,
  OrderKpiOptionsSchema,
  type PeriodKpis,
  type PeriodKpisOptions,
  PeriodKpisOptionsSchema,
  type PeriodOptions,
  PeriodOptionsSchema,
  periodKpis,
  periodKpisFromStorage,
  purchaseFrequency,
  repurchaseRate,
} from './kpis';
export {
  type CustomerValuesOptions,
  CustomerValuesOptionsSchema,
  customerValues,
  paretoCustomerShare,
  paretoShare,
} from './pareto';
export { paretoShareOfMinorUnits } from './pareto-units';
export {
  type CalendarBucket,
  type CalendarOptions,
  type CalendarOptionsInput,
  CalendarOptionsSchema,
  calendarBucket,
  calendarPeriods,
  inPeriod,
  type Period,
  type PeriodInput,
  PeriodSchema,
  parsePeriod,
} from './period';
export { isPurchase, orderCost, orderRevenue } from './purchases';
export { complement, type Rate, rate } from './rate';
export {
  type CesOptions,
  CesOptionsSchema,
  type CsatOptions,
  CsatOptionsSchema,
  customerEffortScore,
  customerSatisfaction,
  netPromoterScore,
  type ScoreScale,
  ScoreScaleSchema,
  surveyScores,
} from './scores';
export type { Source } from './source';
export { simulateWhatIf, type WhatIfInput, WhatIfInputSchema, type WhatIfProjection } from './what-if';
