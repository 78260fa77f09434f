// The evaluation report (report.json): teacher vs student vs BM25 metric tables, throughput, and the promotion decision.
// The renderer follows the data's shape: an object whose members are all metric objects is a comparison table.
import { el, number, json } from './dom.js';

const RANKERS = ['teacher', 'student', 'bm25'];
const isObject = v => v !== null && typeof v === 'object' && !Array.isArray(v);
const numericKeys = o => Object.keys(o).filter(k => typeof o[k] === 'number');

/** A table when value maps names to objects of numbers (rankers to metrics), else null. */
function comparison(title, value) {
  const entries = Array.isArray(value)
    ? value.filter(isObject).map(v => [v.name ?? v.ranker ?? v.model ?? v.stage ?? '?', v])
    : isObject(value) ? Object.entries(value) : [];
  if (entries.length < 2 || !entries.every(([, v]) => isObject(v) && numericKeys(v).length > 0)) return null;
  const columns = [...new Set(entries.flatMap(([, v]) => numericKeys(v)))];
  const best = Object.fromEntries(columns.map(c => {
    const values = entries.map(([, v]) => v[c]).filter(x => typeof x === 'number');
    return [c, /time|latency|ms$|seconds/i.test(c) ? Math.min(...values) : Math.max(...values)];
  }));
  return el('div', { class: 'report-table' }, el('h3', {}, title),
    el('table', {},
      el('thead', {}, el('tr', {}, el('th', {}, ''), ...columns.map(c => el('th', {}, c)))),
      el('tbody', {}, ...entries.map(([name, v]) => el('tr', { 'data-ranker': name }, el('th', {}, name),
        ...columns.map(c => el('td', { class: `num${v[c] === best[c] && entries.length > 1 ? ' best' : ''}` }, number(v[c]))))))));
}

function section(title, value, depth) {
  const table = comparison(title, value);
  if (table) return [table];
  if (!isObject(value) || depth > 3) return [];
  const scalars = Object.entries(value).filter(([, v]) => !isObject(v) && !Array.isArray(v));
  const parts = [];
  if (scalars.length) {
    parts.push(el('dl', { class: 'kv' }, ...scalars.flatMap(([k, v]) => [el('dt', {}, k), el('dd', {}, typeof v === 'number' ? number(v) : String(v))])));
  }
  for (const [k, v] of Object.entries(value).filter(([, v]) => isObject(v) || Array.isArray(v))) parts.push(...section(k, v, depth + 1));
  return depth === 0 || !parts.length ? parts : [el('h3', {}, title), ...parts];
}

/** Finds the first value of key (any letter case) in a nested object. */
export function find(value, key) {
  if (!isObject(value)) return undefined;
  for (const [k, v] of Object.entries(value)) if (k.toLowerCase() === key.toLowerCase()) return v;
  for (const v of Object.values(value)) {
    const found = find(v, key);
    if (found !== undefined) return found;
  }
  return undefined;
}

export function decision(source) {
  const promoted = find(source, 'promoted');
  if (typeof promoted !== 'boolean') return null;
  const reason = find(source, 'reason');
  return el('p', { class: 'decision' }, el('span', { class: promoted ? 'promoted' : 'not-promoted' }, promoted ? 'Student promoted' : 'Student not promoted'),
    reason ? ` – ${reason}` : '');
}

export function renderReport(report) {
  if (!report) return null;
  // Teacher, student and BM25 are members of their own at the top of report.json: one table, not three lists.
  const rankers = Object.fromEntries(RANKERS.filter(k => isObject(report[k])).map(k => [k, report[k]]));
  const rest = Object.fromEntries(Object.entries(report).filter(([k]) => !(k in rankers)));
  const table = comparison('Rankers on the held-out queries', rankers);
  const body = [...(table ? [table] : []), ...section('report', table ? rest : report, 0)];
  return el('section', { id: 'report', class: 'card' }, el('h2', {}, 'Evaluation report'), decision(report),
    ...(body.length ? body : [json(report)]),
    el('details', {}, el('summary', {}, 'report.json'), json(report)));
}
