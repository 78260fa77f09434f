// The pipelines list: filters (kept in the address, so a filtered view can be shared), paging, refreshed by app.js.
import { getJson } from './api.js';
import { el, clear, badge, progress, duration, timeCell } from './dom.js';

const STATUSES = ['Pending', 'Running', 'Suspended', 'Completed', 'Failed', 'Terminated'];

/** Renders the list into view; returns its refresh function. */
export function showList(view, params) {
  const tokens = [];          // continuation tokens of the pages before this one
  let token = null;           // this page's token
  const state = {
    status: (params.get('status') || '').split(',').filter(Boolean),
    name: params.get('name') || '',
    prefix: params.get('prefix') || '',
    createdFrom: params.get('createdFrom') || '',
    createdTo: params.get('createdTo') || '',
    pageSize: params.get('pageSize') || '25',
    children: params.get('includeSubOrchestrations') === 'true',
  };

  const form = filters(state, next => {
    const q = new URLSearchParams();
    if (next.status.length) q.set('status', next.status.join(','));
    for (const k of ['name', 'prefix', 'createdFrom', 'createdTo']) if (next[k]) q.set(k, next[k]);
    if (next.pageSize !== '25') q.set('pageSize', next.pageSize);
    if (next.children) q.set('includeSubOrchestrations', 'true');
    location.hash = `#/?${q}`;
  });
  const body = el('div', { id: 'instances' });
  const pager = el('div', { class: 'pager' });
  clear(view).append(el('h1', {}, 'Pipelines'), el('div', { class: 'card' }, form), el('div', { class: 'card' }, body, pager));

  async function load() {
    const q = new URLSearchParams();
    if (state.status.length) q.set('status', state.status.join(','));
    if (state.name) q.set('name', state.name);
    if (state.prefix) q.set('prefix', state.prefix);
    if (state.createdFrom) q.set('createdFrom', new Date(state.createdFrom).toISOString());
    if (state.createdTo) q.set('createdTo', new Date(state.createdTo).toISOString());
    q.set('pageSize', state.pageSize);
    q.set('includeSubOrchestrations', String(state.children));
    if (token) q.set('continuationToken', token);
    const page = await getJson(`/api/instances?${q}`);
    render(page);
  }

  function render(page) {
    clear(body);
    if (!page.instances.length) {
      body.append(el('div', { class: 'empty' }, tokens.length ? 'No more instances.' : 'No pipeline instances match.'));
    } else {
      const rows = page.instances.map(i => el('tr', { 'data-instance-id': i.instanceId },
        el('td', {}, el('a', { href: `#/instances/${encodeURIComponent(i.instanceId)}`, class: 'mono' }, i.instanceId),
          i.parentInstanceId ? el('div', { class: 'muted' }, 'child of ', i.parentInstanceId) : null),
        el('td', {}, i.dropId || '–'),
        el('td', {}, i.name),
        el('td', {}, badge(i.status)),
        el('td', {}, i.currentStep || '–', ' ', progress(i.progress), i.detail ? el('div', { class: 'muted' }, i.detail) : null),
        timeCell(i.createdAt),
        timeCell(i.lastUpdatedAt),
        el('td', { class: 'num' }, duration(i.durationSeconds))));
      body.append(el('table', { class: 'instances' },
        el('thead', {}, el('tr', {}, ...['Instance', 'Drop', 'Orchestration', 'Status', 'Current step', 'Created', 'Updated', 'Duration'].map(h => el('th', {}, h)))),
        el('tbody', {}, rows)));
    }
    clear(pager).append(
      el('button', { type: 'button', disabled: tokens.length === 0, onclick: () => { token = tokens.pop() ?? null; load(); } }, '← Newer'),
      el('button', { type: 'button', disabled: !page.continuationToken, onclick: () => { tokens.push(token); token = page.continuationToken; load(); } }, 'Older →'),
      el('span', { class: 'muted' }, `page ${tokens.length + 1}`));
  }

  load().catch(e => clear(body).append(el('div', { class: 'empty' }, `Could not load instances: ${e.message}`)));
  return load;
}

function filters(state, apply) {
  const boxes = STATUSES.map(s => el('input', { type: 'checkbox', value: s, checked: state.status.includes(s) }));
  const name = el('input', { type: 'text', name: 'name', value: state.name, placeholder: 'DistillationPipeline', size: 20 });
  const prefix = el('input', { type: 'text', name: 'prefix', value: state.prefix, placeholder: 'pipeline-', size: 18 });
  const from = el('input', { type: 'datetime-local', name: 'createdFrom', value: state.createdFrom });
  const to = el('input', { type: 'datetime-local', name: 'createdTo', value: state.createdTo });
  const size = el('select', { name: 'pageSize' }, ...['10', '25', '50', '100'].map(n => el('option', { value: n, selected: n === state.pageSize }, n)));
  const children = el('input', { type: 'checkbox', name: 'children', checked: state.children });
  const submit = () => apply({
    status: boxes.filter(b => b.checked).map(b => b.value),
    name: name.value.trim(), prefix: prefix.value.trim(), createdFrom: from.value, createdTo: to.value,
    pageSize: size.value, children: children.checked,
  });
  for (const input of [name, prefix]) input.addEventListener('keydown', e => { if (e.key === 'Enter') submit(); });
  return el('div', { class: 'filters' },
    el('fieldset', {}, el('legend', { class: 'muted' }, 'Status'), ...STATUSES.map((s, i) => el('label', {}, boxes[i], s))),
    el('label', {}, 'Orchestration', name),
    el('label', {}, 'Id prefix', prefix),
    el('label', {}, 'Created from', from),
    el('label', {}, 'Created to', to),
    el('label', {}, 'Page size', size),
    el('label', {}, el('span', {}, children, ' sub-orchestrations')),
    el('button', { type: 'button', class: 'primary', id: 'apply-filters', onclick: submit }, 'Apply'),
    el('button', { type: 'button', onclick: () => { location.hash = '#/'; } }, 'Reset'));
}
