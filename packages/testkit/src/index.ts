/**
 * Seeded generators of realistic CRM data — customers, orders from a
 * buy-till-you-die process, interactions and campaigns — and the
 * probability distributions behind them. The adapter conformance suite is
 * in the separate entry point `@crmkit/testkit/conformance`.
 *
 * @packageDocumentation
 * @module @crmkit/testkit
 */
export * from './distributions';
export * from './generators/index';
