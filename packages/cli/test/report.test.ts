import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { EXIT, run } from '../src/index';
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
    // Churn levels are coloured by severity, not by palette position.
    expect(html).toMatch(/fill="#c94c4c"><title>[^<]* · critical: \d+<\/title>/);
    expect(html).toMatch(/fill="#9aa5b1"><title>[^<]* · none: \d+<\/title>/);
  });
});

// Chromium comes from Debian's package (`.ci/run` installs it). On a developer
// machine without it the browser check is skipped; in CI it must run.
async function inChromium<T>(
  open: (page: Page) => Promise<unknown>,
  check: (page: Page) => Promise<T>,
): Promise<{ result: T; problems: string[]; requests: string[] }> {
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
      if (!/^(data:|about:blank|file:)/.test(r.url())) requests.push(r.url());
    });
    await open(page);
    return { result: await check(page), problems, requests };
  } finally {
    await browser.close();
  }
}

const chartsOf = (page: Page) =>
  page.$$eval('svg.chart', (nodes) =>
    nodes.map((n) => ({
      title: n.querySelector('title')?.textContent ?? '',
      width: n.getBoundingClientRect().width,
      marks: n.querySelectorAll('rect,path').length,
    })),
  );

// Chromium comes from Debian's package (`.ci/run` installs it). On a developer
// machine without it the browser check is skipped; in CI it must run.
describe.skipIf(!existsSync(CHROMIUM) && !process.env['CI'])('the report in headless Chromium', () => {
  it('renders every chart with no console errors and no network request', async () => {
    const { result, problems, requests } = await inChromium(
      (page) => page.setContent(renderReportHtml(sampleReport), { waitUntil: 'load' }),
      async (page) => ({
        charts: await chartsOf(page),
        segmentBars: await page.locator('#rfm-segments rect').count(),
        gridCells: await page.locator('#rfm-grid g.cell').count(),
        title: await page.title(),
      }),
    );
    expect(result.charts.map((c) => c.title)).toEqual(CHARTS);
    for (const chart of result.charts) {
      expect(chart.width, chart.title).toBeGreaterThan(100);
      expect(chart.marks, chart.title).toBeGreaterThan(0);
    }
    expect(result.segmentBars).toBe(3);
    expect(result.gridCells).toBe(25);
    expect(result.title).toBe('crmkit analysis — orders.csv');
    expect(problems).toEqual([]);
    expect(requests).toEqual([]);
  }, 60_000);

  it('opens the report.html that `crmkit analyze --out` writes for the sample data', async () => {
    const out = join(await mkdtemp(join(tmpdir(), 'crmkit-report-')), 'report');
    const sample = join(import.meta.dirname, '../../../examples/data/orders.csv');
    const io = { stdout: () => {}, stderr: () => {}, isTTY: false };
    expect(await run(['analyze', sample, '--out', out], io)).toBe(EXIT.OK);
    const { result, problems, requests } = await inChromium(
      (page) => page.goto(pathToFileURL(join(out, 'report.html')).href, { waitUntil: 'load' }),
      async (page) => ({
        charts: await chartsOf(page),
        segmentBars: await page.locator('#rfm-segments rect').count(),
        cohortRows: await page.locator('#cohorts g.cell').count(),
        heading: await page.locator('h1').textContent(),
      }),
    );
    expect(result.charts.map((c) => c.title)).toEqual(CHARTS);
    for (const chart of result.charts) expect(chart.marks, chart.title).toBeGreaterThan(0);
    expect(result.segmentBars).toBe(11);
    // Twelve monthly cohorts of 2025, each seen for 12 − k months: 12 + 11 + … + 1 cells.
    expect(result.cohortRows).toBe(78);
    expect(result.heading).toBe('Customer analysis');
    expect(problems).toEqual([]);
    expect(requests).toEqual([]);
  }, 120_000);
});
