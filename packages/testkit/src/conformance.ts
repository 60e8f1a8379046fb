/**
 * The storage-adapter conformance suite (a vitest suite: import it only from
 * tests) and the deterministic records it uses.
 *
 * @packageDocumentation
 * @module @crmkit/testkit/conformance
 */
export {
  bulkCustomer,
  bulkCustomerOf,
  bulkEvent,
  bulkId,
  bulkInstant,
  bulkInteraction,
  bulkOrder,
  conformanceCampaign,
  conformanceCustomer,
  conformanceEvent,
  conformanceInteraction,
  conformanceOrder,
  paddedId,
} from './conformance/fixtures';
export { type ConformanceOptions, runAdapterConformance } from './conformance/index';
