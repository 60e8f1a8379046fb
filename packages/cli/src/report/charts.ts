// Small, dependency-free SVG charts for the self-contained HTML report.
// Every chart is an <svg role="img"> with a <title>, so it reads without
// colour and is easy to find in tests.

/** Escapes text for HTML and SVG. */
export function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

const PALETTE = ['#2f6fdf', '#e5892b', '#3aa569', '#c94c4c', '#8a5cc7', '#6b7785', '#d4b02f', '#27a3b8'];

/** A categorical colour, cycling through a palette readable on white. */
export function categoryColour(index: number): string {
  return PALETTE[index % PALETTE.length] as string;
}

/** A sequential blue for a value in [0, 1] (0 pale, 1 dark). */
export function scaleColour(t: number): string {
  const clamped = Number.isFinite(t) ? Math.min(1, Math.max(0, t)) : 0;
  const from = [239, 244, 252];
  const to = [20, 66, 160];
  const mix = from.map((f, i) => Math.round(f + ((to[i] as number) - f) * clamped));
  return `rgb(${mix.join(',')})`;
}

const round = (n: number) => Math.round(n * 10) / 10;

function svg(title: string, width: number, height: number, body: string): string {
  return `<svg class="chart" role="img" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" xmlns="http://www.w3.org/2000/svg"><title>${escapeHtml(title)}</title>${body}</svg>`;
}

/** One bar of {@link barChart}. */
export interface Bar {
  readonly label: string;
  readonly value: number;
  /** Shown after the bar, e.g. the revenue of the segment. */
  readonly note?: string;
}

/** Horizontal bars, one per label, longest first as given. */
export function barChart(title: string, bars: readonly Bar[], format: (n: number) => string): string {
  const rowHeight = 26;
  const labelWidth = 170;
  const barWidth = 360;
  const width = labelWidth + barWidth + 200;
  const height = Math.max(1, bars.length) * rowHeight + 10;
  const max = Math.max(0, ...bars.map((b) => b.value));
  const rows = bars.map((bar, i) => {
    const y = 5 + i * rowHeight;
    const w = max > 0 ? round((bar.value / max) * barWidth) : 0;
    const text = `${format(bar.value)}${bar.note ? ` · ${bar.note}` : ''}`;
    return (
      `<g class="bar"><text x="${labelWidth - 8}" y="${y + 17}" text-anchor="end">${escapeHtml(bar.label)}</text>` +
      `<rect x="${labelWidth}" y="${y + 3}" width="${w}" height="${rowHeight - 8}" fill="${categoryColour(i)}"><title>${escapeHtml(`${bar.label}: ${text}`)}</title></rect>` +
      `<text x="${labelWidth + w + 6}" y="${y + 17}" class="muted">${escapeHtml(text)}</text></g>`
    );
  });
  return svg(title, width, height, rows.join(''));
}

/** A heat map: one cell per (row, column), darker for larger values. */
export function heatmap(
  title: string,
  rowLabels: readonly string[],
  columnLabels: readonly string[],
  cells: readonly (readonly (number | null)[])[],
  format: (n: number) => string,
  axes: { rows: string; columns: string },
): string {
  const cell = 46;
  const left = 110;
  const top = 40;
  const width = left + columnLabels.length * cell + 10;
  const height = top + rowLabels.length * cell + 10;
  const values = cells.flat().filter((v): v is number => v !== null);
  const max = Math.max(0, ...values);
  const parts = [
    `<text x="${left}" y="14" class="muted">${escapeHtml(axes.columns)} →</text>`,
    `<text x="4" y="${top - 8}" class="muted">${escapeHtml(axes.rows)} ↓</text>`,
    ...columnLabels.map(
      (label, c) =>
        `<text x="${left + c * cell + cell / 2}" y="${top - 8}" text-anchor="middle">${escapeHtml(label)}</text>`,
    ),
  ];
  rowLabels.forEach((label, r) => {
    const y = top + r * cell;
    parts.push(`<text x="${left - 8}" y="${y + cell / 2 + 5}" text-anchor="end">${escapeHtml(label)}</text>`);
    columnLabels.forEach((columnLabel, c) => {
      const value = cells[r]?.[c] ?? null;
      if (value === null) return;
      const t = max > 0 ? value / max : 0;
      const x = left + c * cell;
      parts.push(
        `<g class="cell"><rect x="${x}" y="${y}" width="${cell - 2}" height="${cell - 2}" fill="${scaleColour(t)}"><title>${escapeHtml(`${label} × ${columnLabel}: ${format(value)}`)}</title></rect>` +
          `<text x="${x + cell / 2 - 1}" y="${y + cell / 2 + 4}" text-anchor="middle" font-size="11" style="fill:${t > 0.55 ? '#fff' : '#1d2733'}">${escapeHtml(format(value))}</text></g>`,
      );
    });
  });
  return svg(title, width, height, parts.join(''));
}

