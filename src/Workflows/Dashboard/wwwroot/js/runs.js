// The runs across drops (GET /api/runs): trend charts of NDCG@5 and PNR by drop with the published model marked, and
// a row per completed run: its numbers, the publish decision and why, and the model published before it.
import { getJson } from './api.js';
import { el, clear, number, timeCell } from './dom.js';
import { trendChart } from './trend.js';

const RANKERS = ['teacher', 'student', 'bm25'];
// Fixed decimals, as the CLI's runs prints them (dom's number() drops them from whole numbers); PNR may be "Infinity".
const fixed = (value, digits) => typeof value === 'number' ? value.toFixed(digits) : number(value ?? null);

/** Renders the runs page into view; returns its refresh function. */
export function showRuns(view) {
  const charts = el('div', { class: 'grid', id: 'run-trends' });
  const body = el('div', { id: 'runs' });
  clear(view).append(el('h1', {}, 'Runs across drops'), charts, el('div', { class: 'card wide' }, body));

  async function load() {
    render(await getJson('/api/runs'));
  }

  function render(list) {
    const { runs, publishedRunId } = list;
    clear(charts).append(
      el('div', { class: 'card' }, el('h2', {}, 'NDCG@5 by drop'),
        trendChart(runs, RANKERS.map(name => ({ name, value: r => r[name]?.ndcg5 })), { yLabel: 'NDCG@5', publishedRunId })),
      el('div', { class: 'card' }, el('h2', {}, 'PNR by drop'),
        trendChart(runs, RANKERS.map(name => ({ name, value: r => r[name]?.pnr })), { yLabel: 'PNR', publishedRunId })));
    clear(body);
    if (!runs.length) {
      body.append(el('div', { class: 'empty' }, 'No completed runs yet.'));
      return;
    }
    // Newest first in the table (the morning question is about the last drop); the charts read left to right.
    const rows = [...runs].reverse().map(r => el('tr', { 'data-run-id': r.runId, class: r.published ? 'published' : null },
      el('td', {}, el('a', { href: `#/instances/${encodeURIComponent(r.runId)}`, class: 'mono' }, r.runId),
        r.published ? el('div', {}, el('span', { class: 'tag published-tag' }, 'published')) : null),
      el('td', {}, r.dropId),
      timeCell(r.completedAt),
      ...RANKERS.map(name => el('td', { class: 'num', 'data-metric': `${name}-ndcg5` }, fixed(r[name]?.ndcg5, 3))),
      ...RANKERS.map(name => el('td', { class: 'num', 'data-metric': `${name}-pnr` }, fixed(r[name]?.pnr, 3))),
      el('td', { class: 'num', 'data-metric': 'student-speedup' }, r.studentSpeedup == null ? '–' : `${fixed(r.studentSpeedup, 1)}×`),
      el('td', { 'data-metric': 'promoted' }, el('span', { class: r.promoted ? 'promoted' : 'not-promoted' }, r.promoted ? 'promoted' : 'not promoted'),
        r.reason ? el('div', { class: 'muted reason' }, r.reason) : null),
      el('td', { 'data-metric': 'published-before' }, r.publishedBefore
        ? el('a', { href: `#/instances/${encodeURIComponent(r.publishedBefore)}`, class: 'mono' }, r.publishedBefore) : '–')));
    // Two header rows: the metrics grouped under NDCG@5 and PNR keep the table narrow enough for the reasons.
    const top = ['Run', 'Drop', 'Completed'].map(h => el('th', { rowspan: 2 }, h));
    const rankerHeads = () => ['teacher', 'student', 'BM25'].map(h => el('th', { class: 'num' }, h));
    body.append(el('table', { class: 'runs' },
      el('thead', {},
        el('tr', {}, ...top, el('th', { colspan: 3, class: 'group' }, 'NDCG@5'), el('th', { colspan: 3, class: 'group' }, 'PNR'),
          ...['Student speed-up', 'Publish decision', 'Published before'].map(h => el('th', { rowspan: 2 }, h))),
        el('tr', {}, ...rankerHeads(), ...rankerHeads())),
      el('tbody', {}, rows)));
  }

  load().catch(e => clear(body).append(el('div', { class: 'empty' }, `Could not load runs: ${e.message}`)));
  return load;
}
