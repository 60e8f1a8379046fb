import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { CliError, normaliseDate, type OrdersCsvRow, readOrdersCsv } from '../src/index';

async function read(text: string, options = {}) {
  const rows: OrdersCsvRow[] = [];
  for await (const row of readOrdersCsv(Readable.from([text]), options)) rows.push(row);
  return rows;
}

describe('readOrdersCsv', () => {
  it('turns rows into validated orders with line numbers', async () => {
    const rows = await read(
      'customer_id,date,amount,channel,category\nc1,2026-03-01,19.99,web,tea\n\nc2,20260302,5,,\n',
    );
    expect(rows.map((r) => r.line)).toEqual([2, 4]);
    const [a, b] = rows;
    expect(a!.ok && a!.order).toMatchObject({ id: 'L2', customerId: 'c1', channel: 'web', currency: 'EUR' });
    expect(a!.ok && a!.order.total.toString()).toBe('19.99 EUR');
    expect(a!.ok && a!.order.lines[0]).toMatchObject({ sku: 'tea', category: 'tea', quantity: 1 });
    expect(b!.ok && b!.order.placedAt.toISOString()).toBe('2026-03-02T00:00:00.000Z');
    expect(b!.ok && b!.order.lines[0]!.sku).toBe('item');
  });

  it('reports every bad row with its line and reason, and keeps the good ones', async () => {
    const rows = await read(
      [
        'order_id,customer_id,date,amount,currency',
        'o1,c1,2026-03-01,10,EUR',
        'o2,,2026-03-01,10,EUR',
        'o3,c1,yesterday,10,EUR',
        'o4,c1,2026-03-01,-5,EUR',
        'o5,c1,2026-03-01,ten,EUR',
        'o6,c1,2026-03-01,10,EURO',
        'o7,c1,2026-03-01,10,USD',
      ].join('\n'),
    );
    expect(rows.filter((r) => r.ok).map((r) => r.line)).toEqual([2, 8]);
    expect(rows.filter((r) => !r.ok)).toEqual([
      // bytes: how far the reader is after the row (the header is 42 bytes, each row ends with \n).
      { ok: false, line: 3, bytes: 88, reason: 'missing customer_id' },
      {
        ok: false,
        line: 4,
        bytes: 111,
        reason: 'date: must be an ISO 8601 date-time with Z or an offset, a YYYY-MM-DD date, or a valid Date',
      },
      { ok: false, line: 5, bytes: 135, reason: 'amount: must not be negative' },
      {
        ok: false,
        line: 6,
        bytes: 160,
        reason: 'amount: must be a finite decimal amount (a number or a decimal string)',
      },
      { ok: false, line: 7, bytes: 185, reason: 'currency: must be an ISO 4217 currency code, got "EURO"' },
    ]);
  });

  it('maps column names, other delimiters and whitespace-separated files', async () => {
    const mapped = await read('cust;dt;value\nc9;2026-01-31;7.5\n', {
      delimiter: ';',
      columns: { customer_id: 'cust', date: 'dt', amount: 'value' },
      currency: 'USD',
    });
    expect(mapped[0]!.ok && mapped[0]!.order.total.toString()).toBe('7.5 USD');
    const spaced = await read('customer_id   date      amount\n00001   19970101   29.33\n', {
      delimiter: 'whitespace',
    });
    expect(spaced[0]!.ok && spaced[0]!.order).toMatchObject({ customerId: '00001' });
  });

  it('fails in one line on a missing file, an empty file or a header without the needed columns', async () => {
    await expect(read('')).rejects.toThrow(
      new CliError('CLI_INPUT', 'the CSV file is empty (no header row)'),
    );
    await expect(read('customer,when,amount\nc1,2026-01-01,1\n')).rejects.toThrow(
      /the CSV header lacks customer_id, date; found customer,when,amount/,
    );
    const missing = readOrdersCsv('/nonexistent/orders.csv');
    await expect(missing.next()).rejects.toThrow('cannot read /nonexistent/orders.csv: no such file');
  });

  it('normalises compact dates only', () => {
    expect(normaliseDate('19970101')).toBe('1997-01-01');
    expect(normaliseDate('2026-03-01T10:00:00Z')).toBe('2026-03-01T10:00:00Z');
  });
});
