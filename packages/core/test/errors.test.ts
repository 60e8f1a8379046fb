import {
  AlreadyExistsError,
  CrmError,
  isCrmError,
  NotFoundError,
  summarizeIssues,
  ValidationError,
  VersionConflictError,
} from '@crmkit/core';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';

describe('typed errors', () => {
  it('carry stable codes, names and details', () => {
    const cases: [CrmError, string, string][] = [
      [new NotFoundError('customer', 'c1'), 'NOT_FOUND', 'customer "c1" does not exist'],
      [new AlreadyExistsError('order', 'o1'), 'ALREADY_EXISTS', 'order "o1" already exists'],
      [
        new VersionConflictError('customer', 'c1', 3, 4),
        'VERSION_CONFLICT',
        'customer "c1" is at version 4, expected 3',
      ],
    ];
    for (const [error, code, message] of cases) {
      expect(error).toBeInstanceOf(CrmError);
      expect(error).toBeInstanceOf(Error);
      expect(error.code).toBe(code);
      expect(error.message).toBe(message);
      expect(isCrmError(error, code)).toBe(true);
      expect(isCrmError(error, 'OTHER')).toBe(false);
    }
    const conflict = new VersionConflictError('doc', 'd', null, 2);
    expect(conflict.name).toBe('VersionConflictError');
    expect(conflict.details).toEqual({ entity: 'doc', id: 'd', expectedVersion: null, actualVersion: 2 });
    expect(isCrmError(new Error('x'))).toBe(false);
  });

  it('ValidationError keeps every zod issue path and summarises them', () => {
    const schema = z.object({ a: z.number(), b: z.array(z.string()) });
    const result = schema.safeParse({ a: 'x', b: [1] });
    expect(result.success).toBe(false);
    const error = ValidationError.fromZod('thing', result.error!);
    expect(error.issues.map((i) => i.path)).toEqual([['a'], ['b', 0]]);
    expect(error.message).toMatch(/^invalid thing: a: .+; b\.0: .+$/);
    expect(error.details['what']).toBe('thing');
  });

  it('ValidationError message is bounded for many issues', () => {
    const issues = Array.from({ length: 8 }, (_, i) => ({ path: [i], message: 'bad', code: 'custom' }));
    expect(new ValidationError('rows', issues).message).toMatch(/\(\+3 more\)$/);
  });
});

describe('summarizeIssues', () => {
  it('lists the first five issues, names the root and counts the rest', () => {
    const issues = Array.from({ length: 7 }, (_, i) => ({
      path: i === 0 ? [] : ['lines', i],
      message: `bad ${i}`,
    }));
    expect(summarizeIssues(issues)).toBe(
      '(root): bad 0; lines.1: bad 1; lines.2: bad 2; lines.3: bad 3; lines.4: bad 4 (+2 more)',
    );
    expect(summarizeIssues(issues.slice(1, 2), (i) => `#${i.path.join('/')} ${i.message}`)).toBe(
      '#lines/1 bad 1',
    );
    expect(summarizeIssues([])).toBe('');
  });
});
