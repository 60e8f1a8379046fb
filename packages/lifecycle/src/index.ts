/**
 * A small, typed state-machine engine for customer lifecycles and service tickets: machine definitions
 * as JSON data checked when built, guards in the `@crmkit/rules` condition language, named effects for
 * the host, time-based transitions against an injected `now`, a pure explainable {@link transition}, a
 * storage-backed service with history, replay and bulk timer ticks, and the preset machines (customer
 * journey, relationship class, B2B account, service ticket).
 *
 * @packageDocumentation
 * @module @crmkit/lifecycle
 */
export {
  type DeepReadonly,
  type Delay,
  DelaySchema,
  delayToMs,
  type EffectDefinition,
  EffectSchema,
  type GuardCondition,
  GuardConditionSchema,
  type MachineDefinition,
  type MachineDefinitionInput,
  MachineDefinitionSchema,
  NameSchema,
  type StateDefinition,
  StateSchema,
  type TimerDefinition,
  TimerSchema,
  type TransitionDefinition,
  TransitionSchema,
} from './definition';
export { type DefinitionProblem, type DefinitionProblemCode, MachineDefinitionError } from './errors';
export {
  type HistoryEntry,
  HistoryEntrySchema,
  type ReplayDivergence,
  type ReplayResult,
  replay,
  TriggerSchema,
} from './history';
export {
  type CandidateExplanation,
  createMachine,
  type Effect,
  type EventOf,
  type GuardFacts,
  type GuardFunction,
  type Machine,
  type MachineEvent,
  type MachineOptions,
  type StateOf,
  type TransitionExplanation,
  type TransitionInfo,
  type TransitionResult,
} from './machine';
export { toMermaid } from './mermaid';
export {
  type B2bAccountOptions,
  B2bAccountOptionsSchema,
  b2bAccount,
  b2bAccountDefinition,
} from './presets/b2b-account';
export {
  type CustomerJourneyOptions,
  CustomerJourneyOptionsSchema,
  customerJourney,
  customerJourneyDefinition,
} from './presets/customer-journey';
export {
  type RelationshipOptions,
  RelationshipOptionsSchema,
  relationshipClass,
  relationshipClassDefinition,
} from './presets/relationship';
export {
  type ServiceTicketOptions,
  ServiceTicketOptionsSchema,
  serviceTicket,
  serviceTicketDefinition,
} from './presets/service-ticket';
export {
  createLifecycleService,
  type EntityState,
  type LifecycleService,
  type LifecycleServiceOptions,
  type RebuildResult,
  type RecordOptions,
  type SendOptions,
  type SendResult,
  type TickOptions,
  type TickSummary,
} from './service';
export {
  type AdvanceOptions,
  type AdvanceResult,
  advance,
  type DueTimer,
  dueTimers,
  type Snapshot,
  type TimerStep,
} from './timers';
export { type TransitionOptions, transition } from './transition';
