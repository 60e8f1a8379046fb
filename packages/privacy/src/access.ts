import { parseWith } from '@crmkit/core';
import { z } from 'zod';
import type { FieldClass } from './classification';
import { type Mask, MaskSchema } from './masking';

/**
 * The capabilities beyond reading and writing fields: subject rights,
 * consent, the audit trail, key rotation, bulk import, and — for plugins —
 * `pii.read` / `pii.write` (a plugin sees or changes decrypted sensitive
 * fields only with these, declared by the plugin and granted by the host).
 *
 * @example
 * ```ts
 * CapabilitySchema.parse('subject.export');
 * ```
 */
export const CapabilitySchema = z.enum([
  'pii.read',
  'pii.write',
  'subject.export',
  'subject.erase',
  'consent.write',
  'audit.read',
  'keys.rotate',
  'customers.import',
]);

/**
 * One capability (see {@link CapabilitySchema}).
 *
 * @example
 * ```ts
 * const c: Capability = 'audit.read';
 * ```
 */
export type Capability = z.infer<typeof CapabilitySchema>;

/**
 * What a role may do with one class of fields: `read` is `none` (withheld),
 * `masked` or `plain`; `write` allows creating and changing them. Shorthands:
 * `'none'`, `'masked'`, `'read'` (plain, no write), `'write'` (plain + write).
 *
 * @example
 * ```ts
 * FieldPermissionSchema.parse('masked'); // { read: 'masked', write: false }
 * FieldPermissionSchema.parse({ read: 'none', write: true }); // write-only, e.g. an import job
 * ```
 */
export const FieldPermissionSchema = z.union([
  z.enum(['none', 'masked', 'read', 'write']).transform((level) => ({
    read: level === 'read' || level === 'write' ? ('plain' as const) : level,
    write: level === 'write',
  })),
  z.object({ read: z.enum(['none', 'masked', 'plain']), write: z.boolean() }).strict(),
]);

/**
 * The parsed form of a field permission.
 *
 * @example
 * ```ts
 * const p: FieldPermission = { read: 'plain', write: false };
 * ```
 */
export type FieldPermission = z.output<typeof FieldPermissionSchema>;

const NONE: FieldPermission = { read: 'none', write: false };

/**
 * A role: a permission per field class (missing classes: none), its
 * capabilities, and the masks it sees masked fields through (by field path;
 * unnamed fields use {@link defaultMaskFor}).
 *
 * @example
 * ```ts
 * RoleSchema.parse({ fields: { public: 'write', internal: 'write', sensitive: 'masked' }, masks: { phone: 'redact' } });
 * ```
 */
export const RoleSchema = z
  .object({
    fields: z
      .object({
        public: FieldPermissionSchema.optional(),
        internal: FieldPermissionSchema.optional(),
        sensitive: FieldPermissionSchema.optional(),
      })
      .strict()
      .default({}),
    capabilities: z.array(CapabilitySchema).default([]),
    masks: z.record(z.string(), MaskSchema).default({}),
  })
  .strict();

/**
 * What {@link RoleSchema} accepts.
 *
 * @example
 * ```ts
 * const support: RoleInput = { fields: { public: 'read', internal: 'read', sensitive: 'masked' } };
 * ```
 */
export type RoleInput = z.input<typeof RoleSchema>;

/**
 * A parsed role.
 *
 * @example
 * ```ts
 * const role: Role = RoleSchema.parse({ capabilities: ['audit.read'] });
 * ```
 */
export type Role = z.output<typeof RoleSchema>;

/**
 * Who is acting: a person using the host application (`user`), a plugin, or
 * the application itself (`system`). Users and systems get capabilities
 * from their roles. A plugin gets field access from its roles, but its
 * capabilities are exactly those it `declared` in its manifest and the host
 * `granted`; without `pii.read` it sees sensitive fields masked at best,
 * without `pii.write` it cannot change them.
 *
 * @example
 * ```ts
 * ActorSchema.parse({ id: 'plugin:mailer', kind: 'plugin', roles: ['marketing'], declared: ['pii.read'], granted: ['pii.read'] });
 * ```
 */
export const ActorSchema = z
  .object({
    id: z.string().min(1),
    kind: z.enum(['user', 'plugin', 'system']).default('user'),
    roles: z.array(z.string().min(1)).default([]),
    declared: z.array(CapabilitySchema).default([]),
    granted: z.array(CapabilitySchema).default([]),
    purpose: z.string().min(1).optional(),
  })
  .strict();

/**
 * What {@link ActorSchema} accepts.
 *
 * @example
 * ```ts
 * const agent: ActorInput = { id: 'u42', roles: ['support'], purpose: 'ticket 981' };
 * ```
 */
export type ActorInput = z.input<typeof ActorSchema>;

/**
 * A parsed actor.
 *
 * @example
 * ```ts
 * const actor: Actor = ActorSchema.parse({ id: 'u1', roles: ['admin'] });
 * ```
 */
export type Actor = z.output<typeof ActorSchema>;

