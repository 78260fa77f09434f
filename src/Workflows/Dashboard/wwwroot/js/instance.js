// One pipeline: summary, actions, failure, steps, training curves, report, inputs/outputs, history.
import { getJson, post, fetchArtifact, hasKey, enc } from './api.js';
import { el, clear, badge, progress, duration, time, json } from './dom.js';
import { confirmAction, toast, showText } from './dialogs.js';
import { renderTimeline } from './timeline.js';
import { renderTraining } from './training.js';
import { renderReport, decision } from './report.js';

const ACTIONS = {
  terminate: { label: 'Terminate', message: 'Stop this instance? Running steps are cancelled; completed work and artifacts are kept.', reason: true, danger: true },
  suspend: { label: 'Suspend', message: 'Pause this instance? Results and events are held until it is resumed.', reason: true },
  resume: { label: 'Resume', message: 'Resume this instance? Held results and events are delivered.', reason: true },
  rewind: { label: 'Rewind', message: 'Run the failed steps of this instance again? Completed steps are kept. Deploy the fix first.', reason: true },
  purge: { label: 'Purge', message: 'Delete this instance and its history for good? The run\'s artifacts are kept.', danger: true },
  'raise-event': { label: 'Raise event', message: 'Send an event that the orchestration waits for.', event: true },
};

/** Renders instance id into view; returns its refresh function. */
export function showInstance(view, id) {
  const openDetails = new Set(['history-closed']);
  let lastStatus = null;
  let trainingKey = null;
  const root = el('div', { id: 'instance', 'data-instance-id': id });
  const parts = Object.fromEntries(['summary', 'actions', 'failure', 'timeline', 'training', 'report', 'io', 'history']
    .map(name => [name, el('div', { id: `part-${name}` })]));
  clear(view).append(el('p', {}, el('a', { href: '#/' }, '← all pipelines')), root);
  root.append(...Object.values(parts));

  async function load() {
    const detail = await getJson(`/api/instances/${enc(id)}`);
    if (!detail) {
      clear(root).append(el('h1', {}, id), el('div', { class: 'card empty' }, 'No such instance (it may have been purged).'));
      return;
    }
    const [timeline, history] = await Promise.all([
      getJson(`/api/instances/${enc(id)}/timeline`),
      getJson(`/api/instances/${enc(id)}/history`),
    ]);
    const i = detail.instance;
    const running = !['Completed', 'Failed', 'Terminated'].includes(i.status);
    const openUntil = running ? Date.now() : new Date(i.completedAt || i.lastUpdatedAt).getTime();
    replace(parts.summary, summary(detail));
    replace(parts.actions, actions(detail, load));
    replace(parts.failure, detail.failure ? failure(detail.failure) : null);
    replace(parts.timeline, el('section', { class: 'card', id: 'steps' }, el('h2', {}, 'Steps'), renderTimeline(timeline, openUntil)));
    // Curves and report change only while the run runs: fetch them then, and once after it ends.
    const key = JSON.stringify(detail.run);
    if (running || lastStatus !== i.status || key !== trainingKey) {
      replace(parts.training, await renderTraining(detail.run));
      replace(parts.report, detail.run && detail.run.reportJson ? renderReport(await getJson(`/api/runs/${enc(detail.run.runId)}/report`)) : null);
      trainingKey = key;
    }
    replace(parts.io, io(detail));
    replace(parts.history, historyTable(history || [], openDetails));
    lastStatus = i.status;
  }

  load().catch(e => replace(parts.summary, el('div', { class: 'card empty' }, `Could not load ${id}: ${e.message}`)));
  return load;
}

function replace(part, content) {
  clear(part);
  if (content) part.append(content);
}

function summary(detail) {
  const i = detail.instance;
  const rows = [
    ['Orchestration', i.name],
    ['Status', badge(i.status)],
    ['Current step', i.currentStep ? el('span', {}, i.currentStep, ' ', progress(i.progress)) : '–'],
    ['Detail', i.detail || '–'],
    ['Drop', i.dropId || '–'],
    ['Run', i.runId || '–'],
    ['Created', time(i.createdAt)],
    ['Updated', time(i.lastUpdatedAt)],
    ['Duration', duration(i.durationSeconds)],
  ];
  if (i.parentInstanceId) rows.push(['Parent', el('a', { href: `#/instances/${encodeURIComponent(i.parentInstanceId)}` }, i.parentInstanceId)]);
  return el('section', { class: 'card' }, el('h1', { class: 'mono' }, i.instanceId),
    decision(detail.output),
    el('dl', { class: 'kv' }, ...rows.flatMap(([k, v]) => [el('dt', {}, k), el('dd', {}, v)])),
    i.customStatus ? el('details', {}, el('summary', {}, 'Custom status'), json(i.customStatus)) : null);
}

