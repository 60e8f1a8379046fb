import { type Clock, parseWith, ValidationError, type ValidationIssue } from '@crmkit/core';
import {
  type CompiledCondition,
  type Condition,
  type ConditionOptions,
  compile,
  type Explanation,
  validateCondition,
} from '@crmkit/rules';
import { z } from 'zod';
import { SegmentVersionError } from './errors';
import { canonicalJson, fingerprint } from './fingerprint';

/**
 * A rule segment as JSON: a stable `id`, a display `name`, a `version`
 * (a whole number, raised whenever the meaning changes), and `when`, a
 * `@crmkit/rules` condition over the customer's facts (see
 * `customerFacts` for the paths). Definitions are tried in order; a
 * customer may belong to several.
 *
 * @example
 * ```ts
 * SegmentDefinitionSchema.parse({
 *   id: 'vip-at-risk', name: 'VIPs at risk', version: 2,
 *   when: { all: [{ fact: 'tier', op: 'eq', value: 'strategic' }, { fact: 'rfm.r', op: 'lte', value: 2 }] },
 * });
 * ```
 */
export const SegmentDefinitionSchema = z
  .object({
    id: z
      .string()
      .regex(
        /^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/,
        'must be 1–100 letters, digits, . _ : - (starting with a letter or digit)',
      ),
    name: z.string().min(1, 'must not be empty'),
    version: z.number().int('must be a whole number').positive('must be at least 1'),
    description: z.string().optional(),
    when: z.custom<Condition>((v) => typeof v === 'object' && v !== null, {
      error: 'must be a condition object',
    }),
  })
  .strict();

/**
 * A validated segment definition.
 *
 * @example
 * ```ts
 * const d: SegmentDefinition = SegmentDefinitionSchema.parse(json);
 * ```
 */
export type SegmentDefinition = z.output<typeof SegmentDefinitionSchema>;

/**
 * What a run used: every definition's id, version and a fingerprint of its
 * meaning (name, condition and the refs and params it uses). Store it with
 * the run's results and pass it as `previous` next time, so a definition
 * that changed without a new version is caught. Plain JSON, validated when
 * read back.
 *
 * @example
 * ```ts
 * const manifest = SegmentManifestSchema.parse(JSON.parse(stored));
 * compileSegments(definitions, { previous: manifest });
 * ```
 */
export const SegmentManifestSchema = z
  .object({
    segments: z.array(
      z
        .object({
          id: z.string().min(1, 'must not be empty'),
          version: z.number().int('must be a whole number').positive('must be at least 1'),
          fingerprint: z.string().regex(/^[0-9a-f]{14}$/, 'must be 14 hex digits (from a manifest)'),
        })
        .strict(),
    ),
  })
  .strict();

/**
 * A manifest (see {@link SegmentManifestSchema}).
 *
 * @example
 * ```ts
 * const manifest: SegmentManifest = { segments: [{ id: 'vip', version: 1, fingerprint: '0a1b2c3d4e5f60' }] };
 * ```
 */
export type SegmentManifest = z.infer<typeof SegmentManifestSchema>;

/**
 * Options of {@link compileSegments}: the `@crmkit/rules` options shared by
 * every definition (named `refs`, `params`, the `clock` and `timeZone` that
 * date operators need), and the version check against a `previous`
 * manifest (`acceptNewVersions` makes re-running with a newer version
 * deliberate).
 *
 * @example
 * ```ts
 * CompileSegmentsOptionsSchema.parse({ refs: { active: { fact: 'rfm.r', op: 'gte', value: 3 } }, acceptNewVersions: true });
 * ```
 */
export const CompileSegmentsOptionsSchema = z
  .object({
    refs: z.record(z.string(), z.unknown()).optional(),
    params: z.record(z.string(), z.unknown()).optional(),
    clock: z
      .custom<Clock>((v) => typeof (v as Clock | null)?.now === 'function', {
        error: 'must be a Clock (an object with now())',
      })
      .optional(),
    timeZone: z.string().min(1).optional(),
    previous: SegmentManifestSchema.optional(),
    acceptNewVersions: z.boolean().optional(),
  })
  .strict();

/**
 * What {@link CompileSegmentsOptionsSchema} accepts.
 *
 * @example
 * ```ts
 * const options: CompileSegmentsOptions = { refs: { active: { fact: 'rfm.r', op: 'gte', value: 3 } }, previous: lastRun.manifest };
 * ```
 */
