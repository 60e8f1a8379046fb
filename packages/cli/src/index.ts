/**
 * The `crmkit` command line: import a CSV of orders, analyse the customers,
 * fit CLV models and generate sample data. Everything the commands do is
 * also available as functions.
 *
 * @packageDocumentation
 * @module @crmkit/cli
 */

export * from './analysis';
export * from './analyze-columns';
export * from './commands/analyze';
export * from './commands/clv-fit';
export * from './commands/generate';
export * from './errors';
export * from './import-orders';
export * from './io';
export * from './order-columns';
export * from './orders-csv';
export * from './progress';
export * from './report/files';
export { renderReportHtml } from './report/html';
export * from './report/schema';
export * from './run';
export * from './storage';
export * from './summary-csv';
