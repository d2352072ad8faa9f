/**
 * Pictures of a run as standalone SVG: training curves and the confusion matrix. Plain strings,
 * no dependencies, readable in a browser, the Electron UI and file viewers.
 */
export interface Series {
  name: string;
  values: number[];
  color: string;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const fmt = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 1 ? v.toFixed(2) : v.toFixed(3));

export function lineChartSvg(title: string, xLabel: string, series: Series[], options: { yMin?: number; yMax?: number } = {}): string {
  const w = 640;
  const h = 400;
  const m = { l: 60, r: 20, t: 40, b: 70 };
  const all = series.flatMap((s) => s.values).filter(Number.isFinite);
  let yMin = options.yMin ?? Math.min(...all, 0);
  let yMax = options.yMax ?? Math.max(...all, 1e-9);
  if (yMax === yMin) yMax = yMin + 1;
  const n = Math.max(1, ...series.map((s) => s.values.length));
  const x = (i: number) => m.l + (n === 1 ? 0 : (i / (n - 1)) * (w - m.l - m.r));
  const y = (v: number) => h - m.b - ((v - yMin) / (yMax - yMin)) * (h - m.t - m.b);
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" font-family="sans-serif" font-size="12">`);
  parts.push(`<rect width="${w}" height="${h}" fill="white"/>`);
  parts.push(`<text x="${w / 2}" y="22" text-anchor="middle" font-size="15">${esc(title)}</text>`);
  for (let k = 0; k <= 5; k++) {
    const v = yMin + ((yMax - yMin) * k) / 5;
    parts.push(`<line x1="${m.l}" x2="${w - m.r}" y1="${y(v)}" y2="${y(v)}" stroke="#e5e5e5"/>`);
    parts.push(`<text x="${m.l - 6}" y="${y(v) + 4}" text-anchor="end">${fmt(v)}</text>`);
  }
  const ticks = Math.min(n, 10);
  for (let k = 0; k < ticks; k++) {
    const i = Math.round((k * (n - 1)) / Math.max(1, ticks - 1));
    parts.push(`<text x="${x(i)}" y="${h - m.b + 16}" text-anchor="middle">${i + 1}</text>`);
  }
  parts.push(`<text x="${(m.l + w - m.r) / 2}" y="${h - m.b + 34}" text-anchor="middle">${esc(xLabel)}</text>`);
  parts.push(`<rect x="${m.l}" y="${m.t}" width="${w - m.l - m.r}" height="${h - m.t - m.b}" fill="none" stroke="#999"/>`);
  series.forEach((s, si) => {
    const pts = s.values.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
    if (s.values.length > 1) parts.push(`<polyline fill="none" stroke="${s.color}" stroke-width="2" points="${pts}"/>`);
    s.values.forEach((v, i) => parts.push(`<circle cx="${x(i).toFixed(1)}" cy="${y(v).toFixed(1)}" r="2.5" fill="${s.color}"/>`));
    const lx = m.l + si * 150;
    parts.push(`<rect x="${lx}" y="${h - 22}" width="14" height="4" fill="${s.color}"/><text x="${lx + 20}" y="${h - 16}">${esc(s.name)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n');
}

export function confusionMatrixSvg(matrix: number[][], labels: string[], title = 'Confusion matrix (test)'): string {
  const n = labels.length;
  const cell = Math.max(28, Math.min(64, Math.floor(560 / Math.max(1, n))));
  const left = 150;
  const top = 60;
  const w = left + n * cell + 30;
  const h = top + n * cell + 130;
  const max = Math.max(1, ...matrix.flat());
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" font-family="sans-serif" font-size="12">`);
  parts.push(`<rect width="${w}" height="${h}" fill="white"/>`);
  parts.push(`<text x="${w / 2}" y="24" text-anchor="middle" font-size="15">${esc(title)}</text>`);
  for (let r = 0; r < n; r++) {
    const rowSum = matrix[r].reduce((a, b) => a + b, 0);
    parts.push(`<text x="${left - 8}" y="${top + r * cell + cell / 2 + 4}" text-anchor="end">${esc(labels[r])}</text>`);
    for (let c = 0; c < n; c++) {
      const v = matrix[r][c];
      const shade = Math.round(255 - (v / max) * 200);
      const fill = `rgb(${shade},${shade},255)`;
      const x = left + c * cell;
      const y = top + r * cell;
      parts.push(`<rect x="${x}" y="${y}" width="${cell}" height="${cell}" fill="${fill}" stroke="#fff"><title>true ${esc(labels[r])}, predicted ${esc(labels[c])}: ${v}${rowSum ? ` (${((100 * v) / rowSum).toFixed(1)}%)` : ''}</title></rect>`);
      parts.push(`<text x="${x + cell / 2}" y="${y + cell / 2 + 4}" text-anchor="middle" fill="${v / max > 0.6 ? 'white' : 'black'}">${v}</text>`);
    }
  }
  for (let c = 0; c < n; c++) {
    const x = left + c * cell + cell / 2;
    const y = top + n * cell + 10;
    parts.push(`<text transform="translate(${x},${y}) rotate(45)" text-anchor="start">${esc(labels[c])}</text>`);
  }
  parts.push(`<text x="${left + (n * cell) / 2}" y="${h - 10}" text-anchor="middle">predicted</text>`);
  parts.push(`<text transform="translate(16,${top + (n * cell) / 2}) rotate(-90)" text-anchor="middle">true</text>`);
  parts.push('</svg>');
  return parts.join('\n');
}
