import { type Customer, type CustomerInput, ValidationError } from '@crmkit/core';
import { type BlindIndexKind, blindIndex } from './blind-index';
import type { Classification } from './classification';
import { type CustomerKeys, keyIdOf, versionOf, type WrappedKey } from './data-keys';
import { decryptField, encryptField, parseEnvelope } from './envelope';
import { type Mask, maskValue } from './masking';
import type { RandomBytes } from './random-bytes';

/** Attribute key prefix of an encrypted field's envelope in the stored row. */
export const PII_PREFIX = '__pii:';
/** Attribute key prefix of a blind index in the stored row. */
export const INDEX_PREFIX = '__bidx:';

const ALWAYS_SHOWN = new Set(['id', 'kind', 'createdAt', 'attributes']);
const EMPTY: Record<string, () => unknown> = { externalIds: () => ({}), tags: () => [], consent: () => ({}) };

/** Rejects attribute keys that would collide with the stored form. */
export function checkReservedAttributes(input: unknown, path: (string | number)[] = []): void {
  const attributes = (input as { attributes?: unknown } | null)?.attributes;
  if (attributes === null || typeof attributes !== 'object') return;
  const bad = Object.keys(attributes).filter((k) => k.startsWith('__'));
  if (bad.length > 0) {
    throw new ValidationError(
      'customer',
      bad.map((k) => ({
        path: [...path, 'attributes', k],
        message: 'attribute keys starting with __ are reserved',
        code: 'custom',
      })),
    );
  }
}

/** What sealing needs: how to classify, the data key, where IVs come from, the blind index key. */
export interface SealContext {
  readonly classification: Classification;
  readonly key: Uint8Array;
  readonly version: number;
  readonly randomBytes: RandomBytes;
  readonly indexKey: Uint8Array;
  readonly blindIndexes: readonly BlindIndexKind[];
}

/**
 * The stored form of a validated customer: every sensitive field moved into
 * an encrypted envelope attribute, plus blind indexes. Still a valid
 * `CustomerInput`, so every adapter stores it unchanged.
 */
export function sealCustomer(customer: Customer, context: SealContext): CustomerInput {
  const out: Record<string, unknown> = { ...customer };
  const attributes: Record<string, unknown> = { ...customer.attributes };
  const keyId = keyIdOf(context.version);
  const seal = (field: string, value: unknown) =>
    encryptField(context.key, { recordId: customer.id, field, keyId }, value, context.randomBytes);
  for (const kind of context.blindIndexes) {
    const value = (customer as Record<string, unknown>)[kind];
    if (typeof value === 'string')
      attributes[`${INDEX_PREFIX}${kind}`] = blindIndex(context.indexKey, kind, value);
  }
  for (const field of context.classification.sensitiveFields) {
    const value = out[field];
    if (value === undefined) continue;
    delete out[field];
    attributes[`${PII_PREFIX}${field}`] = seal(field, value);
  }
  for (const key of context.classification.sensitiveAttributes) {
    const value = attributes[key];
    if (value === undefined) continue;
    delete attributes[key];
    attributes[`${PII_PREFIX}attributes.${key}`] = seal(`attributes.${key}`, value);
  }
  out['attributes'] = attributes;
  return out as CustomerInput;
}

/** Re-encrypts every envelope of a stored row under a new data key version. */
export function resealRow(
  row: Customer,
  from: { key: Uint8Array; version: number },
  to: { key: Uint8Array; version: number },
  randomBytes: RandomBytes,
): CustomerInput {
  const attributes: Record<string, unknown> = { ...row.attributes };
  for (const [name, envelope] of Object.entries(row.attributes)) {
    if (!name.startsWith(PII_PREFIX) || typeof envelope !== 'string') continue;
    const field = name.slice(PII_PREFIX.length);
    const value = decryptField(from.key, { recordId: row.id, field, keyId: keyIdOf(from.version) }, envelope);
    attributes[name] = encryptField(
      to.key,
      { recordId: row.id, field, keyId: keyIdOf(to.version) },
      value,
      randomBytes,
    );
  }
  return { ...row, attributes } as CustomerInput;
}

