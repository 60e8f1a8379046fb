import { createCipheriv, createDecipheriv } from 'node:crypto';
import { ValidationError } from '@crmkit/core';
import { DecryptionError } from './errors';
import type { RandomBytes } from './random-bytes';

/** Envelope format version written by this release. */
const VERSION = 'pii1';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;

/**
 * What a ciphertext is bound to (the AES-GCM associated data): the record id,
 * the field path and the id of the key it was encrypted under. Decrypting
 * with any other context fails, so a ciphertext copied to another record or
 * field is rejected.
 *
 * @example
 * ```ts
 * const context: FieldContext = { recordId: 'c1', field: 'email', keyId: 'd1' };
 * ```
 */
export interface FieldContext {
  /** The record (customer) id. */
  readonly recordId: string;
  /** The field path, e.g. `'email'` or `'attributes.address'`. */
  readonly field: string;
  /** The data key id; written into the envelope. */
  readonly keyId: string;
}

function aad(context: FieldContext): Buffer {
  return Buffer.from(JSON.stringify([VERSION, context.recordId, context.field, context.keyId]), 'utf8');
}

function checkKey(key: Uint8Array): void {
  if (!(key instanceof Uint8Array) || key.length !== KEY_BYTES) {
    throw new ValidationError('encryption key', [
      { path: ['key'], message: `must be ${KEY_BYTES} bytes (AES-256)`, code: 'invalid_key' },
    ]);
  }
}

/**
 * Encrypts one JSON value with AES-256-GCM under a fresh random 96-bit IV,
 * binding it to its record, field and key id. Returns a versioned envelope
 * `pii1.<keyId>.<iv>.<ciphertext>.<tag>` (base64url parts).
 *
 * @example
 * ```ts
 * const envelope = encryptField(key, { recordId: 'c1', field: 'email', keyId: 'd1' }, 'ada@example.com', cryptoRandomBytes);
 * envelope.startsWith('pii1.d1.'); // true
 * ```
 */
export function encryptField(
  key: Uint8Array,
  context: FieldContext,
  value: unknown,
  randomBytes: RandomBytes,
): string {
  checkKey(key);
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(context.keyId)) {
    throw new ValidationError('field context', [
      { path: ['keyId'], message: 'must be 1-64 letters, digits, _ or -', code: 'invalid_string' },
    ]);
  }
  const iv = randomBytes(IV_BYTES);
  if (iv.length !== IV_BYTES)
    throw new RangeError(`randomBytes returned ${iv.length} bytes, not ${IV_BYTES}`);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad(context));
  const body = Buffer.concat([cipher.update(JSON.stringify(value) ?? 'null', 'utf8'), cipher.final()]);
  return [
    VERSION,
    context.keyId,
    Buffer.from(iv).toString('base64url'),
    body.toString('base64url'),
    cipher.getAuthTag().toString('base64url'),
  ].join('.');
}

/**
 * The parts of an envelope, without decrypting it.
 *
 * @example
 * ```ts
 * parseEnvelope(envelope)?.keyId; // 'd1'
 * ```
 */
export function parseEnvelope(
  envelope: string,
): { version: string; keyId: string; iv: Buffer; body: Buffer; tag: Buffer } | undefined {
  const parts = envelope.split('.');
  if (parts.length !== 5 || parts[0] !== VERSION) return undefined;
  const [version, keyId, iv, body, tag] = parts as [string, string, string, string, string];
  return {
    version,
    keyId,
    iv: Buffer.from(iv, 'base64url'),
    body: Buffer.from(body, 'base64url'),
    tag: Buffer.from(tag, 'base64url'),
  };
}

/**
 * Decrypts an envelope made by {@link encryptField}. Throws
 * {@link DecryptionError} if it is malformed, was altered, or belongs to
 * another record, field or key.
 *
 * @example
 * ```ts
 * decryptField(key, { recordId: 'c1', field: 'email', keyId: 'd1' }, envelope); // 'ada@example.com'
 * ```
 */
export function decryptField(key: Uint8Array, context: FieldContext, envelope: string): unknown {
  checkKey(key);
  const details = { recordId: context.recordId, field: context.field };
  const parsed = typeof envelope === 'string' ? parseEnvelope(envelope) : undefined;
  if (parsed === undefined) throw new DecryptionError('not a pii1 envelope', details);
  if (parsed.keyId !== context.keyId) {
    throw new DecryptionError(`envelope is under key ${parsed.keyId}, expected ${context.keyId}`, details);
  }
  if (parsed.iv.length !== IV_BYTES || parsed.tag.length !== TAG_BYTES) {
    throw new DecryptionError('malformed envelope', details);
  }
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, parsed.iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(aad(context));
    decipher.setAuthTag(parsed.tag);
    const plain = Buffer.concat([decipher.update(parsed.body), decipher.final()]).toString('utf8');
    return JSON.parse(plain);
  } catch {
    throw new DecryptionError(
      'ciphertext failed authentication (altered, or moved from another record or field)',
      details,
    );
  }
}
