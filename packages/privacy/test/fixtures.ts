import { createManualClock, createMemoryStorage, createSeededRandom, type Storage } from '@crmkit/core';
import {
  type ActorInput,
  createProtectedStorage,
  createStaticKeyProvider,
  type KeyProvider,
  type ProtectedStorageOptions,
  seededRandomBytes,
} from '../src/index';

/** 32-byte test keys: all bytes equal to `fill`. */
export const keyOf = (fill: number) => new Uint8Array(32).fill(fill);

export const INDEX_KEY = keyOf(0x6b); // 'k' x 32, the key of the hand-checked HMAC below

export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

export const ada = {
  id: 'c1',
  name: 'Ada Lovelace',
  email: 'ada.lovelace@example.com',
  phone: '+44 20 7946 0958',
  birthday: '1815-12-10',
  attributes: { region: 'EU-West', address: '12 St James Square, London' },
  tags: ['vip'],
  createdAt: '2026-01-05T09:00:00Z',
};

export const grace = {
  id: 'c2',
  name: 'Grace Hopper',
  email: 'grace@example.org',
  phone: '+1 202 555 0143',
  attributes: { region: 'US-East' },
  createdAt: '2026-01-06T09:00:00Z',
};

/** Every plaintext personal value of the fixtures: none may appear in a stored row. */
export const PII = [
  'Ada Lovelace',
  'ada.lovelace',
  '7946 0958',
  '1815-12-10',
  'St James',
  'Grace Hopper',
  'grace@',
  '555 0143',
];

export const actors = {
  admin: { id: 'u-admin', roles: ['admin'] },
  support: { id: 'u-support', roles: ['support'] },
  analyst: { id: 'u-analyst', roles: ['analyst'] },
  nobody: { id: 'u-nobody', roles: [] },
} satisfies Record<string, ActorInput>;

export function setup(
  overrides: Partial<ProtectedStorageOptions> = {},
  storage: Storage = createMemoryStorage(),
) {
  const clock = createManualClock('2026-03-01T10:00:00Z');
  const keys: KeyProvider = createStaticKeyProvider({
    keys: { 'master-1': keyOf(1), 'master-2': keyOf(2) },
    activeKeyId: 'master-1',
    randomBytes: seededRandomBytes(createSeededRandom('wrap')),
  });
  const crm = createProtectedStorage(storage, {
    keys,
    indexKey: INDEX_KEY,
    clock,
    randomBytes: seededRandomBytes(createSeededRandom('privacy')),
    ...overrides,
  });
  return { storage, crm, clock, admin: crm.withAccess(actors.admin) };
}

/** Everything the underlying storage holds, as one JSON text. */
export async function dumpStorage(storage: Storage, collections: readonly string[]): Promise<string> {
  const parts: unknown[] = [];
  parts.push(await collect(storage.customers.list()));
  parts.push(await collect(storage.orders.list()));
  parts.push(await collect(storage.interactions.list()));
  for (const c of collections) parts.push(await collect(storage.documents.list(c)));
  parts.push(await collect(storage.events.readAll()));
  return JSON.stringify(parts);
}

export const PRIVACY_COLLECTIONS = ['privacy.keys', 'privacy.index'];
