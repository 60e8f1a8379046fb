/**
 * The crmkit domain and its ports: {@link Money}, the customer, order,
 * interaction and campaign schemas, typed errors, clocks and seeded
 * randomness, domain events, the storage ports and the in-memory adapter.
 *
 * @packageDocumentation
 * @module @crmkit/core
 */
export * from './campaign';
export * from './clock';
export * from './currency';
export * from './customer';
export * from './decimal';
export * from './errors';
export * from './events';
export * from './ids';
export * from './interaction';
export * from './json';
export * from './memory';
export * from './minor-units';
export * from './money';
export * from './order';
export * from './ports';
export * from './primitives';
export * from './random';
export * from './rows';
export * from './time-zone';
