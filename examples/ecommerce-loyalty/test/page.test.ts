import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import { startStore } from './helpers';

// Debian's chromium; set CHROMIUM_PATH elsewhere.
const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => cleanup?.());

describe('account page in headless Chromium', () => {
  it('shows the points, tier and rewards after a purchase', async () => {
    expect(existsSync(executablePath), `no Chromium at ${executablePath}`).toBe(true);
    const s = await startStore();
    const browser = await chromium.launch({ executablePath, args: ['--no-sandbox'] });
    cleanup = async () => {
      await browser.close();
      await s.stop();
    };
    await s.call('POST', '/api/customers', { id: 'ada', name: 'Ada Lovelace' });
    const { cartId } = (await s.call('POST', '/api/carts', { customerId: 'ada' })).body;
    await s.call('POST', `/api/carts/${cartId}/items`, { sku: 'assam', quantity: 3 });
    await s.call('POST', `/api/carts/${cartId}/checkout`);

    const page = await browser.newPage();
    await page.goto(`${s.base}/account/ada`);
    expect(await page.textContent('h1')).toBe('Hello Ada Lovelace');
    expect(await page.textContent('#points')).toBe('Points: 54'); // 3 × 18 EUR, 1 point per EUR
    expect(await page.textContent('#tier')).toBe('Tier: Silver');
    expect(await page.locator('#rewards li').allTextContents()).toEqual([
      'Tea sample box — 50 points',
      '5 EUR off — 100 points (not yet)',
    ]);
  });
});
