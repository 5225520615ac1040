/**
 * Small SVG charts drawn by hand (no chart library): the same markup in the History screen and in
 * the PDF report, so what a supervisor sees is what gets printed. Pure string building; every text
 * that reaches the markup goes through `escapeXml`.
 */
export interface Series {
  label: string;
  colour: string;
  values: number[];
}

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

/** Stacked columns, one per category (e.g. a day), each stacking the series (pass/fail/review). */
export function stackedColumnsSvg(categories: string[], series: Series[], opts: { width?: number; height?: number; title: string }): string {
  const width = opts.width ?? 640;
  const height = opts.height ?? 220;
  const pad = { left: 44, right: 8, top: 24, bottom: 36 };
  const plotW = width - pad.left - pad.right;
  const plotH = height - pad.top - pad.bottom;
  const totals = categories.map((_, i) => series.reduce((s, x) => s + (x.values[i] ?? 0), 0));
  const max = Math.max(1, ...totals);
  const step = categories.length ? plotW / categories.length : plotW;
  const barW = Math.max(1, step * 0.8);
  const bars: string[] = [];
  categories.forEach((cat, i) => {
    let y = pad.top + plotH;
    for (const s of series) {
      const v = s.values[i] ?? 0;
      if (v <= 0) continue;
      const h = (v / max) * plotH;
      y -= h;
      bars.push(
        `<rect x="${fmt(pad.left + i * step + (step - barW) / 2)}" y="${fmt(y)}" width="${fmt(barW)}" height="${fmt(h)}" fill="${s.colour}"><title>${escapeXml(`${cat} ${s.label}: ${v}`)}</title></rect>`,
      );
    }
  });
  const labelEvery = Math.max(1, Math.ceil(categories.length / 8));
  const labels = categories
    .map((cat, i) =>
      i % labelEvery === 0
        ? `<text x="${fmt(pad.left + i * step + step / 2)}" y="${height - pad.bottom + 14}" font-size="10" text-anchor="middle">${escapeXml(cat)}</text>`
        : '',
    )
    .join('');
  const legend = series
    .map((s, i) => `<rect x="${pad.left + i * 90}" y="6" width="10" height="10" fill="${s.colour}"/><text x="${pad.left + i * 90 + 14}" y="15" font-size="11">${escapeXml(s.label)}</text>`)
    .join('');
  return svg(width, height, opts.title, [
    axes(pad, width, height, max),
    bars.join(''),
    labels,
    legend,
  ]);
}

/** Horizontal bars with their counts, one per item (e.g. defect types). */
export function horizontalBarsSvg(items: Array<{ label: string; value: number }>, opts: { width?: number; title: string; colour?: string; emptyText?: string }): string {
  const width = opts.width ?? 640;
  const rowH = 22;
  const height = Math.max(40, 16 + items.length * rowH);
  const labelW = 150;
  const max = Math.max(1, ...items.map((i) => i.value));
  const rows = items
    .map((item, i) => {
      const y = 8 + i * rowH;
      const w = (item.value / max) * (width - labelW - 60);
      return `<text x="${labelW - 6}" y="${y + 14}" font-size="11" text-anchor="end">${escapeXml(item.label)}</text><rect x="${labelW}" y="${y + 3}" width="${fmt(w)}" height="${rowH - 8}" fill="${opts.colour ?? '#c0392b'}"/><text x="${fmt(labelW + w + 4)}" y="${y + 14}" font-size="11">${item.value}</text>`;
    })
    .join('');
  const empty = items.length === 0 ? `<text x="8" y="24" font-size="12">${escapeXml(opts.emptyText ?? 'No confirmed defects in this selection')}</text>` : '';
  return svg(width, height, opts.title, [rows, empty]);
}

function axes(pad: { left: number; top: number; bottom: number; right: number }, width: number, height: number, max: number): string {
  const y0 = height - pad.bottom;
  return `<line x1="${pad.left}" y1="${pad.top}" x2="${pad.left}" y2="${y0}" stroke="#888"/><line x1="${pad.left}" y1="${y0}" x2="${width - pad.right}" y2="${y0}" stroke="#888"/><text x="${pad.left - 4}" y="${pad.top + 4}" font-size="10" text-anchor="end">${max}</text><text x="${pad.left - 4}" y="${y0}" font-size="10" text-anchor="end">0</text>`;
}

function svg(width: number, height: number, title: string, parts: string[]): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}"><title>${escapeXml(title)}</title>${parts.join('')}</svg>`;
}

function fmt(n: number): string {
  return n.toFixed(1);
}

export const VERDICT_COLOURS = { pass: '#2e8b57', fail: '#c0392b', review: '#e0a100' } as const;
