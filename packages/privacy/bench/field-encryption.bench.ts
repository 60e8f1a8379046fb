import { createManualClock, createMemoryStorage } from '@crmkit/core';
import { bench, describe } from 'vitest';
import {
  createProtectedStorage,
  createStaticKeyProvider,
  cryptoRandomBytes,
  decryptField,
  encryptField,
} from '../src/index';

// What encryption at rest costs: 1,000 customers' sensitive fields (name, email, phone, birthday)
// through AES-256-GCM envelopes, against the baseline every adapter pays anyway, a JSON round trip of
// the same values. vitest prints each rate and the ratio between them.
const key = new Uint8Array(32).fill(7);
const customers = Array.from({ length: 1000 }, (_, i) => ({
  id: `c${i}`,
  name: `Customer Number ${i}`,
  email: `customer${i}@example.com`,
  phone: `+44 20 7946 ${String(i).padStart(4, '0')}`,
  birthday: '1990-02-28',
}));
const FIELDS = ['name', 'email', 'phone', 'birthday'] as const;
const sealed = customers.map((c) =>
  FIELDS.map((field) =>
    encryptField(key, { recordId: c.id, field, keyId: 'd1' }, c[field], cryptoRandomBytes),
  ),
);
const json = customers.map((c) => FIELDS.map((field) => JSON.stringify(c[field])));

describe('1,000 customers x 4 sensitive fields', () => {
  bench('JSON stringify + parse (baseline)', () => {
    for (const c of customers) for (const field of FIELDS) JSON.parse(JSON.stringify(c[field]));
  });
  bench('AES-256-GCM encrypt (fresh IV each)', () => {
    for (const c of customers) {
      for (const field of FIELDS)
        encryptField(key, { recordId: c.id, field, keyId: 'd1' }, c[field], cryptoRandomBytes);
    }
  });
  bench('AES-256-GCM decrypt + authenticate', () => {
    customers.forEach((c, i) => {
      FIELDS.forEach((field, j) => {
        decryptField(key, { recordId: c.id, field, keyId: 'd1' }, sealed[i]![j]!);
      });
    });
  });
  bench('JSON parse only (baseline for decrypt)', () => {
    for (const row of json) for (const value of row) JSON.parse(value);
  });
});

// The whole read path: a customer get on the memory adapter, plain vs through the protected storage
// (key document read, cached unwrap, 4 decryptions, audit append).
const plain = createMemoryStorage();
const keys = createStaticKeyProvider({ keys: { k1: new Uint8Array(32).fill(1) }, activeKeyId: 'k1' });
const crm = createProtectedStorage(createMemoryStorage(), {
  keys,
  indexKey: new Uint8Array(32).fill(2),
  clock: createManualClock('2026-03-01T00:00:00Z'),
});
const admin = crm.withAccess({ id: 'bench', roles: ['admin'] });
const analyst = crm.withAccess({ id: 'bench', roles: ['analyst'] });
const rows = customers.slice(0, 200).map((c) => ({ ...c, createdAt: '2026-01-01' }));
await plain.customers.createMany(rows);
await crm.customers.createMany(rows);

describe('get 200 customers', () => {
  bench('memory storage (baseline)', async () => {
    for (const c of rows) await plain.customers.get(c.id);
  });
  bench('protected, analyst (no sensitive field read)', async () => {
    for (const c of rows) await analyst.customers.get(c.id);
  });
  bench('protected, admin (decrypted and audited)', async () => {
    for (const c of rows) await admin.customers.get(c.id);
  });
});
