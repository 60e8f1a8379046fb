import { createMemoryStorage, createSeededRandom, type DocumentStore } from '@crmkit/core';
import { describe, expect, it } from 'vitest';
import {
  createStaticKeyProvider,
  DecryptionError,
  KeyNotFoundError,
  type KeyProvider,
  seededRandomBytes,
} from '../src/index';
import { actors, collect, keyOf, setup } from './fixtures';

/** A KMS-style provider whose master key can be switched, like a KMS key version being promoted. */
function switchableKeys() {
  let active = 'master-1';
  const known: Record<string, Uint8Array> = { 'master-1': keyOf(1), 'master-2': keyOf(2) };
  const inner = () =>
    createStaticKeyProvider({
      keys: known,
      activeKeyId: active,
      randomBytes: seededRandomBytes(createSeededRandom(active)),
    });
  let provider = inner();
  const keys: KeyProvider = {
    activeKeyId: () => provider.activeKeyId(),
    wrapKey: (r) => provider.wrapKey(r),
    unwrapKey: (r) => provider.unwrapKey(r),
  };
  return {
    keys,
    promote(id: string) {
      active = id;
      provider = inner();
    },
    retire(id: string) {
      delete known[id];
      provider = inner();
    },
  };
}

const people = Array.from({ length: 60 }, (_, i) => ({
  id: `p${String(i).padStart(3, '0')}`,
  name: `Person ${i}`,
  email: `person${i}@example.com`,
  createdAt: '2026-01-01',
}));

describe('key rotation', () => {
  it('re-encrypts every customer under the new master key while reads continue', async () => {
    const switchable = switchableKeys();
    const { storage, crm, admin } = setup({ keys: switchable.keys }, createMemoryStorage());
    await crm.customers.createMany(people);
    await crm.interactions.create({
      type: 'review',
      id: 'r7',
      customerId: 'p007',
      occurredAt: '2026-02-01',
      rating: 5,
      text: 'Great service, Person 7',
    });
    const before = (await storage.customers.get('p007'))!.value.attributes['__pii:email'];
    switchable.promote('master-2');

    let reads = 0;
    let rotating = true;
    const reader = (async () => {
      // Keeps reading every customer, decrypted, while the rotation runs: no read may fail.
      while (rotating) {
        for await (const c of admin.customers.list({ batchSize: 7 })) {
          expect(c.email).toBe(`person${Number(c.id.slice(1))}@example.com`);
          reads += 1;
        }
        await new Promise((r) => setTimeout(r, 0));
      }
    })();
    const report = await admin.rotateKeys({ batchSize: 10 });
    rotating = false;
    await reader;
    expect(report).toEqual({ activeKeyId: 'master-2', scanned: 60, rotated: 60, skipped: 0 });
    expect(reads).toBeGreaterThanOrEqual(60);

    const after = (await storage.customers.get('p007'))!.value.attributes['__pii:email'];
    expect(String(after).startsWith('pii1.d2.')).toBe(true);
    expect(after).not.toBe(before);
    const keyDoc = (await storage.documents.get('privacy.keys', 'p007'))!.data as {
      versions: { kek: string }[];
    };
    expect(keyDoc.versions.map((v) => v.kek)).toEqual(['master-2']);

    // The old master key can now be retired: everything still reads.
    switchable.retire('master-1');
    expect((await admin.customers.get('p007'))!.value.email).toBe('person7@example.com');
    const review = (await storage.interactions.get('r7'))!.value as { text?: string };
    expect(review.text).toMatch(/^pii1\.d2\./);
    expect((await admin.interactions.get('r7'))!.value).toMatchObject({ text: 'Great service, Person 7' });
    // A second pass finds nothing to do (resumable, idempotent).
    expect(await admin.rotateKeys()).toMatchObject({ rotated: 0, skipped: 60 });
    expect(await collect(admin.audit.query({ action: 'keys.rotate' }))).toHaveLength(2);
  });

  it('re-reads a row whose data key was rotated between reading the row and its key', async () => {
    const switchable = switchableKeys();
    const raw = createMemoryStorage();
    let between: (() => Promise<unknown>) | undefined;
    // The reader's storage runs the rotation right after the row was read, before its key is.
    const documents: DocumentStore = {
      ...raw.documents,
      async get(collection, id) {
        const hook = collection === 'privacy.keys' ? between : undefined;
        between = undefined;
        if (hook !== undefined) await hook();
        return raw.documents.get(collection, id);
      },
    };
    const reader = setup({ keys: switchable.keys }, { ...raw, documents }).admin;
    const operator = setup({ keys: switchable.keys }, raw).admin;
    await operator.customers.create(people[3]!);
    switchable.promote('master-2');
    between = () => operator.rotateKeys();
    expect((await reader.customers.get('p003'))!.value.email).toBe('person3@example.com');
    expect(between).toBeUndefined();
    expect(String((await raw.customers.get('p003'))!.value.attributes['__pii:email'])).toMatch(/^pii1\.d2\./);
  });

  it('keeps old master keys readable until rotated, and fails typed once a needed key is gone', async () => {
    const switchable = switchableKeys();
    const { crm, admin, storage } = setup({ keys: switchable.keys });
    await crm.customers.create(people[0]!);
    switchable.promote('master-2');
    await crm.customers.create(people[1]!);
    expect((await admin.customers.get('p000'))!.value.email).toBe('person0@example.com');
    expect((await admin.customers.get('p001'))!.value.email).toBe('person1@example.com');
    switchable.retire('master-1');
    // A fresh protected storage (no key cache) over the same data: p000's data key is under the retired key.
    const fresh = setup({ keys: switchable.keys }, storage).admin;
    await expect(fresh.customers.get('p000')).rejects.toBeInstanceOf(KeyNotFoundError);
    expect((await fresh.customers.get('p001'))!.value.email).toBe('person1@example.com');
  });

  it('rotates with force even when already under the active key, and needs keys.rotate', async () => {
    const { crm, admin, storage } = setup();
    await crm.customers.createMany(people.slice(0, 3));
    await expect(crm.withAccess(actors.support).rotateKeys()).rejects.toMatchObject({
      code: 'ACCESS_DENIED',
    });
    expect(await admin.rotateKeys()).toMatchObject({ rotated: 0, skipped: 3 });
    expect(await admin.rotateKeys({ force: true })).toMatchObject({ activeKeyId: 'master-1', rotated: 3 });
    expect(String((await storage.customers.get('p002'))!.value.attributes['__pii:name'])).toMatch(
      /^pii1\.d2\./,
    );
    expect((await admin.customers.get('p002'))!.value.name).toBe('Person 2');
  });

  it('rejects a wrapped data key under an unknown master key or another customer', async () => {
    const provider = createStaticKeyProvider({ keys: { a: keyOf(3) }, activeKeyId: 'a' });
    const wrapped = await provider.wrapKey({ keyId: 'a', data: keyOf(9), context: { customerId: 'c1' } });
    expect(await provider.unwrapKey({ keyId: 'a', data: wrapped, context: { customerId: 'c1' } })).toEqual(
      keyOf(9),
    );
    await expect(
      provider.unwrapKey({ keyId: 'a', data: wrapped, context: { customerId: 'c2' } }),
    ).rejects.toBeInstanceOf(DecryptionError);
    await expect(provider.unwrapKey({ keyId: 'b', data: wrapped, context: {} })).rejects.toBeInstanceOf(
      KeyNotFoundError,
    );
  });
});
