import { barChart, columnChart, curveChart, escapeHtml, heatmap, stackedBarChart } from './charts';
import type { AnalysisReport } from './schema';

const integer = (n: number) => Math.round(n).toLocaleString('en-US');
const percent = (n: number) => `${(n * 100).toFixed(n >= 0.1 || n === 0 ? 0 : 1)}%`;
const money = (amount: string, currency: string) =>
  `${Number(amount).toLocaleString('en-US', { maximumFractionDigits: 0 })} ${currency}`;

/** Churn levels in order of severity: calm grey, then yellow, orange, red. */
const LEVEL_COLOURS: Readonly<Record<string, string>> = {
  none: '#9aa5b1',
  watch: '#d4b02f',
  warning: '#e5892b',
  critical: '#c94c4c',
};

const STYLE = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1d2733;background:#f5f7fa;margin:0}
main{max-width:1080px;margin:0 auto;padding:24px}
h1{font-size:24px;margin:0 0 4px}h2{font-size:18px;margin:0 0 8px}
p.lead{color:#5b6775;margin:0 0 20px}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(160px,1fr));gap:12px;margin-bottom:20px}
.card{background:#fff;border-radius:8px;padding:12px 14px;box-shadow:0 1px 2px rgba(0,0,0,.06)}
.card b{display:block;font-size:20px}.card span{color:#5b6775;font-size:12px}
section{background:#fff;border-radius:8px;padding:16px 18px;margin-bottom:16px;box-shadow:0 1px 2px rgba(0,0,0,.06);overflow-x:auto}
section p{color:#5b6775;margin:0 0 10px}
svg.chart text{font-size:12px;fill:#1d2733}svg.chart text.muted{fill:#5b6775}
table{border-collapse:collapse;font-size:13px}td,th{padding:3px 10px;text-align:right;border-bottom:1px solid #eef1f5}
td:first-child,th:first-child{text-align:left}
footer{color:#5b6775;font-size:12px;text-align:center;padding:12px}
`;

function section(id: string, title: string, explanation: string, body: string): string {
  return `<section id="${id}"><h2>${escapeHtml(title)}</h2><p>${escapeHtml(explanation)}</p>${body}</section>`;
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const head = header.map((h) => `<th>${escapeHtml(h)}</th>`).join('');
  const body = rows.map((row) => `<tr>${row.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`).join('');
  return `<table><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}

/**
 * Renders the analysis as one self-contained HTML page: inline CSS and SVG
 * charts, no script and no network access, so it opens anywhere (and can be
 * mailed). Sections: summary, RFM segments, recency × frequency, value tiers,
 * CLV distribution, churn levels by segment, cohort retention, Pareto curve.
 *
 * @example
 * ```ts
 * await writeFile('report.html', renderReportHtml(report));
 * ```
 */
export function renderReportHtml(report: AnalysisReport): string {
  const { currency, summary, rfm, tiers, clv, churn, cohorts, pareto } = report;
  const revenue = summary.revenue.find((m) => m.currency === currency)?.amount ?? '0';
  const cards = [
    ['Customers', integer(summary.customers)],
    ['Orders', integer(summary.orders)],
    ['Revenue', money(revenue, currency)],
    ['Average order', money(summary.averageOrderValue, currency)],
    ['Repeat customers', percent(summary.repeatCustomerRate)],
    [`Predicted value (${clv.horizonMonths} months)`, money(clv.total, currency)],
    ['Top 20 % bring', percent(pareto.top20Share)],
  ]
    .map(
      ([label, value]) =>
        `<div class="card"><b>${escapeHtml(value ?? '')}</b><span>${escapeHtml(label ?? '')}</span></div>`,
    )
    .join('');

  const levels = churn.levels.map((l) => l.level);
  const sections = [
    section(
      'rfm-segments',
      'RFM segments',
      'Customers by recency, frequency and monetary scores (1–5, by quantiles), mapped to named segments; bar length is the number of customers, the note their revenue.',
      barChart(
        'RFM segment sizes',
        rfm.segments.map((s) => ({
          label: s.name,
          value: s.customers,
          note: `${percent(s.share)} · ${money(s.revenue, currency)}`,
        })),
        integer,
      ),
    ),
    section(
      'rfm-grid',
      'Recency × frequency',
      'How many customers hold each pair of recency (rows, 5 = bought most recently) and frequency scores (columns).',
      heatmap(
        'Recency by frequency heat map',
        rfm.grid.map((_, r) => `R ${rfm.grid.length - r}`),
        (rfm.grid[0] ?? []).map((_, c) => `F ${c + 1}`),
        rfm.grid,
        integer,
        { rows: 'recency score', columns: 'frequency score' },
      ),
    ),
    section(
      'tiers',
      'Value tiers',
      'A portfolio by target shares of customers, ranked by past revenue (the potential tier by predicted value).',
      barChart(
        'Value tiers',
        tiers.map((t) => ({ label: t.name, value: t.customers, note: money(t.revenue, currency) })),
        integer,
      ),
    ),
    section(
      'clv',
      'Customer lifetime value',
      clv.purchaseModel === null
        ? (clv.note ?? 'CLV could not be estimated on this data.')
        : `Predicted value over the next ${clv.horizonMonths} months (BG/NBD purchases × Gamma-Gamma spend, discounted at ${percent(clv.annualDiscountRate)} a year), customers by band.`,
      columnChart(
        'CLV distribution',
        clv.distribution.map((b) => ({
          label: `${integer(Number(b.from))}–${integer(Number(b.to))}`,
          value: b.customers,
        })),
        integer,
      ) +
        (clv.purchaseModel === null
          ? ''
          : table(
              ['model', 'parameters', 'log-likelihood'],
              [clv.purchaseModel, ...(clv.spendModel ? [clv.spendModel] : [])].map((m) => [
                m.name,
                Object.entries(m.params)
                  .map(([k, v]) => `${k}=${v.toPrecision(4)}`)
                  .join(', '),
                m.logLikelihood.toFixed(2),
              ]),
            )),
    ),
    section(
      'churn',
      'Churn levels by segment',
      'Early-warning levels from recency relative to each customer’s own buying rhythm and from the probability of being alive.',
      stackedBarChart(
        'Churn levels by segment',
        churn.bySegment.map((s) => s.segment),
        levels,
        churn.bySegment.map((s) => levels.map((level) => s.levels[level] ?? 0)),
        levels.map((level) => LEVEL_COLOURS[level] ?? '#6b7785'),
      ) +
        table(
          ['level', 'customers', 'share'],
          churn.levels.map((l) => [l.level, integer(l.customers), percent(l.share)]),
        ),
    ),
    section(
      'cohorts',
      'Cohort retention',
      'Share of each monthly acquisition cohort that ordered again n months after its first order.',
      heatmap(
        'Cohort retention heat map',
        cohorts.rows.map((r) => `${r.cohort} (${r.customers})`),
        cohorts.periods.map((p) => `+${p}`),
        cohorts.rows.map((r) => cohorts.periods.map((_, i) => r.retention[i] ?? null)),
        percent,
        { rows: 'cohort', columns: 'months since first order' },
      ),
    ),
    section(
      'pareto',
      'Revenue concentration',
      `The top 20 % of customers bring ${percent(pareto.top20Share)} of revenue. The dashed diagonal is perfect equality.`,
      curveChart(
        'Pareto curve',
        pareto.curve.map((p) => ({ x: p.customerShare, y: p.revenueShare })),
        { x: 'share of customers (best first)', y: 'share of revenue' },
      ),
    ),
  ];

  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>crmkit analysis — ${escapeHtml(report.input.file)}</title><style>${STYLE}</style></head>
<body><main>
<h1>Customer analysis</h1>
<p class="lead">${escapeHtml(report.input.file)} · as of ${escapeHtml(report.asOf.slice(0, 10))} · ${integer(report.input.rows.accepted)} orders accepted, ${integer(report.input.rows.rejected)} rejected</p>
<div class="cards">${cards}</div>
${sections.join('\n')}
<footer>Made by crmkit. Tables: segments.csv, customers.csv; everything: report.json.</footer>
</main></body></html>
`;
}
