import { createHmac } from 'node:crypto';
import { ValidationError } from '@crmkit/core';

/**
 * The values a blind index can be built for.
 *
 * @example
 * ```ts
 * const kind: BlindIndexKind = 'email';
 * ```
 */
export type BlindIndexKind = 'email' | 'phone';

/**
 * Normalises an email address for exact-match lookup: trimmed, Unicode NFC,
 * lower-cased (so `Ada@Example.COM ` and `ada@example.com` match).
 *
 * @example
 * ```ts
 * normaliseEmail(' Ada@Example.COM '); // 'ada@example.com'
 * ```
 */
export function normaliseEmail(email: string): string {
  return email.trim().normalize('NFC').toLowerCase();
}

/**
 * Normalises a phone number for exact-match lookup: only digits, with a
 * leading `+` kept and an international `00` prefix turned into `+`
 * (so `+44 20 7946-0958`, `0044 (20) 7946 0958` and `+442079460958` match).
 *
 * @example
 * ```ts
 * normalisePhone('0044 (20) 7946-0958'); // '+442079460958'
 * ```
 */
export function normalisePhone(phone: string): string {
  const trimmed = phone.trim();
  const digits = trimmed.replace(/\D/g, '');
  if (trimmed.startsWith('+')) return `+${digits}`;
  if (digits.startsWith('00')) return `+${digits.slice(2)}`;
  return digits;
}

/**
 * A blind index: HMAC-SHA256 of the normalised value under a key kept apart
 * from the encryption keys, as hex. Equal values give equal indexes, so a
 * lookup by email or phone needs no decryption; without the key, the index
 * reveals nothing about the value.
 *
 * @example
 * ```ts
 * blindIndex(indexKey, 'email', 'Ada@example.com') === blindIndex(indexKey, 'email', 'ada@example.com'); // true
 * ```
 */
export function blindIndex(key: Uint8Array, kind: BlindIndexKind, value: string): string {
  if (!(key instanceof Uint8Array) || key.length < 32) {
    throw new ValidationError('blind index key', [
      { path: ['indexKey'], message: 'must be at least 32 bytes', code: 'invalid_key' },
    ]);
  }
  if (typeof value !== 'string' || value.trim() === '') {
    throw new ValidationError('blind index value', [
      { path: [kind], message: 'must be a non-empty string', code: 'invalid_type' },
    ]);
  }
  const normalised = kind === 'email' ? normaliseEmail(value) : normalisePhone(value);
  return createHmac('sha256', key).update(`${kind}\u0000${normalised}`, 'utf8').digest('hex');
}