/** The data key versions a stored row's envelopes use. */
export function versionsIn(row: Customer): Set<number> {
  const versions = new Set<number>();
  for (const [name, envelope] of Object.entries(row.attributes)) {
    if (!name.startsWith(PII_PREFIX) || typeof envelope !== 'string') continue;
    const version = versionOf(parseEnvelope(envelope)?.keyId ?? '');
    if (version !== undefined) versions.add(version);
  }
  return versions;
}

/** The blind indexes stored in a row, by kind. */
export function indexesIn(row: Customer): Map<string, string> {
  const out = new Map<string, string>();
  for (const [name, value] of Object.entries(row.attributes)) {
    if (name.startsWith(INDEX_PREFIX) && typeof value === 'string')
      out.set(name.slice(INDEX_PREFIX.length), value);
  }
  return out;
}

/** How one field path is shown to the reader. */
export interface FieldView {
  readonly read: 'none' | 'masked' | 'plain';
  readonly mask: Mask;
}

/** A stored row opened for a reader, with what it revealed; `stale` when a key version vanished meanwhile. */
export interface Revealed {
  readonly customer: Customer;
  readonly plain: readonly string[];
  readonly masked: readonly string[];
  readonly stale: boolean;
}

/** Opens a stored row for a reader: decrypts, masks or withholds each field by its view. */
export async function revealCustomer(
  row: Customer,
  loadKeys: () => Promise<CustomerKeys>,
  unwrap: (key: WrappedKey) => Promise<Uint8Array>,
  viewOf: (path: string) => FieldView,
): Promise<Revealed> {
  const out: Record<string, unknown> = { ...row };
  const attributes: Record<string, unknown> = {};
  const envelopes: [string, string][] = [];
  const plain: string[] = [];
  const masked: string[] = [];
  const show = (path: string, value: unknown, view: FieldView, sensitive: boolean) => {
    if (
      view.read === 'none' ||
      (view.read === 'masked' && typeof value !== 'string' && view.mask !== 'none')
    ) {
      return false;
    }
    const shown = view.read === 'plain' ? value : maskValue(view.mask, value);
    if (path.startsWith('attributes.')) attributes[path.slice('attributes.'.length)] = shown;
    else out[path] = shown;
    if (sensitive) (view.read === 'plain' ? plain : masked).push(path);
    return true;
  };

  for (const [name, value] of Object.entries(row.attributes)) {
    if (name.startsWith(PII_PREFIX)) envelopes.push([name.slice(PII_PREFIX.length), String(value)]);
    else if (!name.startsWith(INDEX_PREFIX)) attributes[name] = value;
  }
  for (const field of Object.keys(out)) {
    if (ALWAYS_SHOWN.has(field) || out[field] === undefined) continue;
    const value = out[field];
    delete out[field];
    if (!show(field, value, viewOf(field), false) && EMPTY[field] !== undefined) out[field] = EMPTY[field]();
  }
  for (const key of Object.keys(attributes)) {
    const value = attributes[key];
    delete attributes[key];
    show(`attributes.${key}`, value, viewOf(`attributes.${key}`), false);
  }
  // The key document is read only when the reader may see some encrypted field.
  let keys: CustomerKeys | undefined;
  for (const [field, envelope] of envelopes) {
    const view = viewOf(field);
    if (view.read === 'none') continue;
    keys ??= await loadKeys();
    const keyId = parseEnvelope(envelope)?.keyId ?? '';
    const entry = keys.versions.get(versionOf(keyId) ?? 0);
    if (entry === undefined) {
      if (keys.shredded) continue;
      return { customer: row, plain: [], masked: [], stale: true };
    }
    const value = decryptField(await unwrap(entry), { recordId: row.id, field, keyId }, envelope);
    show(field, value, view, true);
  }
  out['attributes'] = attributes;
  return { customer: out as Customer, plain, masked, stale: false };
}
