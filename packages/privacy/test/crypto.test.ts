import { createSeededRandom, ValidationError } from '@crmkit/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  blindIndex,
  createStaticKeyProvider,
  cryptoRandomBytes,
  DecryptionError,
  decryptField,
  encryptField,
  normaliseEmail,
  normalisePhone,
  parseEnvelope,
  seededRandomBytes,
} from '../src/index';
import { INDEX_KEY, keyOf } from './fixtures';

const key = keyOf(7);
const context = { recordId: 'c1', field: 'email', keyId: 'd1' };

describe('field encryption', () => {
  it('round-trips JSON values in a versioned envelope with a 96-bit IV and a 128-bit tag', () => {
    const envelope = encryptField(key, context, 'ada@example.com', cryptoRandomBytes);
    const parts = parseEnvelope(envelope)!;
    expect(parts.version).toBe('pii1');
    expect(parts.keyId).toBe('d1');
    expect(parts.iv).toHaveLength(12);
    expect(parts.tag).toHaveLength(16);
    expect(parts.body).toHaveLength('"ada@example.com"'.length); // GCM keeps the length: 17 bytes
    expect(decryptField(key, context, envelope)).toBe('ada@example.com');
    expect(
      decryptField(key, context, encryptField(key, context, { a: [1, null] }, cryptoRandomBytes)),
    ).toEqual({
      a: [1, null],
    });
  });

  it('is reproducible with injected randomness, and different for every IV', () => {
    const a = encryptField(key, context, 'x', seededRandomBytes(createSeededRandom(1)));
    const b = encryptField(key, context, 'x', seededRandomBytes(createSeededRandom(1)));
    expect(a).toBe(b);
    const random = seededRandomBytes(createSeededRandom(1));
    expect(encryptField(key, context, 'x', random)).not.toBe(encryptField(key, context, 'x', random));
  });

  it('rejects a flipped bit in the IV, ciphertext or tag, and another record, field or key id', () => {
    const envelope = encryptField(key, context, 'ada@example.com', cryptoRandomBytes);
    const parts = envelope.split('.');
    for (const index of [2, 3, 4]) {
      const bytes = Buffer.from(parts[index]!, 'base64url');
      bytes[bytes.length - 1] = bytes[bytes.length - 1]! ^ 0x80;
      const tampered = [...parts];
      tampered[index] = bytes.toString('base64url');
      expect(() => decryptField(key, context, tampered.join('.'))).toThrow(DecryptionError);
    }
    expect(() => decryptField(key, { ...context, recordId: 'c2' }, envelope)).toThrow(DecryptionError);
    expect(() => decryptField(key, { ...context, field: 'phone' }, envelope)).toThrow(DecryptionError);
    expect(() => decryptField(key, { ...context, keyId: 'd2' }, envelope)).toThrow(/under key d1/);
    expect(() => decryptField(keyOf(8), context, envelope)).toThrow(DecryptionError);
    expect(() => decryptField(key, context, 'pii0.d1.a.b.c')).toThrow(/not a pii1 envelope/);
    expect(() => decryptField(key, context, 'pii1.d1.AAAA.b.c')).toThrow(/malformed/);
  });

  it('validates the key and key id', () => {
    expect(() => encryptField(new Uint8Array(16), context, 'x', cryptoRandomBytes)).toThrow(ValidationError);
    expect(() => encryptField(key, { ...context, keyId: 'a.b' }, 'x', cryptoRandomBytes)).toThrow(
      ValidationError,
    );
    expect(() => encryptField(key, context, 'x', () => new Uint8Array(8))).toThrow(RangeError);
  });

  it('round-trips any JSON value and never decrypts under another record id (property)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.string({ minLength: 1 }), fc.string({ minLength: 1 }), (value, a, b) => {
        const sealed = encryptField(key, { ...context, recordId: a }, value, cryptoRandomBytes);
        expect(decryptField(key, { ...context, recordId: a }, sealed)).toEqual(
          JSON.parse(JSON.stringify(value)),
        );
        if (a !== b)
          expect(() => decryptField(key, { ...context, recordId: b }, sealed)).toThrow(DecryptionError);
      }),
      { numRuns: 200 },
    );
  });
});

describe('static key provider', () => {
  it('validates its options', () => {
    expect(() => createStaticKeyProvider({ keys: { k1: new Uint8Array(31) }, activeKeyId: 'k1' })).toThrow(
      ValidationError,
    );
    expect(() => createStaticKeyProvider({ keys: { k1: keyOf(1) }, activeKeyId: 'k2' })).toThrow(
      /activeKeyId/,
    );
    const base64 = Buffer.from(keyOf(1)).toString('base64');
    expect(() => createStaticKeyProvider({ keys: { k1: base64 }, activeKeyId: 'k1' })).not.toThrow();
  });
});

describe('blind indexes', () => {
  it('normalises emails and phones', () => {
    expect(normaliseEmail(' Ada@Example.COM ')).toBe('ada@example.com');
    expect(normalisePhone('+44 20 7946-0958')).toBe('+442079460958');
    expect(normalisePhone('0044 (20) 7946 0958')).toBe('+442079460958');
    expect(normalisePhone('020 7946 0958')).toBe('02079460958');
  });

  it('is HMAC-SHA256 of kind NUL normalised value (checked with openssl)', () => {
    // printf 'email\0ada@example.com' | openssl dgst -sha256 -hmac kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk
    expect(blindIndex(INDEX_KEY, 'email', 'ADA@example.com ')).toBe(
      '8eb47abceba007ca02072032f754aa8252760da1f267df4cf0bc12c5126a2108',
    );
    expect(blindIndex(INDEX_KEY, 'phone', '+44 20 7946 0958')).toBe(
      blindIndex(INDEX_KEY, 'phone', '0044 2079460958'),
    );
    expect(blindIndex(keyOf(1), 'email', 'ada@example.com')).not.toBe(
      blindIndex(INDEX_KEY, 'email', 'ada@example.com'),
    );
    expect(() => blindIndex(new Uint8Array(8), 'email', 'a@b.c')).toThrow(ValidationError);
    expect(() => blindIndex(INDEX_KEY, 'email', ' ')).toThrow(ValidationError);
  });

  it('gives equal indexes exactly for equal normalised emails (property)', () => {
    fc.assert(
      fc.property(fc.emailAddress(), fc.emailAddress(), (a, b) => {
        const same = normaliseEmail(a) === normaliseEmail(b);
        expect(blindIndex(INDEX_KEY, 'email', a) === blindIndex(INDEX_KEY, 'email', b)).toBe(same);
        expect(blindIndex(INDEX_KEY, 'email', a.toUpperCase())).toBe(blindIndex(INDEX_KEY, 'email', a));
      }),
      { numRuns: 200 },
    );
  });
});
