import type { Harness } from './types';

/** A plausible browser, so that the user-agent check stays quiet in tests that are not about it. */
export const BROWSER_UA = 'Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0';

let counter = 0;
/** A distinct client IP per call, so that flood control stays out of the way unless a test wants it. */
export function nextIp(): string {
  counter++;
  return `198.51.${(counter >> 8) & 255}.${counter & 255}`;
}

export const path = (articleId: string) => `/api/v1/articles/${encodeURIComponent(articleId)}/comments`;

export function comment(overrides: Record<string, unknown> = {}) {
  counter++;
  return {
    author: 'Camille Martin',
    email: `camille${counter}@exemple.fr`,
    content: `Merci pour cet article très complet, il éclaire bien le sujet (${counter}).`,
    ...overrides,
  };
}

export interface PostOptions {
  ip?: string;
  headers?: Record<string, string>;
  /** Skip fetching a form token (the token check then scores the submission). */
  noToken?: boolean;
}

/** Posts like a browser would: fetches a form token, waits past minSeconds, sends JSON. */
export async function post(t: Harness, articleId: string, body: Record<string, unknown>, opts: PostOptions = {}) {
  let token: string | undefined;
  if (!opts.noToken) {
    const form = await t.request(`/api/v1/articles/${encodeURIComponent(articleId)}/form`);
    token = ((await form.json()) as { token: string }).token;
    t.clock.advance(5_000);
  }
  return t.request(path(articleId), {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      'User-Agent': BROWSER_UA,
      'X-Forwarded-For': opts.ip ?? nextIp(),
      ...opts.headers,
    },
    body: JSON.stringify({ ...(token ? { token } : {}), ...body }),
  });
}

/** A form token for the article, as a page fetches it when it shows the form. */
export const formToken = async (t: Harness, articleId = 'a') =>
  ((await (await t.request(`/api/v1/articles/${encodeURIComponent(articleId)}/form`)).json()) as { token: string })
    .token;

/** A plain HTML form post, as a browser sends it: with a form token, form-encoded, HTML preferred. */
export async function formPost(t: Harness, fields: Record<string, string>, headers: Record<string, string> = {}) {
  const token = await formToken(t);
  t.clock.advance(5_000);
  return t.request(path('a'), {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-www-form-urlencoded',
      Accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8',
      'User-Agent': BROWSER_UA,
      ...headers,
    },
    body: new URLSearchParams({ ...fields, token }).toString(),
  });
}

export interface Posted {
  comment: { id: string; status: string; parentId: string | null; content: string; html: string };
  editToken: string;
  editableUntil: string;
}

/** Posts and expects 201. */
export async function postOk(
  t: Harness,
  articleId: string,
  body: Record<string, unknown> = comment(),
  opts: PostOptions = {},
) {
  const res = await post(t, articleId, body, opts);
  if (res.status !== 201) throw new Error(`expected 201, got ${res.status}: ${await res.text()}`);
  return (await res.json()) as Posted;
}

export function admin(t: Harness, path: string, init: RequestInit = {}) {
  return t.request(`/api/v1/admin${path}`, {
    ...init,
    headers: { Authorization: `Bearer ${t.adminToken}`, 'Content-Type': 'application/json', ...init.headers },
  });
}

export async function thread(t: Harness, articleId: string, query = '') {
  const res = await t.request(`${path(articleId)}${query}`);
  if (res.status !== 200) throw new Error(`expected 200, got ${res.status}: ${await res.text()}`);
  return (await res.json()) as {
    articleId: string;
    total: number;
    nextCursor: string | null;
    comments: ThreadNode[];
  };
}

export interface ThreadNode {
  id: string;
  parentId: string | null;
  content: string;
  html: string;
  author: { name: string; website: string | null; avatar: string | null; staff: boolean };
  replies: ThreadNode[];
}

export interface AdminAnswer {
  status: number;
  body: any;
  res: Response;
}

/** An admin request with an optional JSON body, the answer parsed. */
export async function adminCall(
  t: Harness,
  method: string,
  path: string,
  body?: unknown,
  token = t.adminToken,
): Promise<AdminAnswer> {
  const res = await t.request(`/api/v1/admin${path}`, {
    method,
    headers: {
      Authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.clone().text();
  return { status: res.status, body: text ? JSON.parse(text) : null, res };
}
