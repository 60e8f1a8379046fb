import type { DocumentStore, JsonValue, StoredDocument } from '@crmkit/core';
import type { KeyProvider } from './keys';
import type { RandomBytes } from './random-bytes';

/** Document collection holding each customer's wrapped data keys. */
export const KEYS_COLLECTION = 'privacy.keys';

/** One version of a customer's data key, wrapped under a master key. */
export interface WrappedKey {
  readonly version: number;
  readonly kek: string;
  readonly wrapped: string;
}

/** A customer's data keys as loaded: the versions readable now, or shredded. */
export interface CustomerKeys {
  readonly doc: StoredDocument | undefined;
  readonly shredded: boolean;
  readonly active: number;
  readonly versions: ReadonlyMap<number, WrappedKey>;
}

/** The key id written into field envelopes for a data key version. */
export const keyIdOf = (version: number) => `d${version}`;

/** The data key version named by an envelope key id, or undefined. */
export function versionOf(keyId: string): number | undefined {
  const match = /^d([1-9][0-9]*)$/.exec(keyId);
  return match === null ? undefined : Number(match[1]);
}

/** Per-customer data keys (crypto-shredding): generation, wrapping, unwrapping with a bounded cache. */
export class DataKeys {
  private readonly cache = new Map<string, Uint8Array>();

  constructor(
    private readonly provider: KeyProvider,
    private readonly randomBytes: RandomBytes,
  ) {}

  async load(documents: DocumentStore, customerId: string): Promise<CustomerKeys> {
    const doc = await documents.get(KEYS_COLLECTION, customerId);
    const data = doc?.data as { active?: number; versions?: WrappedKey[]; shreddedAt?: string } | undefined;
    if (data === undefined || data.shreddedAt !== undefined || data.versions === undefined) {
      return { doc, shredded: data?.shreddedAt !== undefined, active: 0, versions: new Map() };
    }
    return {
      doc,
      shredded: false,
      active: data.active ?? 0,
      versions: new Map(data.versions.map((v) => [v.version, v])),
    };
  }

  async unwrap(customerId: string, key: WrappedKey): Promise<Uint8Array> {
    const cacheKey = `${customerId}\u0000${key.version}\u0000${key.wrapped}`;
    const cached = this.cache.get(cacheKey);
    if (cached !== undefined) return cached;
    const plain = await this.provider.unwrapKey({
      keyId: key.kek,
      data: new Uint8Array(Buffer.from(key.wrapped, 'base64')),
      context: { customerId, version: String(key.version) },
    });
    if (this.cache.size >= 10_000) this.cache.clear();
    this.cache.set(cacheKey, plain);
    return plain;
  }

  /** A fresh data key, wrapped under the provider's active master key. */
  async create(customerId: string, version: number): Promise<{ entry: WrappedKey; key: Uint8Array }> {
    const key = this.randomBytes(32);
    if (key.length !== 32) throw new RangeError(`randomBytes returned ${key.length} bytes, not 32`);
    const kek = await this.provider.activeKeyId();
    const wrapped = await this.provider.wrapKey({
      keyId: kek,
      data: key,
      context: { customerId, version: String(version) },
    });
    return { entry: { version, kek, wrapped: Buffer.from(wrapped).toString('base64') }, key };
  }

  async save(
    documents: DocumentStore,
    customerId: string,
    current: CustomerKeys,
    entries: readonly WrappedKey[],
    active: number,
  ): Promise<void> {
    await documents.put(
      KEYS_COLLECTION,
      customerId,
      { active, versions: entries.map((e) => ({ ...e })) } as unknown as JsonValue,
      { expectedVersion: current.doc?.version ?? null },
    );
  }

  /** Destroys every version of a customer's data key, leaving a tombstone. */
  async shred(documents: DocumentStore, customerId: string, current: CustomerKeys, at: Date): Promise<void> {
    await documents.put(
      KEYS_COLLECTION,
      customerId,
      { shreddedAt: at.toISOString() },
      { expectedVersion: current.doc?.version ?? null },
    );
    for (const cacheKey of [...this.cache.keys()]) {
      if (cacheKey.startsWith(`${customerId}\u0000`)) this.cache.delete(cacheKey);
    }
  }
}
