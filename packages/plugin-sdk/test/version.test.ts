import { readFileSync } from 'node:fs';
import { Decimal, Money } from '@crmkit/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  churnAlertPlugin,
  decodePayload,
  encodePayload,
  isVersion,
  isVersionRange,
  loyaltyPlugin,
  SDK_VERSION,
  satisfiesRange,
} from '../src/index';

describe('SDK_VERSION', () => {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };

  it('is the version of the package, and the shipped plugins accept it', () => {
    expect(SDK_VERSION).toBe(pkg.version);
    expect(isVersion(SDK_VERSION)).toBe(true);
    for (const plugin of [loyaltyPlugin, churnAlertPlugin]) {
      expect(satisfiesRange(SDK_VERSION, plugin.definition.sdk)).toBe(true);
    }
  });
});

describe('satisfiesRange', () => {
  it.each([
    ['0.1.0', '^0.1.0', true],
    ['0.1.9', '^0.1.0', true],
    ['0.2.0', '^0.1.0', false],
    ['0.0.3', '^0.0.3', true],
    ['0.0.4', '^0.0.3', false],
    ['1.9.0', '^1.2.3', true],
    ['1.2.2', '^1.2.3', false],
    ['2.0.0', '^1.2.3', false],
    ['1.2.9', '~1.2.3', true],
    ['1.3.0', '~1.2.3', false],
    ['1.4.2', '1.x', true],
    ['2.0.0', '1.x', false],
    ['5.0.0', '*', true],
    ['1.5.0', '>=1.2.0 <2.0.0', true],
    ['2.0.0', '>=1.2.0 <2.0.0', false],
    ['3.1.0', '^1.0.0 || ^3.0.0', true],
    ['1.0.0-beta.2', '^1.0.0', false],
    ['1.0.0-beta.2', '>=1.0.0-beta.1 <2.0.0', true],
    ['1.0.0', '1.0.0', true],
    ['1.0.1', '= 1.0.0', false],
    ['1.2.0', '<=1.2', true],
    ['1.3.0', '>1.2', true],
    ['1.2.5', '>1.2', false],
  ])('%s in %s is %s', (version, range, expected) => {
    expect(satisfiesRange(version, range)).toBe(expected);
  });

  it('recognises versions and ranges', () => {
    expect(isVersion('1.2.3')).toBe(true);
    expect(isVersion('01.2.3')).toBe(false);
    expect(isVersionRange('^0.1.0 || >=2.0.0 <3')).toBe(true);
    expect(isVersionRange('latest')).toBe(false);
    expect(satisfiesRange('not-a-version', '*')).toBe(false);
  });

  it('^X.Y.Z holds exactly for versions with the same major (X > 0) at or above X.Y.Z', () => {
    const part = fc.integer({ min: 0, max: 20 });
    fc.assert(
      fc.property(part, part, part, fc.integer({ min: 1, max: 20 }), part, part, (a, b, c, x, y, z) => {
        const holds = satisfiesRange(`${a}.${b}.${c}`, `^${x}.${y}.${z}`);
        expect(holds).toBe(a === x && (b > y || (b === y && c >= z)));
      }),
      { seed: 5 },
    );
  });
});

describe('event payload codec', () => {
  it('round-trips Money, Date and Decimal through JSON', () => {
    const payload = {
      total: Money.of('12.30', 'EUR'),
      at: new Date('2026-03-01T10:00:00Z'),
      rate: new Decimal('0.125'),
      lines: [{ sku: 'tea', n: 2, note: null, skip: undefined }],
    };
    const json = JSON.parse(JSON.stringify(encodePayload(payload)));
    expect(json.total).toEqual({ $money: { amount: '12.3', currency: 'EUR' } });
    const back = decodePayload(json) as typeof payload;
    expect(back.total.equals(payload.total)).toBe(true);
    expect(back.at).toEqual(payload.at);
    expect(back.rate.equals(payload.rate)).toBe(true);
    expect(back.lines).toEqual([{ sku: 'tea', n: 2, note: null }]);
  });

  it('refuses what cannot be stored, naming its path', () => {
    expect(() => encodePayload({ a: [1, Number.NaN] })).toThrow(
      'invalid event payload: data.a.1: NaN is not a finite number',
    );
    expect(() => encodePayload({ f: () => 1 })).toThrow(
      'invalid event payload: data.f: function values cannot be stored in an event',
    );
    expect(() => encodePayload({ m: new Map() })).toThrow(
      'invalid event payload: data.m: object values cannot be stored in an event',
    );
  });
});
