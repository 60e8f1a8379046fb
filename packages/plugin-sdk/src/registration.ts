import type { DomainEventType } from '@crmkit/core';
import type { AccessPolicy, Capability } from './capabilities';
import { PluginConfigError, PluginRegistrationError } from './errors';
import type { Logger } from './logger';
import type { AnyPlugin, AnyPluginInstance, EventHandler } from './plugin';
import { SDK_VERSION, satisfiesRange } from './version';

/** Emits of a handler or job get idempotency keys derived from this scope. */
export type Emitter = { key: string; n: number } | undefined;

export interface Registered {
  readonly name: string;
  readonly version: string;
  readonly plugin: AnyPlugin;
  readonly config: unknown;
  readonly granted: Set<Capability>;
  /** Declared capabilities the policy refused, with its reason. */
  readonly refused: Map<Capability, string>;
  readonly handlers: Map<string, EventHandler<DomainEventType>[]>;
  api: unknown;
  scope: Emitter;
}

/**
 * Checks every plugin (unique name, SDK range, config, `requires` with versions, no cycles), asks the
 * access policy for each declared capability, and returns the plugins in dependency order.
 */
export function register(
  instances: readonly AnyPluginInstance[],
  policy: AccessPolicy,
  logger: Logger,
): Registered[] {
  const seen = new Map<string, Registered>();
  for (const instance of instances) {
    const { definition } = instance.plugin;
    const name = definition.name;
    if (seen.has(name)) throw new PluginRegistrationError(name, 'duplicate', 'is registered twice');
    if (!satisfiesRange(SDK_VERSION, definition.sdk)) {
      throw new PluginRegistrationError(
        name,
        'sdk-version',
        `supports SDK ${definition.sdk}, but this host implements SDK ${SDK_VERSION}; use a version of the plugin built for SDK ${SDK_VERSION}`,
        { supported: definition.sdk, sdk: SDK_VERSION },
      );
    }
    const parsed = definition.configSchema.safeParse(instance.config);
    if (!parsed.success) throw PluginConfigError.fromZod(name, parsed.error);
    const granted = new Set<Capability>();
    const refused = new Map<Capability, string>();
    for (const capability of definition.capabilities ?? []) {
      const decision = policy.decide({ plugin: name, version: definition.version, capability });
      if (decision.granted) granted.add(capability);
      else {
        refused.set(capability, decision.reason);
        logger.warn('capability not granted', { plugin: name, capability, reason: decision.reason });
      }
    }
    seen.set(name, {
      name,
      version: definition.version,
      plugin: instance.plugin,
      config: parsed.data,
      granted,
      refused,
      handlers: new Map(),
      api: undefined,
      scope: undefined,
    });
  }
  for (const r of seen.values()) {
    for (const [dep, range] of Object.entries(r.plugin.definition.requires ?? {})) {
      const found = seen.get(dep);
      if (!found)
        throw new PluginRegistrationError(
          r.name,
          'missing-dependency',
          `requires plugin ${JSON.stringify(dep)} (${range}), which is not registered`,
          { dependency: dep, range },
        );
      if (!satisfiesRange(found.version, range)) {
        throw new PluginRegistrationError(
          r.name,
          'dependency-version',
          `requires ${dep} ${range}, but ${dep} ${found.version} is registered`,
          { dependency: dep, range, found: found.version },
        );
      }
    }
  }
  // Depth-first topological order, keeping the given order where dependencies allow.
  const order: Registered[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (r: Registered, path: string[]) => {
    if (state.get(r.name) === 'done') return;
    if (state.get(r.name) === 'visiting') {
      throw new PluginRegistrationError(
        r.name,
        'dependency-cycle',
        `dependency cycle: ${[...path, r.name].join(' -> ')}`,
        { cycle: [...path, r.name] },
      );
    }
    state.set(r.name, 'visiting');
    for (const dep of Object.keys(r.plugin.definition.requires ?? {}))
      visit(seen.get(dep)!, [...path, r.name]);
    state.set(r.name, 'done');
    order.push(r);
  };
  for (const r of seen.values()) visit(r, []);
  return order;
}
