// Small DOM and formatting helpers. Data always goes in as text nodes or attributes, never as HTML.

const SVG_NS = 'http://www.w3.org/2000/svg';

/** el('td', { class: 'num', title: 'x' }, 'text', childNode, ...) */
export function el(tag, attributes = {}, ...children) {
  return build(document.createElement(tag), attributes, children);
}

/** The same for SVG elements. */
export function svg(tag, attributes = {}, ...children) {
  return build(document.createElementNS(SVG_NS, tag), attributes, children);
}

function build(node, attributes, children) {
  for (const [name, value] of Object.entries(attributes || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

export function clear(node) {
  while (node.firstChild) node.firstChild.remove();
  return node;
}

const pad = n => String(n).padStart(2, '0');

/** Local time as yyyy-mm-dd hh:mm:ss. */
export function time(iso) {
  if (!iso) return '–';
  const d = new Date(iso);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

export function timeCell(iso) {
  return el('td', { title: iso || '' }, time(iso));
}

export function duration(seconds) {
  if (seconds === null || seconds === undefined) return '–';
  if (seconds < 1) return `${Math.round(seconds * 1000)} ms`;
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m ${Math.floor(seconds % 60)}s`;
  return `${Math.floor(seconds / 3600)}h ${Math.floor((seconds % 3600) / 60)}m`;
}

export function badge(status) {
  return el('span', { class: `badge ${status}`, 'data-status': status }, status);
}

export function progress(fraction, label) {
  if (fraction === null || fraction === undefined) return null;
  const value = Math.max(0, Math.min(1, fraction));
  return el('span', {}, el('progress', { max: 1, value, title: label || `${Math.round(value * 100)}%` }), ` ${Math.round(value * 100)}%`);
}

export function number(value, digits = 4) {
  if (typeof value !== 'number') return value === null || value === undefined ? '–' : String(value);
  if (Number.isInteger(value)) return value.toLocaleString('en-US');
  return Math.abs(value) >= 1000 ? value.toLocaleString('en-US', { maximumFractionDigits: 1 }) : value.toFixed(digits);
}

export function json(value) {
  return el('pre', { class: 'json' }, value === null || value === undefined ? 'null' : JSON.stringify(value, null, 2));
}

export const stageLabels = { cpt: 'Continued pre-training (CPT)', sft: 'Rank fine-tuning (SFT)', mlm: 'Student pre-training (masked LM)', distill: 'Distillation' };