function actions(detail, reload) {
  const id = detail.instance.instanceId;
  const buttons = Object.entries(ACTIONS).map(([name, a]) => el('button', {
    type: 'button', 'data-action': name, class: a.danger ? 'danger' : null, disabled: !detail.actions.includes(name),
    onclick: async () => {
      const fields = a.event
        ? [{ name: 'eventName', label: 'Event name' }, { name: 'payload', label: 'Payload (JSON, optional)', multiline: true }]
        : a.reason ? [{ name: 'reason', label: 'Reason (kept in the history)' }] : [];
      const values = await confirmAction({ title: `${a.label} ${id}`, message: a.message, confirmLabel: a.label, fields });
      if (!values) return;
      try {
        let result;
        if (a.event) {
          if (!values.eventName.trim()) throw new Error('an event name is needed');
          const payload = values.payload.trim() ? JSON.parse(values.payload) : undefined;
          result = await post(`/api/instances/${enc(id)}/events/${enc(values.eventName.trim())}`, payload);
        } else {
          result = await post(`/api/instances/${enc(id)}/${name}`, a.reason ? { reason: values.reason || null } : undefined);
        }
        toast(`${a.label}: ${result.message}`);
        if (name === 'purge') {
          location.hash = '#/';
        } else {
          // Control actions are queued: show the request now, and the instance's reaction a moment later.
          await reload();
          setTimeout(() => reload().catch(() => {}), 1000);
        }
      } catch (e) {
        toast(`${a.label} failed: ${e.message}`, true);
      }
    },
  }, a.label));
  return el('section', { class: 'card' }, el('div', { class: 'actions' }, ...buttons));
}

function failure(f) {
  const chain = [];
  for (let x = f, depth = 0; x; x = x.inner, depth++) {
    chain.push(el('div', { class: 'failure-item' },
      el('div', {}, depth ? 'caused by ' : '', el('span', { class: 'type' }, x.errorType)),
      el('div', { class: 'message' }, x.message),
      x.stackTrace ? el('details', { open: depth === 0 && !x.inner }, el('summary', {}, 'stack trace'), el('pre', { class: 'stack' }, x.stackTrace)) : null));
  }
  return el('section', { class: 'card failure', id: 'failure' }, el('h2', {}, 'Failure'), ...chain);
}

function artifactLink(link) {
  const a = el('a', { href: link.url, target: '_blank', rel: 'noopener', class: 'mono artifact' }, link.name);
  a.addEventListener('click', async e => {
    // Links cannot carry the API key: when one is in use, fetch with it instead.
    if (!hasKey()) return;
    e.preventDefault();
    try {
      const { blob, listing } = await fetchArtifact(link.url);
      if (listing) {
        showText(link.name, el('ul', {}, ...listing.files.map(f => el('li', {}, artifactLink(f), f.size !== null ? ` (${f.size} bytes)` : ''))));
        return;
      }
      const save = el('a', { href: URL.createObjectURL(blob), download: link.name.split('/').pop() });
      save.click();
      setTimeout(() => URL.revokeObjectURL(save.href), 10000);
    } catch (error) {
      toast(`Could not fetch ${link.name}: ${error.message}`, true);
    }
  });
  return a;
}

function io(detail) {
  const links = [];
  const run = detail.run;
  if (run) for (const l of [run.reportJson, run.reportHtml, run.manifest]) if (l) links.push(l);
  links.push(...detail.artifacts.filter(a => !links.some(l => l.name === a.name)));
  return el('section', { class: 'card', id: 'io' }, el('h2', {}, 'Inputs and outputs'),
    links.length ? el('div', {}, el('h3', {}, 'Artifacts'), el('ul', { id: 'artifacts' }, ...links.map(l => el('li', {}, artifactLink(l))))) : null,
    el('div', { class: 'grid' },
      el('div', {}, el('h3', {}, 'Input'), json(detail.input)),
      el('div', {}, el('h3', {}, 'Output'), json(detail.output))));
}

function historyTable(history, openDetails) {
  const details = el('details', { id: 'history', open: openDetails.has('history') },
    el('summary', {}, `History (${history.length} events)`),
    el('table', {},
      el('thead', {}, el('tr', {}, ...['#', 'Time', 'Event', 'Summary'].map(h => el('th', {}, h)))),
      el('tbody', {}, ...history.map(h => el('tr', { 'data-type': h.type },
        el('td', { class: 'num' }, h.index), el('td', { title: h.timestamp }, time(h.timestamp)), el('td', { class: 'mono' }, h.type),
        el('td', {}, h.summary, el('details', {}, el('summary', { class: 'muted' }, 'event'), json(h.data))))))));
  details.addEventListener('toggle', () => { if (details.open) openDetails.add('history'); else openDetails.delete('history'); });
  return el('section', { class: 'card' }, details);
}