/** Vertical columns (a histogram when the labels are bins). */
export function columnChart(title: string, columns: readonly Bar[], format: (n: number) => string): string {
  const columnWidth = 44;
  const plot = 200;
  const top = 20;
  const width = Math.max(1, columns.length) * columnWidth + 20;
  const height = top + plot + 70;
  const max = Math.max(0, ...columns.map((c) => c.value));
  const parts = columns.map((column, i) => {
    const h = max > 0 ? round((column.value / max) * plot) : 0;
    const x = 10 + i * columnWidth;
    const y = top + plot - h;
    return (
      `<g class="column"><rect x="${x}" y="${y}" width="${columnWidth - 6}" height="${h}" fill="${categoryColour(0)}"><title>${escapeHtml(`${column.label}: ${format(column.value)}`)}</title></rect>` +
      `<text x="${x + (columnWidth - 6) / 2}" y="${y - 4}" text-anchor="middle" font-size="11">${escapeHtml(format(column.value))}</text>` +
      `<text transform="translate(${x + columnWidth / 2},${top + plot + 8}) rotate(45)" font-size="11">${escapeHtml(column.label)}</text></g>`
    );
  });
  return svg(title, width, height, parts.join(''));
}

/** Stacked horizontal bars: one bar per category, one colour per series (`colours`, else the palette). */
export function stackedBarChart(
  title: string,
  categories: readonly string[],
  series: readonly string[],
  values: readonly (readonly number[])[],
  colours: readonly string[] = [],
): string {
  const colour = (s: number) => colours[s] ?? categoryColour(s);
  const rowHeight = 26;
  const labelWidth = 170;
  const barWidth = 420;
  const legendHeight = 28;
  const width = labelWidth + barWidth + 80;
  const height = legendHeight + Math.max(1, categories.length) * rowHeight + 10;
  const max = Math.max(0, ...values.map((row) => row.reduce((a, b) => a + b, 0)));
  const parts = series.map(
    (name, s) =>
      `<rect x="${labelWidth + s * 110}" y="6" width="12" height="12" fill="${colour(s)}"/><text x="${labelWidth + s * 110 + 16}" y="17">${escapeHtml(name)}</text>`,
  );
  categories.forEach((category, r) => {
    const y = legendHeight + r * rowHeight;
    parts.push(`<text x="${labelWidth - 8}" y="${y + 17}" text-anchor="end">${escapeHtml(category)}</text>`);
    let x = labelWidth;
    (values[r] ?? []).forEach((value, s) => {
      const w = max > 0 ? round((value / max) * barWidth) : 0;
      if (w > 0) {
        parts.push(
          `<rect class="segment" x="${x}" y="${y + 3}" width="${w}" height="${rowHeight - 8}" fill="${colour(s)}"><title>${escapeHtml(`${category} · ${series[s]}: ${value}`)}</title></rect>`,
        );
      }
      x += w;
    });
    const total = (values[r] ?? []).reduce((a, b) => a + b, 0);
    parts.push(`<text x="${x + 6}" y="${y + 17}" class="muted">${total}</text>`);
  });
  return svg(title, width, height, parts.join(''));
}

/** A line through points in the unit square, with the diagonal for reference. */
export function curveChart(
  title: string,
  points: readonly { x: number; y: number }[],
  axes: { x: string; y: string },
): string {
  const size = 260;
  const left = 50;
  const top = 15;
  const width = left + size + 20;
  const height = top + size + 45;
  const px = (x: number) => round(left + x * size);
  const py = (y: number) => round(top + (1 - y) * size);
  const path = points.map((p, i) => `${i === 0 ? 'M' : 'L'}${px(p.x)},${py(p.y)}`).join(' ');
  const ticks = [0, 0.25, 0.5, 0.75, 1]
    .map(
      (t) =>
        `<text x="${px(t)}" y="${top + size + 16}" text-anchor="middle" font-size="11">${t * 100}%</text>` +
        `<text x="${left - 6}" y="${py(t) + 4}" text-anchor="end" font-size="11">${t * 100}%</text>` +
        `<line x1="${left}" x2="${left + size}" y1="${py(t)}" y2="${py(t)}" stroke="#e3e8ef"/>`,
    )
    .join('');
  return svg(
    title,
    width,
    height,
    `${ticks}<rect x="${left}" y="${top}" width="${size}" height="${size}" fill="none" stroke="#c5ced9"/>` +
      `<line x1="${px(0)}" y1="${py(0)}" x2="${px(1)}" y2="${py(1)}" stroke="#c5ced9" stroke-dasharray="4 4"/>` +
      `<path class="curve" d="${path}" fill="none" stroke="${categoryColour(0)}" stroke-width="2.5"/>` +
      `<text x="${left + size / 2}" y="${top + size + 36}" text-anchor="middle" class="muted">${escapeHtml(axes.x)}</text>`,
  );
}