export type CompileSegmentsOptions = z.input<typeof CompileSegmentsOptionsSchema>;

/**
 * Why a customer is or is not in a segment: the `@crmkit/rules`
 * explanation of its condition (every clause, the value it saw, whether it
 * held).
 *
 * @example
 * ```ts
 * const why: MembershipExplanation = segments.explain(facts)[0]!;
 * console.log(why.id, why.member, formatExplanation(why.explanation));
 * ```
 */
export interface MembershipExplanation {
  /** The segment. */
  readonly id: string;
  /** Its version. */
  readonly version: number;
  /** Whether the customer belongs to it. */
  readonly member: boolean;
  /** Clause by clause. */
  readonly explanation: Explanation;
}

/**
 * Rule segments compiled once: test a customer's facts against every
 * definition, or explain the decision.
 *
 * @example
 * ```ts
 * const segments: CompiledSegments = compileSegments(definitions);
 * segments.evaluate(customerFacts({ customer, rfm })); // ['vip-at-risk']
 * ```
 */
export interface CompiledSegments {
  /** The definitions, validated, in order. */
  readonly definitions: readonly SegmentDefinition[];
  /** Ids, versions and fingerprints, to store with the run. */
  readonly manifest: SegmentManifest;
  /** The ids of the segments the facts satisfy, in definition order (a shared, frozen array per combination). */
  evaluate(facts: unknown): readonly string[];
  /** Every definition's decision for these facts, explained. */
  explain(facts: unknown): readonly MembershipExplanation[];
}

/**
 * Validates and compiles segment definitions (JSON) once per run. Every
 * problem is reported at once as `ValidationError`, paths starting at the
 * definition's index (`[2, 'when', 'all', 0, 'op']`; problems inside a
 * shared ref start with `['refs', name]`). With `previous`, versions are
 * checked: a definition whose meaning changed without a new version, one
 * older than before, or a newer one without `acceptNewVersions` throws
 * {@link SegmentVersionError}. Bad options (a `previous` manifest that is
 * not one, say) throw `ValidationError` with paths such as
 * `['previous', 'segments', 0, 'version']`.
 *
 * @example
 * ```ts
 * const segments = compileSegments([
 *   { id: 'big-spenders', name: 'Big spenders', version: 1, when: { fact: 'rfm.m', op: 'eq', value: 5 } },
 *   { id: 'b2b-retail', name: 'Retail accounts', version: 1,
 *     when: { all: [{ fact: 'customer.kind', op: 'eq', value: 'account' }, { fact: 'customer.attributes.industry', op: 'eq', value: 'retail' }] } },
 * ]);
 * segments.evaluate({ rfm: { m: 5 }, customer: { kind: 'person' } }); // ['big-spenders']
 * ```
 */
export function compileSegments(
  definitions: readonly unknown[],
  rawOptions: CompileSegmentsOptions = {},
): CompiledSegments {
  const options = parseWith(CompileSegmentsOptionsSchema, 'segment options', rawOptions);
  const ruleOptions = {
    ...(options.refs === undefined ? {} : { refs: options.refs }),
    ...(options.params === undefined ? {} : { params: options.params }),
    ...(options.clock === undefined ? {} : { clock: options.clock }),
    ...(options.timeZone === undefined ? {} : { timeZone: options.timeZone }),
  };
  const parsed = parseDefinitions(definitions, ruleOptions);
  const manifest: SegmentManifest = {
    segments: parsed.map((d) => ({ id: d.id, version: d.version, fingerprint: meaningOf(d, options) })),
  };
  if (options.previous !== undefined)
    checkVersions(manifest, options.previous, options.acceptNewVersions === true);
  const compiled: CompiledCondition[] = parsed.map((d) => compile(d.when, ruleOptions));
  const tests = compiled.map((c) => c.test);
  const ids = parsed.map((d) => d.id);
  const interned = new Map<number | string, readonly string[]>();
  const empty: readonly string[] = Object.freeze([]);
  const intern = (key: number | string, members: () => string[]) => {
    let shared = interned.get(key);
    if (shared === undefined) {
      shared = Object.freeze(members());
      interned.set(key, shared);
    }
    return shared;
  };
  return {
    definitions: parsed,
    manifest,
    evaluate(facts) {
      if (tests.length <= 30) {
        let mask = 0;
        for (let i = 0; i < tests.length; i++) if (tests[i]!(facts)) mask |= 1 << i;
        if (mask === 0) return empty;
        return intern(mask, () => ids.filter((_, i) => (mask & (1 << i)) !== 0));
      }
      let key = '';
      for (let i = 0; i < tests.length; i++) if (tests[i]!(facts)) key += `${i},`;
      if (key === '') return empty;
      return intern(key, () =>
        key
          .slice(0, -1)
          .split(',')
          .map((i) => ids[Number(i)]!),
      );
    },
    explain(facts) {
      return compiled.map((c, i) => {
        const explanation = c.explain(facts);
        return { id: ids[i]!, version: parsed[i]!.version, member: explanation.held, explanation };
      });
    },
  };
}

