import { ValidationError } from '@crmkit/core';
import { describe, expect, it } from 'vitest';
import {
  createAccessGuard,
  defaultClassification,
  defineClassification,
  hasConsent,
  maskEmail,
  maskName,
  maskPhone,
  maskValue,
  minimiseCustomer,
  withConsent,
} from '../src/index';
import { collect } from './fixtures';

describe('masking', () => {
  it('masks emails, phones, names and dates', () => {
    expect(maskEmail('jane.doe@example.com')).toBe('j***@example.com');
    expect(maskEmail('nonsense')).toBe('***');
    expect(maskPhone('+44 20 7946 0958')).toBe('+** ** **** **58');
    expect(maskPhone('555-0143')).toBe('***-**43');
    expect(maskName('Ada Lovelace')).toBe('A** L*******');
    expect(maskName('Zoë')).toBe('Z**');
    expect(maskValue('date', '1990-02-28')).toBe('****-02-28');
    expect(maskValue('redact', 'anything')).toBe('***');
    expect(maskValue('none', 42)).toBe(42);
    expect(maskValue('email', 42)).toBe('***');
  });
});

describe('classification', () => {
  it('classifies fields and attributes, defaulting to internal', () => {
    expect(defaultClassification.sensitiveFields).toEqual(['name', 'email', 'phone', 'birthday']);
    expect(defaultClassification.classOf('id')).toBe('public');
    expect(defaultClassification.classOf('tags')).toBe('internal');
    expect(defaultClassification.classOf('attributes.address')).toBe('sensitive');
    expect(defaultClassification.classOf('attributes.anythingElse')).toBe('internal');
    const strict = defineClassification({
      fields: { externalIds: 'sensitive' },
      otherAttributes: 'sensitive',
    });
    expect(strict.classOf('attributes.region')).toBe('sensitive');
    expect(strict.sensitiveFields).toEqual(['externalIds']);
  });

  it('rejects unknown fields, structural fields as sensitive and reserved attribute names', () => {
    const issues = (input: unknown) => {
      try {
        defineClassification(input as never);
      } catch (e) {
        return (e as ValidationError).issues.map((i) => `${i.path.join('.')}: ${i.message}`);
      }
      return [];
    };
    expect(issues({ fields: { emial: 'sensitive' } })).toEqual(['fields.emial: is not a customer field']);
    expect(issues({ fields: { id: 'sensitive', createdAt: 'sensitive' } })).toEqual([
      'fields.id: cannot be sensitive',
      'fields.createdAt: cannot be sensitive',
    ]);
    expect(issues({ attributes: { __x: 'internal' } })).toEqual([
      'attributes.__x: the __ prefix is reserved',
    ]);
    expect(issues({ fields: { name: 'secret' } })).toHaveLength(1);
  });
});

describe('access guard', () => {
  const guard = createAccessGuard({
    marketing: {
      fields: { public: 'read', internal: 'read', sensitive: 'write' },
      capabilities: ['consent.write'],
    },
  });

  it('combines roles: the widest read and any write win; unknown roles give nothing', () => {
    expect(guard.fieldPermission({ id: 'u', roles: ['analyst', 'support'] }, 'sensitive')).toEqual({
      read: 'masked',
      write: false,
    });
    expect(guard.fieldPermission({ id: 'u', roles: ['support', 'admin'] }, 'sensitive')).toEqual({
      read: 'plain',
      write: true,
    });
    expect(guard.fieldPermission({ id: 'u', roles: ['ghost'] }, 'public')).toEqual({
      read: 'none',
      write: false,
    });
    expect(guard.can({ id: 'u', roles: ['admin'] }, 'subject.erase')).toBe(true);
    expect(guard.can({ id: 'u', roles: ['marketing'] }, 'consent.write')).toBe(true);
    expect(guard.can({ id: 'u', roles: ['support'] }, 'audit.read')).toBe(false);
  });

  it('gives a plugin only capabilities it declared and the host granted', () => {
    const plugin = (declared: string[], granted: string[]) =>
      ({ id: 'plugin:x', kind: 'plugin', roles: ['marketing'], declared, granted }) as never;
    expect(guard.fieldPermission(plugin([], []), 'sensitive')).toEqual({ read: 'masked', write: false });
    expect(guard.fieldPermission(plugin(['pii.read'], ['pii.read']), 'sensitive')).toEqual({
      read: 'plain',
      write: false,
    });
    expect(
      guard.fieldPermission(plugin(['pii.read', 'pii.write'], ['pii.read', 'pii.write']), 'sensitive'),
    ).toEqual({ read: 'plain', write: true });
    expect(guard.can(plugin(['consent.write'], []), 'consent.write')).toBe(false);
    expect(guard.can(plugin(['consent.write'], ['consent.write']), 'consent.write')).toBe(true);
    expect(guard.fieldPermission(plugin([], []), 'internal')).toEqual({ read: 'plain', write: false });
  });

  it('validates roles and actors', () => {
    expect(() => createAccessGuard({ bad: { fields: { secret: 'read' } } as never })).toThrow(
      ValidationError,
    );
    expect(() => guard.can({ id: 'u', roles: ['admin'], kind: 'robot' } as never, 'audit.read')).toThrow(
      ValidationError,
    );
    expect(() => guard.can({ id: 'u' }, 'fly' as never)).not.toThrow();
  });
});

describe('consent checks', () => {
  const customer = {
    consent: {
      'marketing.email': { granted: true, at: new Date('2026-02-01T00:00:00Z') },
      'marketing.sms': { granted: false, at: new Date('2026-02-01T00:00:00Z') },
    },
  };

  it('needs a grant, given by asOf', () => {
    expect(hasConsent(customer, 'marketing.email')).toBe(true);
    expect(hasConsent(customer, 'marketing.email', { asOf: new Date('2026-02-01T00:00:00Z') })).toBe(true);
    expect(hasConsent(customer, 'marketing.email', { asOf: new Date('2026-01-31T23:59:59Z') })).toBe(false);
    expect(hasConsent(customer, 'marketing.sms')).toBe(false);
    expect(hasConsent(customer, 'profiling')).toBe(false);
  });

  it('filters a stream of customers', async () => {
    const rows = [
      { id: 'a', ...customer },
      { id: 'b', consent: {} },
    ];
    expect((await collect(withConsent(rows, 'marketing.email'))).map((c) => c.id)).toEqual(['a']);
  });
});

describe('data minimisation', () => {
  it('drops undeclared keys and attributes and reports them', () => {
    expect(
      minimiseCustomer(
        {
          id: 'c1',
          createdAt: '2026-01-01',
          shoeSize: 42,
          attributes: { region: 'EU', pet: 'cat', address: 'x' },
        },
        defaultClassification,
      ),
    ).toEqual({
      input: { id: 'c1', createdAt: '2026-01-01', attributes: { region: 'EU', address: 'x' } },
      dropped: ['shoeSize', 'attributes.pet'],
    });
    expect(() => minimiseCustomer('row', defaultClassification)).toThrow(ValidationError);
  });
});
