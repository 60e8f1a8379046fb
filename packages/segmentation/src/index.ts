/**
 * Who is who: RFM scores and segments, rule segments over any customer
 * facts, value tiers (quantiles, thresholds, target shares), ABC / Pareto
 * classes, attribute segments, k-means clustering, AHP-weighted value
 * scores, segment quality and transitions between runs — consistent,
 * explainable and streaming over millions of customers.
 *
 * @packageDocumentation
 * @module @crmkit/segmentation
 */
export { type AbcClassReport, type AbcOptions, AbcOptionsSchema, type AbcResult, abcClasses } from './abc';
export {
  type AhpOptions,
  AhpOptionsSchema,
  type AhpResult,
  ahpWeights,
  ComparisonMatrixSchema,
  SAATY_RANDOM_INDEX,
} from './ahp';
export {
  type AttributeCustomer,
  type AttributeSegmentation,
  AttributeSegmentationSchema,
  type AttributeSegments,
  segmentByAttribute,
  type UnknownAttribute,
} from './attributes';
export { type ChooseKOptions, ChooseKOptionsSchema, type ChooseKResult, chooseK } from './choose-k';
export {
  type ClusterOptions,
  ClusterOptionsSchema,
  type ClusterProfile,
  type ClusterResult,
  type ClusterRow,
  clusterCustomers,
} from './cluster-customers';
export { InconsistentJudgementsError, SegmentVersionError } from './errors';
export { type CustomerFacts, customerFacts } from './facts';
export { type KMeansOptions, KMeansOptionsSchema, type KMeansResult, kMeans } from './kmeans';
export {
  type SegmentedRow,
  type SegmentQuality,
  type SegmentQualityOptions,
  SegmentQualityOptionsSchema,
  segmentQuality,
} from './quality';
export type { ScoreBand, TieRule } from './quantiles';
export {
  type RfmCustomer,
  type RfmOptions,
  RfmOptionsSchema,
  type RfmResult,
  type RfmScaleReport,
  RfmScaleSchema,
  scoreRfm,
} from './rfm';
export { type DimensionExplanation, explainRfm, type RfmExplanation } from './rfm-explain';
export {
  DEFAULT_RFM_SEGMENTS,
  type RfmSegmentMap,
  type RfmSegmentMapInput,
  RfmSegmentMapSchema,
  RfmSegmentRuleSchema,
  ScoreRangeSchema,
} from './rfm-segments';
export {
  type CompiledSegments,
  type CompileSegmentsOptions,
  CompileSegmentsOptionsSchema,
  compileSegments,
  type MembershipExplanation,
  type SegmentDefinition,
  SegmentDefinitionSchema,
  type SegmentManifest,
  SegmentManifestSchema,
} from './rule-segments';
export {
  type CustomerMetrics,
  type CustomerSegmentation,
  runSegmentation,
  type SegmentationRun,
  type SegmentationRunInput,
} from './run';
export { type Scaling, type ScalingParameters, ScalingSchema } from './scaling';
export {
  type SilhouetteOptions,
  SilhouetteOptionsSchema,
  type SilhouetteResult,
  silhouette,
} from './silhouette';
export type { Source } from './source';
export {
  type CustomerSummaries,
  type CustomerSummary,
  CustomerSummaryRowSchema,
  customerSummaries,
  type SummarizeOptions,
  SummarizeOptionsSchema,
  summarizeOrders,
} from './summaries';
export {
  assignTiers,
  PORTFOLIO_TIERS,
  type TierAssignment,
  type TierItem,
  type TierReport,
  type TierResult,
  type TierSpec,
  TierSpecSchema,
  VALUE_CLASSES,
  VIP_CLASSES,
} from './tiers';
export { type SegmentAssignments, type SegmentTransitions, segmentTransitions } from './transitions';
export {
  type CustomerScore,
  type IndicatorRow,
  scoreCustomers,
  type WeightedScoreResult,
  type WeightedScoreSpec,
  WeightedScoreSpecSchema,
} from './weighted-score';