function parseDefinitions(definitions: readonly unknown[], options: ConditionOptions): SegmentDefinition[] {
  if (!Array.isArray(definitions) || definitions.length === 0) {
    throw new ValidationError('segment definitions', [
      { path: [], message: 'must be a non-empty array of definitions', code: 'invalid_type' },
    ]);
  }
  const issues: ValidationIssue[] = [];
  const parsed: SegmentDefinition[] = [];
  const ids = new Set<string>();
  const refIssues = new Set<string>();
  definitions.forEach((raw, i) => {
    const id = (raw as { id?: unknown } | null)?.id;
    if (typeof id === 'string') {
      if (ids.has(id)) issues.push({ path: [i, 'id'], message: 'duplicate segment id', code: 'custom' });
      ids.add(id);
    }
    const result = SegmentDefinitionSchema.safeParse(raw);
    if (!result.success) {
      for (const issue of result.error.issues) {
        issues.push({
          path: [i, ...(issue.path as (string | number)[])],
          message: issue.message,
          code: issue.code,
        });
      }
      return;
    }
    const definition = result.data;
    const checked = validateCondition(definition.when, options);
    if (!checked.ok) {
      for (const issue of checked.issues) {
        const inRef = issue.path[0] === 'refs';
        const path = inRef ? [...issue.path] : [i, 'when', ...issue.path];
        const key = JSON.stringify([path, issue.message]);
        if (inRef && refIssues.has(key)) continue;
        refIssues.add(key);
        issues.push({ path, message: issue.message, code: 'invalid_condition' });
      }
    }
    parsed.push(definition);
  });
  if (issues.length > 0) throw new ValidationError('segment definitions', issues);
  return parsed;
}

function meaningOf(definition: SegmentDefinition, options: ParsedOptions): string {
  const refs: Record<string, unknown> = {};
  const params: Record<string, unknown> = {};
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      node.forEach(visit);
      return;
    }
    if (node === null || typeof node !== 'object') return;
    const record = node as Record<string, unknown>;
    if (typeof record['ref'] === 'string' && !(record['ref'] in refs)) {
      refs[record['ref']] = options.refs?.[record['ref']];
      visit(refs[record['ref']]);
    }
    if (typeof record['param'] === 'string') params[record['param']] = options.params?.[record['param']];
    for (const value of Object.values(record)) visit(value);
  };
  visit(definition.when);
  return fingerprint(canonicalJson({ name: definition.name, when: definition.when, refs, params }));
}

function checkVersions(current: SegmentManifest, previous: SegmentManifest, acceptNew: boolean): void {
  const before = new Map((previous?.segments ?? []).map((s) => [s.id, s]));
  const issues: ValidationIssue[] = [];
  current.segments.forEach((segment, i) => {
    const old = before.get(segment.id);
    if (old === undefined) return;
    const path = [i, 'version'];
    if (segment.version === old.version && segment.fingerprint !== old.fingerprint) {
      issues.push({
        path,
        message: `segment ${segment.id} changed but is still version ${segment.version}: raise its version`,
        code: 'version_not_raised',
      });
    } else if (segment.version < old.version) {
      issues.push({
        path,
        message: `segment ${segment.id} is version ${segment.version}, older than the previous run's ${old.version}`,
        code: 'version_older',
      });
    } else if (segment.version > old.version && !acceptNew) {
      issues.push({
        path,
        message: `segment ${segment.id} is version ${segment.version}, the previous run used ${old.version}: pass acceptNewVersions to re-run with it`,
        code: 'version_not_accepted',
      });
    }
  });
  if (issues.length > 0) throw new SegmentVersionError(issues);
}

type ParsedOptions = z.output<typeof CompileSegmentsOptionsSchema>;
