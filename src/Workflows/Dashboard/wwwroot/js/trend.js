// A trend chart over drops as inline SVG: one line per ranker, runs evenly spaced in the order they completed (drops
// are days, not a measure), promoted runs ringed and the run whose model is in service marked.
import { svg, number } from './dom.js';
import { ticks } from './chart.js';

const W = 560, H = 270, M = { left: 56, right: 14, top: 36, bottom: 48 };

/**
 * runs: the API's runs, oldest first; series: [{ name, value: run => number|undefined }]; publishedRunId: the run in
 * service. Returns <svg class="chart trend-chart"> with a path.line.series-<name> per series and circle.promoted /
 * g.published-marker marks carrying data-run-id.
 */
export function trendChart(runs, series, { yLabel, publishedRunId }) {
  const values = runs.flatMap(r => series.map(s => s.value(r))).filter(v => typeof v === 'number' && Number.isFinite(v));
  const chart = svg('svg', { class: 'chart trend-chart', viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': `${yLabel} by drop`, 'data-runs': runs.length });
  if (values.length === 0) {
    chart.append(svg('text', { x: W / 2, y: H / 2, 'text-anchor': 'middle' }, 'no completed runs yet'));
    return chart;
  }
  let [y0, y1] = [Math.min(...values), Math.max(...values)];
  if (y0 === y1) { y0 -= Math.abs(y0) * 0.1 || 1; y1 += Math.abs(y1) * 0.1 || 1; }
  const pad = (y1 - y0) * 0.08;
  y0 -= pad; y1 += pad;
  const step = runs.length > 1 ? (W - M.left - M.right) / (runs.length - 1) : 0;
  const sx = i => runs.length > 1 ? M.left + i * step : (M.left + W - M.right) / 2;
  const sy = y => H - M.bottom - ((y - y0) / (y1 - y0)) * (H - M.top - M.bottom);

  const axis = svg('g', { class: 'axis' });
  for (const t of ticks(y0, y1)) {
    axis.append(svg('line', { class: 'grid-line', x1: M.left, x2: W - M.right, y1: sy(t), y2: sy(t) }));
    axis.append(svg('text', { x: M.left - 6, y: sy(t) + 4, 'text-anchor': 'end' }, number(t, 3)));
  }
  // Every drop's label when they fit, else about ten of them.
  const every = Math.max(1, Math.ceil(runs.length / 10));
  runs.forEach((r, i) => {
    if (i % every !== 0 && i !== runs.length - 1) return;
    // The end labels lean inwards so that they stay inside the chart.
    const anchor = runs.length === 1 ? 'middle' : i === 0 ? 'start' : i === runs.length - 1 ? 'end' : 'middle';
    axis.append(svg('text', { class: 'drop-label', x: sx(i), y: H - M.bottom + 16, 'text-anchor': anchor }, r.dropId));
  });
  axis.append(svg('path', { d: `M${M.left},${M.top} V${H - M.bottom} H${W - M.right}`, fill: 'none' }));
  axis.append(svg('text', { x: (M.left + W - M.right) / 2, y: H - 6, 'text-anchor': 'middle' }, 'drop'));
  axis.append(svg('text', { x: 12, y: (M.top + H - M.bottom) / 2, 'text-anchor': 'middle', transform: `rotate(-90 12 ${(M.top + H - M.bottom) / 2})` }, yLabel));
  chart.append(axis);

  const published = runs.findIndex(r => r.runId === publishedRunId);
  if (published >= 0) {
    chart.append(svg('g', { class: 'published-marker', 'data-run-id': publishedRunId },
      svg('line', { x1: sx(published), x2: sx(published), y1: M.top, y2: H - M.bottom }),
      svg('text', { x: sx(published), y: M.top - 4, 'text-anchor': published === 0 && runs.length > 1 ? 'start' : published === runs.length - 1 && runs.length > 1 ? 'end' : 'middle' }, 'published'),
      svg('title', {}, `in service: the model of ${publishedRunId}`)));
  }
  for (const s of series) {
    // A run without the value (no report, PNR without discordant pairs) leaves a gap.
    let d = '', pen = 'M';
    runs.forEach((r, i) => {
      const v = s.value(r);
      if (typeof v !== 'number' || !Number.isFinite(v)) { pen = 'M'; return; }
      d += `${pen}${sx(i).toFixed(1)},${sy(v).toFixed(1)} `;
      pen = 'L';
    });
    chart.append(svg('path', { class: `line series-${s.name}`, d: d.trim() }));
    runs.forEach((r, i) => {
      const v = s.value(r);
      if (typeof v !== 'number' || !Number.isFinite(v)) return;
      chart.append(svg('circle', { class: `point series-${s.name}${s.name === 'student' && r.promoted ? ' promoted' : ''}`, 'data-run-id': r.runId, cx: sx(i), cy: sy(v), r: s.name === 'student' && r.promoted ? 4.5 : 2.5 },
        svg('title', {}, `${r.dropId} ${s.name}: ${number(v, 3)}${s.name === 'student' && r.promoted ? ' (promoted)' : ''}`)));
    });
  }
  const legend = svg('g', { class: 'legend' });
  series.forEach((s, i) => {
    const x = M.left + 8 + i * 90;
    legend.append(svg('line', { class: `line series-${s.name}`, x1: x, x2: x + 16, y1: 8, y2: 8 }),
      svg('text', { x: x + 20, y: 12 }, s.name));
  });
  chart.append(legend);
  return chart;
}
