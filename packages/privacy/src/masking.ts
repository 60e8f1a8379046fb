import { z } from 'zod';

/**
 * The built-in masks: `email` (`j***@example.com`), `phone` (all digits but
 * the last two starred), `name` (initials kept: `A** L*******`), `date`
 * (year hidden: `****-02-28`), `redact` (`***`) and `none` (shown as is).
 *
 * @example
 * ```ts
 * MaskSchema.parse('email');
 * ```
 */
export const MaskSchema = z.enum(['email', 'phone', 'name', 'date', 'redact', 'none']);

/**
 * One of the built-in masks.
 *
 * @example
 * ```ts
 * const mask: Mask = 'phone';
 * ```
 */
export type Mask = z.infer<typeof MaskSchema>;

/**
 * Masks an email address: the first character of the local part, `***`, and
 * the domain.
 *
 * @example
 * ```ts
 * maskEmail('jane.doe@example.com'); // 'j***@example.com'
 * ```
 */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at <= 0) return '***';
  return `${email[0]}***${email.slice(at)}`;
}

/**
 * Masks a phone number: every digit but the last two becomes `*`, the
 * layout stays.
 *
 * @example
 * ```ts
 * maskPhone('+44 20 7946 0958'); // '+** ** **** **58'
 * ```
 */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/\D/g, '').length;
  let seen = 0;
  return phone.replace(/\d/g, (d) => (++seen > digits - 2 ? d : '*'));
}

/**
 * Masks a name: the first letter of each word, the rest starred.
 *
 * @example
 * ```ts
 * maskName('Ada Lovelace'); // 'A** L*******'
 * ```
 */
export function maskName(name: string): string {
  return name.replace(/\S+/g, (word) => word[0] + '*'.repeat(Math.max(0, [...word].length - 1)));
}

/**
 * Applies a {@link Mask} to any value (non-strings are redacted unless the
 * mask is `none`).
 *
 * @example
 * ```ts
 * maskValue('date', '1990-02-28'); // '****-02-28'
 * ```
 */
export function maskValue(mask: Mask, value: unknown): unknown {
  if (mask === 'none') return value;
  if (typeof value !== 'string') return '***';
  switch (mask) {
    case 'email':
      return maskEmail(value);
    case 'phone':
      return maskPhone(value);
    case 'name':
      return maskName(value);
    case 'date':
      return /^\d{4}-/.test(value) ? `****${value.slice(4)}` : '***';
    default:
      return '***';
  }
}

/**
 * The mask used for a field when a role names none: `email` for email,
 * `phone` for phone, `name` for name, `date` for birthday, `redact` for
 * everything else.
 *
 * @example
 * ```ts
 * defaultMaskFor('email'); // 'email'
 * ```
 */
export function defaultMaskFor(field: string): Mask {
  switch (field) {
    case 'email':
      return 'email';
    case 'phone':
      return 'phone';
    case 'name':
      return 'name';
    case 'birthday':
    case 'attributes.dateOfBirth':
      return 'date';
    default:
      return 'redact';
  }
}
