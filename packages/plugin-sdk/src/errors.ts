import { CrmError, type ValidationIssue } from '@crmkit/core';
import type { z } from 'zod';

/**
 * A plugin's config does not fit its `configSchema`. Thrown when the host
 * registers the plugin (in `createCrm`), before any plugin runs. `plugin` names
 * the plugin and every issue carries the path of the bad config field.
 *
 * @example
 * ```ts
 * try { await createCrm({ clock, plugins: [loyalty({ pointsPerUnit: -1 })] }); }
 * catch (e) { if (e instanceof PluginConfigError) console.log(e.plugin, e.issues[0]?.path); } // 'loyalty' ['pointsPerUnit']
 * ```
 */
export class PluginConfigError extends CrmError {
  /** The plugin whose config was rejected. */
  readonly plugin: string;
  /** Every problem found, each with the path of its config field. */
  readonly issues: readonly ValidationIssue[];

  constructor(plugin: string, issues: readonly ValidationIssue[]) {
    const summary = issues
      .slice(0, 5)
      .map((i) => `config.${i.path.join('.')}: ${i.message}`)
      .join('; ');
    super('PLUGIN_CONFIG', `plugin ${JSON.stringify(plugin)} has an invalid config: ${summary}`, {
      plugin,
      issues,
    });
    this.plugin = plugin;
    this.issues = issues;
  }

  /**
   * Wraps a zod error, keeping every issue path.
   *
   * @example
   * ```ts
   * const r = schema.safeParse(config);
   * if (!r.success) throw PluginConfigError.fromZod('loyalty', r.error);
   * ```
   */
  static fromZod(plugin: string, error: z.ZodError): PluginConfigError {
    return new PluginConfigError(
      plugin,
      error.issues.map((issue) => ({
        path: issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p)),
        message: issue.message,
        code: issue.code,
      })),
    );
  }
}

/**
 * Why the host refused to register a plugin.
 *
 * @example
 * ```ts
 * const reason: RegistrationProblem = 'sdk-version';
 * ```
 */
export type RegistrationProblem =
  | 'duplicate'
  | 'sdk-version'
  | 'missing-dependency'
  | 'dependency-version'
  | 'dependency-cycle'
  | 'setup-failed';

/**
 * The host refused a plugin: a second plugin with the same name, an SDK range
 * that does not include this SDK, a missing or incompatible required plugin,
 * a dependency cycle, or a `setup` that threw. Code `PLUGIN_REGISTRATION`;
 * `problem` tells which.
 *
 * @example
 * ```ts
 * catch (e) { if (e instanceof PluginRegistrationError && e.problem === 'sdk-version') console.error(e.message); }
 * ```
 */
export class PluginRegistrationError extends CrmError {
  /** The plugin that was refused. */
  readonly plugin: string;
  /** What was wrong. */
  readonly problem: RegistrationProblem;

  constructor(
    plugin: string,
    problem: RegistrationProblem,
    message: string,
    details: Record<string, unknown> = {},
    options?: ErrorOptions,
  ) {
    super(
      'PLUGIN_REGISTRATION',
      `plugin ${JSON.stringify(plugin)}: ${message}`,
      { plugin, problem, ...details },
      options,
    );
    this.plugin = plugin;
    this.problem = problem;
  }
}

/**
 * A plugin used a capability it did not declare or the host's
 * {@link AccessPolicy} did not grant. Code `CAPABILITY_DENIED`.
 *
 * @example
 * ```ts
 * await ctx.customers.get('c1'); // throws CapabilityDeniedError unless 'customers:read' was declared and granted
 * ```
 */
export class CapabilityDeniedError extends CrmError {
  /** The plugin that asked. */
  readonly plugin: string;
  /** The capability it lacked. */
  readonly capability: string;

  constructor(plugin: string, capability: string, reason: string) {
    super(
      'CAPABILITY_DENIED',
      `plugin ${JSON.stringify(plugin)} may not use ${JSON.stringify(capability)}: ${reason}`,
      { plugin, capability, reason },
    );
    this.plugin = plugin;
    this.capability = capability;
  }
}

/**
 * A single-customer profiling query (`crm.clv.forCustomer`) was refused
 * because the host enforces consent and the customer has not consented to
 * the purpose it needs (`profiling`) at the time of the call. Code
 * `CONSENT_REQUIRED`; the refusal is logged and, under privacy, audited.
 *
 * @example
 * ```ts
 * try { await crm.clv.forCustomer('c1', models); }
 * catch (e) { if (e instanceof ConsentRequiredError) console.log(e.customerId, e.purpose); } // 'c1' 'profiling'
 * ```
 */
export class ConsentRequiredError extends CrmError {
  /** The customer without consent. */
  readonly customerId: string;
  /** The purpose the operation needs. */
  readonly purpose: string;

  constructor(customerId: string, purpose: string, action: string) {
    super(
      'CONSENT_REQUIRED',
      `${action} needs ${JSON.stringify(purpose)} consent, which customer ${JSON.stringify(customerId)} has not given`,
      { customerId, purpose, action },
    );
    this.customerId = customerId;
    this.purpose = purpose;
  }
}
