import { createCipheriv, createDecipheriv } from 'node:crypto';
import { parseWith } from '@crmkit/core';
import { z } from 'zod';
import { DecryptionError, KeyNotFoundError } from './errors';
import { cryptoRandomBytes, type RandomBytes } from './random-bytes';

/**
 * A request to wrap (encrypt) or unwrap a data key under a master key, with
 * an encryption context that must match on unwrap (like AWS KMS
 * `EncryptionContext` or GCP KMS `additionalAuthenticatedData`).
 *
 * @example
 * ```ts
 * const request: WrapRequest = { keyId: 'master-1', data: dataKey, context: { customerId: 'c1' } };
 * ```
 */
export interface WrapRequest {
  /** The master key id. */
  readonly keyId: string;
  /** The bytes to wrap (a data key) or unwrap (a wrapped data key). */
  readonly data: Uint8Array;
  /** Bound to the wrapped bytes; unwrapping with another context fails. */
  readonly context: Readonly<Record<string, string>>;
}

/**
 * Where master keys live: the KMS-style, async interface crmkit encrypts
 * per-customer data keys with. Master keys never need to leave the provider:
 * an implementation over AWS KMS, GCP KMS, Azure Key Vault or Vault Transit
 * forwards `wrapKey`/`unwrapKey` to the service's encrypt/decrypt calls.
 * {@link createStaticKeyProvider} implements it in process for development.
 *
 * @example
 * ```ts
 * const kms: KeyProvider = {
 *   activeKeyId: async () => 'projects/p/keys/crm',
 *   wrapKey: async (r) => (await client.encrypt({ name: r.keyId, plaintext: r.data, additionalAuthenticatedData: ctx(r) })).ciphertext,
 *   unwrapKey: async (r) => (await client.decrypt({ name: r.keyId, ciphertext: r.data, additionalAuthenticatedData: ctx(r) })).plaintext,
 * };
 * ```
 */
export interface KeyProvider {
  /** The master key new data keys are wrapped under. */
  activeKeyId(): Promise<string>;
  /** Encrypts a data key under a master key. */
  wrapKey(request: WrapRequest): Promise<Uint8Array>;
  /** Decrypts a wrapped data key; throws if the key id is unknown or the context differs. */
  unwrapKey(request: WrapRequest): Promise<Uint8Array>;
}

const KeyBytesSchema = z.union([
  z
    .custom<Uint8Array>((k) => k instanceof Uint8Array, 'must be bytes')
    .refine((k) => k.length === 32, 'must be 32 bytes (AES-256)'),
  z
    .string()
    .refine((k) => Buffer.from(k, 'base64').length === 32, 'must be 32 bytes (AES-256) in base64')
    .transform((k) => new Uint8Array(Buffer.from(k, 'base64'))),
]);

/**
 * Options of {@link createStaticKeyProvider}: master keys by id (32 bytes, or
 * base64), the active one, and optionally where IVs come from.
 *
 * @example
 * ```ts
 * StaticKeyProviderOptionsSchema.parse({ keys: { k1: base64Key }, activeKeyId: 'k1' });
 * ```
 */
export const StaticKeyProviderOptionsSchema = z
  .object({
    keys: z.record(z.string().regex(/^[A-Za-z0-9_:/.-]{1,200}$/, 'must be a key id'), KeyBytesSchema),
    activeKeyId: z.string().min(1),
    randomBytes: z.custom<RandomBytes>((f) => typeof f === 'function', 'must be a function').optional(),
  })
  .strict()
  .refine((o) => o.activeKeyId in o.keys, { path: ['activeKeyId'], message: 'must be one of keys' });

/**
 * What {@link StaticKeyProviderOptionsSchema} accepts.
 *
 * @example
 * ```ts
 * const options: StaticKeyProviderOptions = { keys: { k1: new Uint8Array(32) }, activeKeyId: 'k1' };
 * ```
 */
export type StaticKeyProviderOptions = z.input<typeof StaticKeyProviderOptionsSchema>;

function contextBytes(context: Readonly<Record<string, string>>): Buffer {
  const sorted = Object.keys(context)
    .sort()
    .map((k) => [k, context[k]]);
  return Buffer.from(JSON.stringify(sorted), 'utf8');
}

/**
 * A {@link KeyProvider} holding master keys in process memory: for
 * development, tests and small deployments that load keys from a secret
 * store at start-up. Keeps every key it was given readable, so values under
 * a retired key stay readable until {@link ProtectedStorage.rotateKeys} has
 * moved them to the active one. Wraps with AES-256-GCM, the context as
 * associated data.
 *
 * @example
 * ```ts
 * const keys = createStaticKeyProvider({ keys: { '2026-01': process.env.CRM_KEY_2026_01! }, activeKeyId: '2026-01' });
 * ```
 */
export function createStaticKeyProvider(options: StaticKeyProviderOptions): KeyProvider {
  const parsed = parseWith(StaticKeyProviderOptionsSchema, 'static key provider options', options);
  const keys = new Map(Object.entries(parsed.keys));
  const randomBytes = parsed.randomBytes ?? cryptoRandomBytes;
  const keyOf = (id: string) => {
    const key = keys.get(id);
    if (key === undefined) throw new KeyNotFoundError(id);
    return key;
  };
  return {
    async activeKeyId() {
      return parsed.activeKeyId;
    },
    async wrapKey({ keyId, data, context }) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', keyOf(keyId), iv);
      cipher.setAAD(contextBytes(context));
      const body = Buffer.concat([cipher.update(data), cipher.final()]);
      return new Uint8Array(Buffer.concat([iv, body, cipher.getAuthTag()]));
    },
    async unwrapKey({ keyId, data, context }) {
      const key = keyOf(keyId);
      const bytes = Buffer.from(data);
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, 12));
        decipher.setAAD(contextBytes(context));
        decipher.setAuthTag(bytes.subarray(bytes.length - 16));
        return new Uint8Array(
          Buffer.concat([decipher.update(bytes.subarray(12, bytes.length - 16)), decipher.final()]),
        );
      } catch {
        throw new DecryptionError('wrapped data key failed authentication', { keyId });
      }
    },
  };
}
