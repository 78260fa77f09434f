// The dashboard's JSON API, as the page uses it: the API key (kept in this tab's session storage) on every request,
// the anti-forgery token on every POST.
import { askForKey } from './dialogs.js';

const KEY = 'rankdistill.apiKey';
let antiforgeryToken = null;

export class ApiError extends Error {
  constructor(status, title, detail) {
    super(detail ? `${title}: ${detail}` : title);
    this.status = status;
    this.title = title;
  }
}

function headers() {
  const h = { Accept: 'application/json' };
  const key = sessionStorage.getItem(KEY);
  if (key) h['X-Api-Key'] = key;
  return h;
}

export const hasKey = () => !!sessionStorage.getItem(KEY);

async function send(method, path, body, retried = false) {
  const init = { method, headers: headers(), credentials: 'same-origin', cache: 'no-store' };
  if (method === 'POST') {
    const token = await antiforgery();
    init.headers[token.headerName] = token.token;
    if (body !== undefined) {
      init.headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
  }
  const response = await fetch(path, init);
  if (response.status === 401 && !retried) {
    const key = await askForKey();
    if (key) {
      sessionStorage.setItem(KEY, key);
      antiforgeryToken = null;
      return send(method, path, body, true);
    }
  }
  if (response.status === 400 && method === 'POST' && !retried) {
    // The host restarted (its anti-forgery keys live in memory): get a new token once.
    const problem = await response.clone().json().catch(() => null);
    if (problem && problem.title === 'Anti-forgery check failed') {
      antiforgeryToken = null;
      return send(method, path, body, true);
    }
  }
  return response;
}

async function antiforgery() {
  if (!antiforgeryToken) {
    const response = await send('GET', '/api/antiforgery');
    if (!response.ok) throw await toError(response);
    antiforgeryToken = await response.json();
  }
  return antiforgeryToken;
}

async function toError(response) {
  const problem = await response.json().catch(() => null);
  return new ApiError(response.status, (problem && problem.title) || `${response.status} ${response.statusText}`, problem && problem.detail);
}

/** GET JSON; null on 404. */
export async function getJson(path) {
  const response = await send('GET', path);
  if (response.status === 404) return null;
  if (!response.ok) throw await toError(response);
  return response.json();
}

/** POST an action; resolves with its result, throws ApiError with the host's reason. */
export async function post(path, body) {
  const response = await send('POST', path, body);
  if (!response.ok) throw await toError(response);
  return response.json();
}

/** Fetches an artifact with the key; resolves with { blob, listing }. */
export async function fetchArtifact(url) {
  const response = await send('GET', url);
  if (!response.ok) throw await toError(response);
  if (response.headers.get('X-Artifact-Listing') === 'true') return { listing: await response.json() };
  return { blob: await response.blob() };
}

export const enc = encodeURIComponent;
