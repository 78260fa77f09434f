// The dashboard's entry: a hash router (#/, #/runs and #/instances/<id>) and the auto-refresh loop, paused while the tab is hidden.
import { showList } from './list.js';
import { showInstance } from './instance.js';
import { showRuns } from './runs.js';
import { toast } from './dialogs.js';

const REFRESH_MS = 4000;
const view = document.getElementById('view');
const auto = document.getElementById('auto-refresh');
const refreshed = document.getElementById('refreshed');
let refresh = null;
let busy = false;

auto.checked = localStorage.getItem('rankdistill.autoRefresh') !== 'false';
auto.addEventListener('change', () => localStorage.setItem('rankdistill.autoRefresh', String(auto.checked)));

function route() {
  const hash = location.hash || '#/';
  const match = hash.match(/^#\/instances\/([^?]+)/);
  const id = match ? decoded(match[1]) : null;
  if (match && id === null) {
    // A hand-edited or truncated link ("%E0%A4"): say so and show the list rather than a blank page.
    toast('The link names no valid instance id; showing the list.', true);
  }
  if (id !== null) refresh = showInstance(view, id);
  else if (/^#\/runs(\?|$)/.test(hash)) refresh = showRuns(view);
  else refresh = showList(view, new URLSearchParams(hash.split('?')[1] || ''));
  stamp();
}

function decoded(text) {
  try {
    return decodeURIComponent(text);
  } catch {
    return null;
  }
}

function stamp() {
  refreshed.textContent = `updated ${new Date().toLocaleTimeString()}`;
}

async function tick() {
  if (!refresh || busy || document.hidden || !auto.checked || document.querySelector('dialog[open]')) return;
  busy = true;
  try {
    await refresh();
    stamp();
  } catch (e) {
    toast(`Refresh failed: ${e.message}`, true);
  } finally {
    busy = false;
  }
}

window.addEventListener('hashchange', route);
document.addEventListener('visibilitychange', () => { if (!document.hidden) tick(); });
setInterval(tick, REFRESH_MS);
route();
