/**
 * A JSON condition language compiled once into fast, explainable
 * predicates: `{ all }`, `{ any }`, `{ not }`, `{ ref }` and leaf comparisons
 * over dotted fact paths, with exact decimal and date semantics, plus rule
 * sets with priorities and payloads.
 *
 * @packageDocumentation
 * @module @crmkit/rules
 */
export { type CalendarParts, calendarDay, calendarParts, isAnniversary } from './calendar';
export { type CompiledCondition, compile } from './compile';
export { ConditionError, type ConditionIssue } from './errors';
export { type Explanation, formatExplanation } from './explanation';
export { compilePath, MISSING, readFact } from './facts';
export {
  compileRuleSet,
  evaluateRules,
  type FiredRule,
  RuleSchema,
  type RuleSet,
  type RuleSetInput,
  RuleSetSchema,
} from './rule-set';
export {
  type Condition,
  ConditionSchema,
  DurationSchema,
  type FactCondition,
  FactConditionSchema,
  FactRefSchema,
  OPERATORS,
  type Operator,
  ParamRefSchema,
  RefConditionSchema,
} from './schema';
export { type ConditionOptions, type ValidationResult, validateCondition } from './validate';
export { compareValues, equalValues, toInstant } from './values';
