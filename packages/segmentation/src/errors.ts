import { CrmError, type ValidationIssue } from '@crmkit/core';

/**
 * The pairwise comparisons given to AHP are too inconsistent: their
 * consistency ratio reached the limit (0.1 unless told otherwise). Code
 * `AHP_INCONSISTENT`; `details` carries the ratio, the limit and λmax.
 *
 * @example
 * ```ts
 * try { ahpWeights(matrix); }
 * catch (e) { if (e instanceof InconsistentJudgementsError) console.log(e.consistencyRatio); }
 * ```
 */
export class InconsistentJudgementsError extends CrmError {
  /** CR = CI / RI of the matrix. */
  readonly consistencyRatio: number;
  /** The limit it reached. */
  readonly limit: number;

  constructor(consistencyRatio: number, limit: number, lambdaMax: number) {
    super(
      'AHP_INCONSISTENT',
      `pairwise comparisons are inconsistent: consistency ratio ${consistencyRatio.toFixed(4)} is not below ${limit}; revise the judgements or pass allowInconsistent`,
      { consistencyRatio, limit, lambdaMax },
    );
    this.consistencyRatio = consistencyRatio;
    this.limit = limit;
  }
}

/**
 * A segment definition changed without a new version, or a run was asked to
 * use a new version without saying so (`acceptNewVersions`). Code
 * `SEGMENT_VERSION`; `issues` name each definition by its path.
 *
 * @example
 * ```ts
 * try { compileSegments(definitions, { previous: lastRun.manifest }); }
 * catch (e) { if (e instanceof SegmentVersionError) console.log(e.issues.map((i) => i.message)); }
 * ```
 */
export class SegmentVersionError extends CrmError {
  /** Every version problem, with the path of the definition's `version`. */
  readonly issues: readonly ValidationIssue[];

  constructor(issues: readonly ValidationIssue[]) {
    super('SEGMENT_VERSION', `segment versions: ${issues.map((i) => i.message).join('; ')}`, { issues });
    this.issues = issues;
  }
}
