// One instance's steps: a Gantt strip (attempts, retry waits) and a table with attempts, shard progress and what open steps wait on.
import { el, svg, badge, progress, duration, time } from './dom.js';

const ROW = 24, LABEL = 170, W = 900;

export function renderTimeline(timeline, openUntil) {
  if (!timeline || !timeline.steps.length) return el('div', { class: 'empty' }, 'No steps yet.');
  return el('div', {}, gantt(timeline.steps, openUntil), table(timeline.steps));
}

function gantt(steps, openUntil) {
  const t = iso => new Date(iso).getTime();
  const end = s => (s.endedAt ? t(s.endedAt) : openUntil);
  const t0 = Math.min(...steps.map(s => t(s.scheduledAt)));
  const t1 = Math.max(t0 + 1, ...steps.map(end));
  const x = v => LABEL + ((v - t0) / (t1 - t0)) * (W - LABEL - 10);
  const height = steps.length * ROW + 22;
  const chart = svg('svg', { class: 'chart gantt', viewBox: `0 0 ${W} ${height}`, role: 'img', 'aria-label': 'step timeline' },
    svg('defs', {}, svg('pattern', { id: 'hatch', width: 6, height: 6, patternUnits: 'userSpaceOnUse', patternTransform: 'rotate(45)' },
      svg('rect', { width: 6, height: 6, fill: '#fff3e0' }), svg('line', { x1: 0, y1: 0, x2: 0, y2: 6, stroke: '#b26a00', 'stroke-width': 2 }))));
  steps.forEach((s, i) => {
    const y = i * ROW + 4;
    chart.append(svg('line', { class: 'row-line', x1: 0, x2: W, y1: y + ROW - 2, y2: y + ROW - 2 }));
    chart.append(svg('text', { x: 4, y: y + 14 }, s.name.length > 24 ? s.name.slice(0, 23) + '…' : s.name));
    const bar = (from, to, cls, title) => chart.append(svg('rect', { class: cls, x: x(from), y: y + 3, width: Math.max(1.5, x(to) - x(from)), height: ROW - 10, rx: 2 }, svg('title', {}, title)));
    if (s.attempts.length) {
      // An attempt runs from when it was scheduled to its result: the task hub does not record when a worker took it.
      for (const a of s.attempts) {
        const stop = a.endedAt ? t(a.endedAt) : openUntil;
        bar(t(a.scheduledAt), stop, `bar-${cls(a.outcome)}`, `attempt ${a.attempt}: ${a.outcome}${a.failure ? ' – ' + a.failure.message : ''}`);
      }
    } else {
      bar(t(s.scheduledAt), end(s), `bar-${cls(s.status)}`, `${s.name}: ${s.status}`);
    }
    for (const w of s.retryWaits) bar(t(w.from), t(w.until), 'retry-wait', `retry wait after attempt ${w.afterAttempt}: ${duration(w.seconds)}`);
  });
  chart.append(svg('text', { x: LABEL, y: height - 4 }, time(new Date(t0).toISOString())));
  chart.append(svg('text', { x: W - 10, y: height - 4, 'text-anchor': 'end' }, `+${duration((t1 - t0) / 1000)}`));
  return chart;
}

const cls = status => ({ completed: 'completed', failed: 'failed', running: 'running', cancelled: 'cancelled' }[status] || 'open');

function table(steps) {
  const rows = steps.map(s => el('tr', { class: 'step', 'data-step': s.name, 'data-status': s.status },
    el('td', {}, el('strong', {}, s.name), el('div', { class: 'muted' }, kind(s)),
      s.childInstanceId ? el('div', {}, el('a', { href: `#/instances/${encodeURIComponent(s.childInstanceId)}`, class: 'mono' }, s.childInstanceId)) : null),
    el('td', {}, badge(s.status)),
    el('td', {}, s.queue || '–'),
    el('td', {}, attempts(s)),
    el('td', { title: s.scheduledAt }, time(s.scheduledAt)),
    el('td', { class: 'num' }, duration(s.durationSeconds)),
    el('td', {}, notes(s))));
  return el('table', { class: 'steps' },
    el('thead', {}, el('tr', {}, ...['Step', 'Status', 'Queue', 'Attempts', 'Scheduled', 'Duration', 'Notes'].map(h => el('th', {}, h)))),
    el('tbody', {}, rows));
}

const kind = s => ({ activity: 'activity', subOrchestration: 'sub-orchestration', fanOut: 'fan-out', timer: 'timer' }[s.kind] || s.kind);

function attempts(s) {
  if (s.shards) {
    const sh = s.shards;
    return el('div', { class: 'shards' }, `${sh.completed}/${sh.total} ${sh.name}`, el('br'), progress(sh.progress),
      el('div', { class: 'muted' }, `${sh.running} running, ${sh.waiting} waiting, ${sh.failed} failed, ${sh.retries} retries`));
  }
  return s.attempts.length ? String(s.attempts.length) : '–';
}

function notes(s) {
  const out = [];
  for (const w of s.retryWaits) out.push(el('div', {}, `retry wait ${duration(w.seconds)} after attempt ${w.afterAttempt}`));
  for (const a of s.attempts.filter(a => a.failure)) out.push(el('div', {}, `attempt ${a.attempt} failed: `, el('span', { class: 'mono' }, `${a.failure.errorType}: ${a.failure.message}`)));
  if (s.waiting) out.push(el('div', { class: 'waiting-note' }, s.waiting));
  // Bookkeeping calls folded into the step: one line per call and status, failures in full.
  const books = new Map();
  for (const b of s.bookkeeping) {
    if (b.failure) {
      out.push(el('div', {}, `${b.name} failed: `, el('span', { class: 'mono' }, `${b.failure.errorType}: ${b.failure.message}`)));
      continue;
    }
    const key = `${b.name}: ${b.status}`;
    books.set(key, (books.get(key) || 0) + 1);
  }
  for (const [key, n] of books) out.push(el('div', { class: 'muted bookkeeping' }, n > 1 ? `${key} ×${n}` : key));
  return out.length ? out : '';
}
