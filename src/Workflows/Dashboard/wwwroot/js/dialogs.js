// Confirmation, API-key and text dialogs, and the toast that shows an action's result.
import { el, clear } from './dom.js';

const $ = id => document.getElementById(id);

/**
 * Asks to confirm an action. fields: [{ name, label, value, multiline }]. Resolves with the field values, or null when cancelled.
 */
export function confirmAction({ title, message, confirmLabel = 'Confirm', fields = [] }) {
  const dialog = $('confirm-dialog');
  $('confirm-title').textContent = title;
  $('confirm-message').textContent = message;
  const box = clear($('confirm-fields'));
  const inputs = {};
  for (const f of fields) {
    const input = f.multiline
      ? el('textarea', { name: f.name, rows: 5, cols: 60 }, f.value || '')
      : el('input', { type: 'text', name: f.name, value: f.value || '', size: 50 });
    inputs[f.name] = input;
    box.append(el('label', {}, f.label, input));
  }
  $('confirm-ok').textContent = confirmLabel;
  return new Promise(resolve => {
    const done = result => {
      $('confirm-ok').onclick = null;
      $('confirm-cancel').onclick = null;
      dialog.onclose = null;
      if (dialog.open) dialog.close();
      resolve(result);
    };
    $('confirm-ok').onclick = () => done(Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, v.value])));
    $('confirm-cancel').onclick = () => done(null);
    dialog.onclose = () => done(null);
    dialog.showModal();
  });
}

let pendingKey = null;

/** Asks once for the API key (concurrent requests share the question). Resolves with the key, or null. */
export function askForKey() {
  if (pendingKey) return pendingKey;
  const dialog = $('key-dialog');
  const input = $('key-input');
  input.value = '';
  pendingKey = new Promise(resolve => {
    const done = result => {
      $('key-ok').onclick = null;
      $('key-cancel').onclick = null;
      dialog.onclose = null;
      if (dialog.open) dialog.close();
      pendingKey = null;
      resolve(result);
    };
    $('key-ok').onclick = () => done(input.value.trim() || null);
    $('key-cancel').onclick = () => done(null);
    input.onkeydown = e => { if (e.key === 'Enter') done(input.value.trim() || null); };
    dialog.onclose = () => done(null);
    dialog.showModal();
  });
  return pendingKey;
}

/** Shows text or nodes in a dialog (an artifact listing, a JSON file). */
export function showText(title, ...content) {
  const dialog = $('text-dialog');
  $('text-title').textContent = title;
  clear($('text-body')).append(...content);
  $('text-close').onclick = () => dialog.close();
  dialog.showModal();
}

let toastTimer = null;

export function toast(message, isError = false) {
  const box = $('toast');
  box.textContent = message;
  box.className = isError ? 'error' : '';
  box.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { box.hidden = true; }, isError ? 12000 : 6000);
}
