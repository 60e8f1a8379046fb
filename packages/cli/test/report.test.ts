import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { renderReportHtml } from '../src/report/html';
import { AnalysisReportSchema } from '../src/report/schema';
import { sampleReport } from './fixtures/report';

const CHROMIUM = process.env['CRMKIT_CHROMIUM'] ?? '/usr/bin/chromium';
const CHARTS = [
  'RFM segment sizes',
  'Recency by frequency heat map',
  'Value tiers',
  'CLV distribution',
  'Churn levels by segment',
  'Cohort retention heat map',
  'Pareto curve',
];

describe('renderReportHtml', () => {
  it('the fixture is a valid report', () => {
    expect(AnalysisReportSchema.parse(sampleReport)).toEqual(sampleReport);
  });

  it('writes one self-contained page with every chart and escaped labels', () => {
    const html = renderReportHtml(sampleReport);
    for (const title of CHARTS) expect(html).toContain(`<title>${title}</title>`);
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
    expect(html).toContain('At risk &lt;b&gt;');
    expect(html).not.toContain('At risk <b>');
    expect(html).toContain('6,000 EUR');
    expect(html).toContain('Top 20 % bring');
  });
});

// Chromium comes from Debian's package (`.ci/run` installs it). On a developer
// machine without it the browser check is skipped; in CI it must run.
describe.skipIf(!existsSync(CHROMIUM) && !process.env['CI'])('the report in headless Chromium', () => {
  it('renders every chart with no console errors and no network request', async () => {
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic',
      ],
    });
    try {
      const page = await browser.newPage();
      const problems: string[] = [];
      const requests: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error') problems.push(m.text());
      });
      page.on('pageerror', (e) => problems.push(e.message));
      page.on('request', (r) => {
        if (!r.url().startsWith('data:') && r.url() !== 'about:blank') requests.push(r.url());
      });
      await page.setContent(renderReportHtml(sampleReport), { waitUntil: 'load' });
      const charts = await page.$$eval('svg.chart', (nodes) =>
        nodes.map((n) => ({
          title: n.querySelector('title')?.textContent ?? '',
          width: n.getBoundingClientRect().width,
          marks: n.querySelectorAll('rect,path').length,
        })),
      );
      expect(charts.map((c) => c.title)).toEqual(CHARTS);
      for (const chart of charts) {
        expect(chart.width, chart.title).toBeGreaterThan(100);
        expect(chart.marks, chart.title).toBeGreaterThan(0);
      }
      expect(await page.locator('#rfm-segments rect').count()).toBe(3);
      expect(await page.locator('#rfm-grid g.cell').count()).toBe(25);
      expect(await page.title()).toBe('crmkit analysis — orders.csv');
      expect(problems).toEqual([]);
      expect(requests).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 60_000);
});
