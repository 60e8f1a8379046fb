/**
 * The crmkit host and plugin SDK: `createCrm` wires storage, clock and
 * plugins into the facade an app uses, with durable, ordered, at-least-once
 * event delivery to plugins (retries, dead letters, replay), CLV queries,
 * and — over a `@crmkit/privacy` protected storage — encryption, role checks
 * per caller (`crm.as(actor)`) and audited, capability-gated PII for
 * plugins, and consent enforced for profiling and customer messages;
 * `definePlugin` makes a plugin small, typed, capability-gated and
 * testable with `createTestHost`.
 *
 * @packageDocumentation
 * @module @crmkit/plugin-sdk
 */
export {
  type AccessDecision,
  type AccessPolicy,
  type AccessRequest,
  type AccessUse,
  allowList,
  type Capability,
  CapabilitySchema,
  grantDeclared,
  PII_FIELDS,
  type RedactedCustomer,
  redactCustomer,
} from './capabilities';
export {
  type ClvFitOptions,
  ClvFitOptionsSchema,
  type ClvModels,
  ClvModelsSchema,
  type ClvQueries,
  type CustomerValue,
  type CustomerValueOptions,
  CustomerValueOptionsSchema,
} from './clv';
export { decodePayload, encodePayload } from './codec';
export {
  type ConsentCheckOptions,
  type ConsentMode,
  ConsentModeSchema,
  type PluginConsent,
} from './consent';
export {
  builtInContributionKinds,
  ChurnPlaybookContributionSchema,
  type Contribution,
  type ContributionKind,
  type ContributionMap,
  type ContributionRegistry,
  EarningRuleContributionSchema,
  LifecycleMachineContributionSchema,
  SegmentContributionSchema,
} from './contributions';
export {
  type Crm,
  type CrmActions,
  type CrmOptions,
  CrmOptionsSchema,
  type DeadLetters,
  type EventListener,
  type RefundInput,
  type SegmentMembership,
} from './crm';
export {
  backoffDelay,
  type DeadLetter,
  type DeliveryStatus,
  OUTBOX_STREAM,
  type RetryPolicy,
  RetryPolicySchema,
  type Scheduler,
  timerScheduler,
} from './delivery';
export {
  CapabilityDeniedError,
  ConsentRequiredError,
  PluginConfigError,
  PluginRegistrationError,
  type RegistrationProblem,
} from './errors';
export { type CustomerStats, customerStats } from './facts';
export { createCrm } from './host';
export { createMemoryLogger, type LogEntry, type Logger, type MemoryLogger, silentLogger } from './logger';
export {
  type AnyPlugin,
  type AnyPluginInstance,
  definePlugin,
  type EmitOptions,
  type EventHandler,
  type HandlerMeta,
  type Plugin,
  type PluginApi,
  type PluginContext,
  type PluginCustomer,
  type PluginDefinition,
  type PluginInstance,
  type PluginStorage,
  type RecordReader,
} from './plugin';
export { ChurnAlertConfigSchema, type ChurnRunSummary, churnAlertPlugin } from './plugins/churn-alert';
export {
  type EndpointResult,
  type LoyaltyAccountView,
  type LoyaltyPluginConfig,
  LoyaltyPluginConfigSchema,
  loyaltyPlugin,
} from './plugins/loyalty';
export { grantDeclaredWithoutPii, type PrivacyOptions, PrivacyOptionsSchema } from './privacy';
export { createTestHost, type TestHost, type TestHostOptions } from './test-host';
export { isVersion, isVersionRange, SDK_VERSION, satisfiesRange } from './version';
