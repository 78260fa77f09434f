// A small line chart drawn as inline SVG (no chart library): loss per training step.
import { svg, number } from './dom.js';

const W = 560, H = 240, M = { left: 56, right: 14, top: 12, bottom: 34 };

/** Ticks at 1/2/5 x 10^k covering [min, max]. */
export function ticks(min, max, count = 5) {
  if (!(max > min)) return [min];
  const raw = (max - min) / count;
  const power = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = [1, 2, 5, 10].map(f => f * power).find(s => s >= raw);
  const out = [];
  for (let v = Math.ceil(min / step) * step; v <= max + step * 1e-9; v += step) out.push(+v.toPrecision(12));
  return out;
}

/**
 * points: [{ x, y }] (y may be null: a gap). Returns an <svg class="chart loss-chart"> with one path.line per run of
 * finite values; markers: optional [{ x, y, label }] drawn as dots (evaluations).
 */
export function lineChart(points, { xLabel = 'step', yLabel = 'loss', markers = [] } = {}) {
  const finite = points.filter(p => typeof p.y === 'number' && Number.isFinite(p.y));
  const chart = svg('svg', { class: 'chart loss-chart', viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': `${yLabel} by ${xLabel}`, 'data-points': finite.length });
  if (finite.length === 0) {
    chart.append(svg('text', { x: W / 2, y: H / 2, 'text-anchor': 'middle' }, 'no points yet'));
    return chart;
  }
  const xs = finite.map(p => p.x), ys = finite.map(p => p.y);
  let [x0, x1] = [Math.min(...xs), Math.max(...xs)];
  let [y0, y1] = [Math.min(...ys), Math.max(...ys)];
  if (x0 === x1) { x0 -= 1; x1 += 1; }
  if (y0 === y1) { y0 -= Math.abs(y0) * 0.1 || 1; y1 += Math.abs(y1) * 0.1 || 1; }
  const pad = (y1 - y0) * 0.05;
  y0 -= pad; y1 += pad;
  const sx = x => M.left + ((x - x0) / (x1 - x0)) * (W - M.left - M.right);
  const sy = y => H - M.bottom - ((y - y0) / (y1 - y0)) * (H - M.top - M.bottom);

  const axis = svg('g', { class: 'axis' });
  for (const t of ticks(y0, y1)) {
    axis.append(svg('line', { class: 'grid-line', x1: M.left, x2: W - M.right, y1: sy(t), y2: sy(t) }));
    axis.append(svg('text', { x: M.left - 6, y: sy(t) + 4, 'text-anchor': 'end' }, number(t, 3)));
  }
  for (const t of ticks(x0, x1, 6)) {
    axis.append(svg('line', { x1: sx(t), x2: sx(t), y1: H - M.bottom, y2: H - M.bottom + 4 }));
    axis.append(svg('text', { x: sx(t), y: H - M.bottom + 16, 'text-anchor': 'middle' }, number(t, 0)));
  }
  axis.append(svg('path', { d: `M${M.left},${M.top} V${H - M.bottom} H${W - M.right}`, fill: 'none' }));
  axis.append(svg('text', { x: (M.left + W - M.right) / 2, y: H - 4, 'text-anchor': 'middle' }, xLabel));
  axis.append(svg('text', { x: 12, y: (M.top + H - M.bottom) / 2, 'text-anchor': 'middle', transform: `rotate(-90 12 ${(M.top + H - M.bottom) / 2})` }, yLabel));
  chart.append(axis);

  // One path per run of finite values, so a diverged (NaN) stretch shows as a gap.
  let d = '';
  let pen = 'M';
  for (const p of points) {
    if (typeof p.y !== 'number' || !Number.isFinite(p.y)) { pen = 'M'; continue; }
    d += `${pen}${sx(p.x).toFixed(1)},${sy(p.y).toFixed(1)} `;
    pen = 'L';
  }
  chart.append(svg('path', { class: 'line', d: d.trim() }));
  for (const m of markers) {
    if (typeof m.y !== 'number' || m.y < y0 || m.y > y1) continue;
    chart.append(svg('circle', { class: 'eval', cx: sx(m.x), cy: sy(m.y), r: 3.5 }, svg('title', {}, m.label)));
  }
  const last = finite[finite.length - 1];
  chart.append(svg('title', {}, `last: ${yLabel} ${number(last.y)} at ${xLabel} ${last.x}`));
  return chart;
}