/**
 * The roles crmkit knows without configuration: `admin` (everything),
 * `service` (the default actor of a protected storage: reads and writes
 * public and internal fields, writes sensitive fields but reads them only as
 * withheld, and may import), `support` (sensitive fields masked),
 * `analyst` (no sensitive fields at all) and `plugin` (reads every class,
 * writes none: the host's default role for plugins, which see sensitive
 * fields plain only with `pii.read` declared and granted, masked otherwise).
 * Roles given to
 * {@link createProtectedStorage} are added to (and may replace) these.
 *
 * @example
 * ```ts
 * builtInRoles.support.fields.sensitive; // { read: 'masked', write: false }
 * ```
 */
export const builtInRoles: Readonly<Record<string, Role>> = {
  admin: RoleSchema.parse({
    fields: { public: 'write', internal: 'write', sensitive: 'write' },
    capabilities: CapabilitySchema.options,
  }),
  service: RoleSchema.parse({
    fields: { public: 'write', internal: 'write', sensitive: { read: 'none', write: true } },
    capabilities: ['customers.import', 'consent.write'],
  }),
  support: RoleSchema.parse({ fields: { public: 'read', internal: 'read', sensitive: 'masked' } }),
  analyst: RoleSchema.parse({ fields: { public: 'read', internal: 'read' } }),
  plugin: RoleSchema.parse({ fields: { public: 'read', internal: 'read', sensitive: 'read' } }),
};

const READ_ORDER = { none: 0, masked: 1, plain: 2 } as const;

/**
 * Decides what an actor may do, from its roles (and, for plugins, its
 * declared and granted capabilities). The host facade (`@crmkit/plugin-sdk`)
 * calls it for every operation it exposes; {@link ProtectedStorage.withAccess}
 * uses it on every customer read and write.
 *
 * @example
 * ```ts
 * const guard = createAccessGuard({ support: { fields: { sensitive: 'masked' } } });
 * guard.fieldPermission({ id: 'u1', roles: ['support'] }, 'sensitive'); // { read: 'masked', write: false }
 * guard.can({ id: 'u1', roles: ['support'] }, 'subject.export'); // false
 * ```
 */
export interface AccessGuard {
  /** The effective permission of an actor on one class of fields. */
  fieldPermission(actor: ActorInput, fieldClass: FieldClass): FieldPermission;
  /** Whether the actor holds a capability. */
  can(actor: ActorInput, capability: Capability): boolean;
  /** The mask an actor sees a masked field through. */
  maskFor(actor: ActorInput, field: string): Mask | undefined;
  /** The known roles. */
  readonly roles: Readonly<Record<string, Role>>;
}

/**
 * Creates an {@link AccessGuard} over the built-in roles plus `roles`.
 * Invalid roles throw `ValidationError`. An actor naming an unknown role gets
 * nothing from it (deny by default).
 *
 * @example
 * ```ts
 * const guard = createAccessGuard({ marketing: { fields: { internal: 'read', sensitive: 'read' } } });
 * guard.fieldPermission({ id: 'plugin:mailer', kind: 'plugin', roles: ['marketing'] }, 'sensitive');
 * // { read: 'masked', write: false }: the plugin did not declare and get 'pii.read'
 * ```
 */
export function createAccessGuard(roles: Readonly<Record<string, RoleInput>> = {}): AccessGuard {
  const parsedRoles = parseWith(z.record(z.string().min(1), RoleSchema), 'roles', roles);
  const all: Record<string, Role> = { ...builtInRoles, ...parsedRoles };
  // Views call the guard on every field of every read: parse each actor object once.
  const parsedActors = new WeakMap<object, Actor>();
  const actorOf = (input: ActorInput) => {
    let actor = input !== null && typeof input === 'object' ? parsedActors.get(input) : undefined;
    if (actor === undefined) {
      actor = parseWith(ActorSchema, 'actor', input);
      parsedActors.set(input, actor);
    }
    return actor;
  };
  const rolesOf = (actor: Actor) =>
    actor.roles.flatMap((name) => (all[name] === undefined ? [] : [all[name]]));
  // A plugin's capabilities are what it declared and the host granted; roles give it field access only.
  const holds = (actor: Actor, capability: Capability) =>
    actor.kind === 'plugin'
      ? actor.declared.includes(capability) && actor.granted.includes(capability)
      : rolesOf(actor).some((r) => r.capabilities.includes(capability));

  return {
    roles: all,
    can: (input, capability) => holds(actorOf(input), capability),
    fieldPermission(input, fieldClass) {
      const actor = actorOf(input);
      let read: FieldPermission['read'] = 'none';
      let write = false;
      for (const role of rolesOf(actor)) {
        const p = role.fields[fieldClass] ?? NONE;
        if (READ_ORDER[p.read] > READ_ORDER[read]) read = p.read;
        write ||= p.write;
      }
      if (actor.kind === 'plugin' && fieldClass === 'sensitive') {
        if (read === 'plain' && !holds(actor, 'pii.read')) read = 'masked';
        if (write && !holds(actor, 'pii.write')) write = false;
      }
      return { read, write };
    },
    maskFor(input, field) {
      for (const role of rolesOf(actorOf(input))) {
        const mask = role.masks[field];
        if (mask !== undefined) return mask;
      }
      return undefined;
    },
  };
}
