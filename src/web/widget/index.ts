/**
 * The reader's widget, served as /embed.js (built by scripts/build-widget.ts). It mounts every
 * `[data-tamis-thread]` element of the page in an open shadow root, fills every
 * `[data-tamis-count][data-article]` with one /api/v1/counts request, and exposes
 * `window.Tamis.mount(element, { article })` / `unmount(element)` for single-page sites.
 * It talks to the public API of the server it was loaded from, and to nothing else; it sets no
 * cookie; it keeps in localStorage only what the reader asked for (remember me) and, until the
 * edit window closes, the edit tokens of their own comments and those still held for moderation.
 */
import css from './widget.css';
import { STRINGS, type Lang, type Strings } from './strings';

/** `data-lang` on the element, else the page's `<html lang>`; French or English (the default). */
function langOf(el: Element): Lang {
  const tag = (el.getAttribute('data-lang') || document.documentElement.lang || 'en').toLowerCase();
  return tag.startsWith('fr') ? 'fr' : 'en';
}

interface Author {
  name: string;
  website: string | null;
  staff: boolean;
}
interface Comment {
  id: string;
  parentId: string | null;
  author: Author;
  html: string;
  content: string;
  createdAt: string;
  editedAt: string | null;
  replies: Comment[];
  status?: string;
}
interface Page {
  total: number;
  comments: Comment[];
  nextCursor: string | null;
}
interface Problem {
  code?: string;
  errors?: Record<string, string>;
}

const script =
  (document.currentScript as HTMLScriptElement | null)?.src ||
  [...document.querySelectorAll<HTMLScriptElement>('script[src]')]
    .map((s) => s.src)
    .find((s) => /\/embed\.js(\?|#|$)/.test(s)) ||
  location.href;
const API = new URL('api/v1/', new URL('.', script)).href;

// ---- localStorage, which may be refused (privacy modes) ----------------------------------------

const ME = 'tamis:me';
const OWN = 'tamis:own';
function load<T>(key: string): T | null {
  try {
    return JSON.parse(localStorage.getItem(key) || 'null') as T | null;
  } catch {
    return null;
  }
}
function store(key: string, value: unknown) {
  try {
    if (value == null) localStorage.removeItem(key);
    else localStorage.setItem(key, JSON.stringify(value));
  } catch {}
}
/** The reader's own comments: the edit token, the end of the edit window, and a held comment itself (only its author sees it). */
type Own = Record<string, { token: string; until: number; held?: Comment; article?: string }>;
/** The edit tokens still valid; the expired ones are forgotten. */
function ownTokens(): Own {
  const own = load<Own>(OWN) || {};
  const now = Date.now();
  let changed = false;
  for (const id in own) {
    if (!(own[id]!.until > now)) {
      delete own[id];
      changed = true;
    }
  }
  if (changed) store(OWN, Object.keys(own).length ? own : null);
  return own;
}

// ---- DOM ---------------------------------------------------------------------------------------

type Attrs = Record<string, string | boolean | undefined | null>;
function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: (Node | string | null | false)[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const k in attrs) {
    const v = attrs[k];
    if (v === true) el.setAttribute(k, '');
    else if (v != null && v !== false) el.setAttribute(k, v);
  }
  for (const c of children) if (c) el.append(c);
  return el;
}

async function api(path: string, lang: Lang, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  headers.set('Accept', 'application/json');
  headers.set('Accept-Language', lang);
  return fetch(API + path, {
    ...init,
    headers,
    credentials: 'omit',
    referrerPolicy: 'strict-origin-when-cross-origin',
  });
}

// ---- A mounted thread --------------------------------------------------------------------------

interface Thread {
  el: Element;
  root: ShadowRoot;
  article: string;
  lang: Lang;
  t: Strings;
  sort: 'oldest' | 'newest';
  cursor: string | null;
  total: number;
  box: HTMLElement;
  list: HTMLElement;
  head: HTMLElement;
  more: HTMLButtonElement;
  live: HTMLElement;
  form: HTMLFormElement;
  home: HTMLElement;
  token: Promise<{ token: string; honeypot: string; notify?: boolean }> | null;
  parent: string | null;
  alive: boolean;
  observer?: IntersectionObserver;
}

const threads = new Map<Element, Thread>();
const enc = encodeURIComponent;

function mount(el: Element, options: { article?: string; lang?: Lang; theme?: string } = {}) {
  const article = options.article || el.getAttribute('data-article') || '';
  if (!article) return;
  if (options.article) el.setAttribute('data-article', article);
  if (options.lang) el.setAttribute('data-lang', options.lang);
  if (options.theme) el.setAttribute('data-theme', options.theme);
  const existing = threads.get(el);
  if (existing && existing.article === article && existing.lang === langOf(el)) return;
  if (existing) unmount(el);

  const root = el.shadowRoot || el.attachShadow({ mode: 'open' });
  const lang = langOf(el);
  const t = STRINGS[lang];
  const live = h('div', { class: 'sr', 'aria-live': 'polite', role: 'status' });
  const head = h('h2', { class: 'total' });
  const select = h(
    'select',
    { 'aria-label': t.sort },
    h('option', { value: 'oldest' }, t.oldest),
    h('option', { value: 'newest' }, t.newest),
  );
  const list = h('div', { class: 'list' });
  const more = h('button', { type: 'button', class: 'more', hidden: true }, t.more);
  const home = h('div', { class: 'home' });
  const box = h('div', { class: 'tamis', lang }, h('div', { class: 'top' }, head, select), list, more, home, live);
  const th: Thread = {
    el,
    root,
    article,
    lang,
    t,
    sort: 'oldest',
    cursor: null,
    total: 0,
    box,
    list,
    head,
    more,
    live,
    form: null as unknown as HTMLFormElement,
    home,
    token: null,
    parent: null,
    alive: true,
  };
  th.form = buildForm(th);
  home.append(th.form);
  root.replaceChildren(h('style', {}, css), box);
  threads.set(el, th);

  select.addEventListener('change', () => {
    th.sort = select.value as Thread['sort'];
    void loadPage(th, true);
  });
  // Load more: the keyboard goes on from the first comment it brought.
  more.addEventListener('click', async () => {
    const before = list.children.length;
    await loadPage(th, false);
    (list.children[before] as HTMLElement | undefined)?.focus();
  });
  list.addEventListener('click', (e) => onListClick(th, e));

  // The form token is fetched when the form is first shown (or touched).
  const want = () => void formToken(th);
  th.form.addEventListener('focusin', want, { once: true });
  if ('IntersectionObserver' in window) {
    th.observer = new IntersectionObserver((entries) => entries.some((e) => e.isIntersecting) && want());
    th.observer.observe(th.form);
  }
  const fragment = el.querySelector('[data-tamis-fragment]');
  if (fragment) {
    adopt(th, fragment);
    void reveal(th);
  } else void loadPage(th, true).then(() => reveal(th));
}

function unmount(el: Element) {
  const th = threads.get(el);
  if (!th) return;
  th.alive = false;
  th.observer?.disconnect();
  threads.delete(el);
  th.root.replaceChildren();
}

function formToken(th: Thread, fresh = false) {
  if (!th.token || fresh) {
    th.token = api(`articles/${enc(th.article)}/form`, th.lang, { cache: 'no-store' }).then((r) => {
      if (!r.ok) throw new Error(String(r.status));
      return r.json();
    });
    th.token.then(
      (f) => {
        el<HTMLElement>(th.form, '.notify').hidden = !f.notify;
      },
      () => (th.token = null),
    );
  }
  return th.token;
}

function setTotal(th: Thread, n: number) {
  th.total = n;
  th.head.textContent = th.t.count(n);
}

async function loadPage(th: Thread, reset: boolean) {
  const q = `sort=${th.sort}${!reset && th.cursor ? `&cursor=${enc(th.cursor)}` : ''}`;
  th.more.disabled = true;
  try {
    // A reader who has just posted revalidates (ETag, 304) rather than see the page cached before it.
    const r = await api(`articles/${enc(th.article)}/comments?${q}`, th.lang, {
      cache: Object.keys(ownTokens()).length ? 'no-cache' : 'default',
    });
    if (!r.ok) throw new Error(String(r.status));
    const page = (await r.json()) as Page;
    if (!th.alive) return;
    if (reset) th.list.replaceChildren();
    setTotal(th, page.total);
    for (const c of page.comments) th.list.append(renderComment(th, c));
    // The reader's own comments still held for moderation, shown to them alone (until the edit window closes).
    if (reset) {
      const own = ownTokens();
      for (const id in own) {
        const held = own[id]!.held;
        if (held && own[id]!.article === th.article && !th.root.getElementById(`comment-${id}`)) place(th, held, true);
      }
    }
    th.cursor = page.nextCursor;
    th.more.hidden = !page.nextCursor;
  } catch {
    if (th.alive && reset) th.list.replaceChildren(h('p', { class: 'err', role: 'alert' }, th.t.loadFailed));
  } finally {
    th.more.disabled = false;
  }
}

/** Opening the page at #comment-<id>: the comment is found (loading more pages if need be), scrolled to and highlighted. */
async function reveal(th: Thread) {
  // Back from a form sent without JavaScript whose comment waits for a moderator.
  if (location.hash === '#comment-pending') {
    el(th.form, '#f-msg').textContent = th.t.pending;
    th.live.textContent = th.t.pending;
    return;
  }
  const id = /^#comment-([\w-]+)$/.exec(location.hash)?.[1];
  if (!id) return;
  let found = th.root.getElementById(`comment-${id}`);
  for (let i = 0; !found && th.cursor && i < 10; i++) {
    await loadPage(th, false);
    found = th.root.getElementById(`comment-${id}`);
  }
  if (!found) return;
  found.classList.add('hl');
  found.scrollIntoView({ block: 'center' });
  found.focus({ preventScroll: true });
}

function dateOf(th: Thread, iso: string) {
  try {
    return new Intl.DateTimeFormat(th.lang, { dateStyle: 'long', timeStyle: 'short' }).format(new Date(iso));
  } catch {
    return iso;
  }
}

function renderComment(th: Thread, c: Comment, pending = false): HTMLElement {
  const t = th.t;
  const name = c.author.website
    ? h('a', { href: c.author.website, rel: 'nofollow ugc', target: '_blank' }, c.author.name)
    : h('span', {}, c.author.name);
  const body = h('div', { class: 'body' });
  body.innerHTML = c.html; // the server's rendering, safe by construction (README, Public API)
  const replies = h('div', { class: 'replies' });
  for (const r of c.replies || []) replies.append(renderComment(th, r));
  return h(
    'article',
    {
      id: `comment-${c.id}`,
      class: `c${pending ? ' pending' : ''}${c.author.staff ? ' staff' : ''}`,
      tabindex: '-1',
      'data-id': c.id,
      'data-author': c.author.name,
      'data-content': c.content,
    },
    h(
      'header',
      {},
      h('strong', { class: 'who' }, name),
      c.author.staff && h('span', { class: 'badge' }, t.staff),
      ' ',
      h(
        'a',
        { class: 'when', href: `#comment-${c.id}` },
        h('time', { datetime: c.createdAt }, dateOf(th, c.createdAt)),
      ),
      c.editedAt && h('span', { class: 'edited' }, ` (${t.edited})`),
    ),
    pending && h('p', { class: 'note' }, t.pending),
    body,
    actions(th, c.id, c.author.name, pending),
    replies,
  );
}

/** A comment the reader just posted (or still held): under its parent when shown, else where the order puts a new one. */
function place(th: Thread, c: Comment, pending: boolean) {
  const node = renderComment(th, c, pending);
  const parent = c.parentId ? th.root.getElementById(`comment-${c.parentId}`) : null;
  if (parent) parent.querySelector(':scope > .replies')!.append(node);
  else if (th.sort === 'newest') th.list.prepend(node);
  else th.list.append(node);
  return node;
}

/** Reply, and Edit and Delete on the reader's own comments during the edit window. */
function actions(th: Thread, id: string, name: string, pending = false) {
  const t = th.t;
  const own = ownTokens()[id];
  const div = h(
    'div',
    { class: 'acts' },
    !pending && h('button', { type: 'button', 'data-act': 'reply', 'aria-label': `${t.reply} (${name})` }, t.reply),
    !!own && h('button', { type: 'button', 'data-act': 'edit' }, t.edit),
    !!own && h('button', { type: 'button', 'data-act': 'delete' }, t.del),
  );
  // Edit and Delete go when the edit window closes (a timer beyond 24 days would fire at once).
  if (own && own.until - Date.now() < 2 ** 31 - 1) {
    setTimeout(() => {
      for (const b of div.querySelectorAll('[data-act=edit], [data-act=delete]')) b.remove();
    }, own.until - Date.now());
  }
  return div;
}

/**
 * The server's fragment (GET …/thread.html) found in the element: its comments are taken over as
 * they are (with the actions the widget adds), its next page and total read from it, and what the
 * reader may already have typed in its form carried into the widget's.
 */
function adopt(th: Thread, fragment: Element) {
  setTotal(th, parseInt(fragment.querySelector('.total')?.textContent || '0', 10) || 0);
  const decorate = (article: Element) => {
    const id = article.getAttribute('data-id') || article.id.replace(/^comment-/, '');
    const name = article.querySelector('.who')?.textContent || '';
    article.setAttribute('data-id', id);
    article.setAttribute('data-author', name);
    article.setAttribute('tabindex', '-1');
    let replies = article.querySelector(':scope > .replies');
    if (!replies) {
      replies = h('div', { class: 'replies' });
      article.append(replies);
    }
    replies.before(actions(th, id, name));
    for (const reply of replies.children) decorate(reply);
  };
  for (const article of fragment.querySelectorAll('.list > article')) {
    decorate(article);
    th.list.append(article);
  }
  const more = fragment.querySelector<HTMLAnchorElement>('a.more');
  th.cursor = more ? new URL(more.href).searchParams.get('cursor') : null;
  th.more.hidden = !th.cursor;
  for (const name of FIELDS) {
    const typed = fragment.querySelector<HTMLInputElement>(`[name=${name}]`)?.value;
    if (typed) el(th.form, `[name=${name}]`).value = typed;
  }
  fragment.remove();
}

function onListClick(th: Thread, e: Event) {
  const button = (e.target as Element).closest('button[data-act]');
  const article = button?.closest('article');
  if (!button || !article) return;
  const id = article.getAttribute('data-id')!;
  const act = button.getAttribute('data-act');
  if (act === 'reply') moveForm(th, article as HTMLElement, id);
  else if (act === 'edit') startEdit(th, article as HTMLElement, id);
  else if (act === 'delete') void remove(th, article as HTMLElement, id);
}

// ---- The form ----------------------------------------------------------------------------------

const FIELDS = ['content', 'author', 'email', 'website'] as const;
type Field = (typeof FIELDS)[number];

function buildForm(th: Thread): HTMLFormElement {
  const t = th.t;
  const star = () => h('span', { class: 'req', 'aria-hidden': 'true' }, ' *');
  const field = (name: Field, label: string, required: boolean, input: HTMLInputElement | HTMLTextAreaElement) => {
    input.id = `f-${name}`;
    input.name = name;
    if (required) {
      input.required = true;
      input.setAttribute('aria-required', 'true');
    }
    return h(
      'p',
      { class: `field ${name}` },
      h('label', { for: input.id }, label, required && star()),
      input,
      h('span', { class: 'ferr', id: `f-${name}-err`, hidden: true }),
    );
  };
  const me = load<{ author?: string; email?: string; website?: string }>(ME);
  const input = (type: string, autocomplete: string, value = '') =>
    h('input', { type, autocomplete, value, maxlength: type === 'url' ? '200' : '254' });
  const remember = h('input', { type: 'checkbox', id: 'f-remember', checked: !!me });
  // Shown once GET …/form says the site sends email; unticked by default.
  const notify = h('input', { type: 'checkbox', id: 'f-notify', name: 'notify' });
  const cancel = h('button', { type: 'button', class: 'cancel', hidden: true }, t.cancel);
  const form = h(
    'form',
    { class: 'form', novalidate: true, 'aria-labelledby': 'f-title' },
    h('h3', { id: 'f-title' }, t.leave),
    h('p', { class: 'hint' }, t.note, ' ', h('span', { class: 'req' }, '*')),
    field('content', t.content, true, h('textarea', { rows: '5', maxlength: '5000' })),
    field('author', t.author, true, input('text', 'name', me?.author)),
    field('email', t.email, true, input('email', 'email', me?.email)),
    field('website', t.website, false, input('url', 'url', me?.website)),
    // The honeypot: hidden from people and from assistive technology; bots fill it in.
    h(
      'div',
      { class: 'hp', 'aria-hidden': 'true' },
      h('input', { type: 'text', name: 'hp', tabindex: '-1', autocomplete: 'off' }),
    ),
    h('p', { class: 'check' }, remember, h('label', { for: 'f-remember' }, t.remember)),
    h('p', { class: 'check notify', hidden: true }, notify, h('label', { for: 'f-notify' }, t.notify)),
    h('p', { class: 'msg', role: 'alert', id: 'f-msg' }),
    h('p', { class: 'submit' }, h('button', { type: 'submit' }, t.send), ' ', cancel),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void send(th);
  });
  // Cancel: the form goes back, the focus to the Reply button it came from.
  cancel.addEventListener('click', () => {
    const from = th.parent;
    moveForm(th, null, null);
    if (from)
      th.root.getElementById(`comment-${from}`)?.querySelector<HTMLElement>(':scope > .acts [data-act=reply]')?.focus();
  });
  return form;
}

const el = <T extends Element = HTMLInputElement>(form: HTMLFormElement, selector: string) =>
  form.querySelector(selector) as T;

function moveForm(th: Thread, article: HTMLElement | null, parent: string | null) {
  const form = th.form;
  th.parent = parent;
  el(form, '#f-title').textContent = article ? th.t.replyTo(article.getAttribute('data-author') || '') : th.t.leave;
  el(form, '.cancel').hidden = !article;
  if (article) article.querySelector(':scope > .replies')!.before(form);
  else th.home.append(form);
  void formToken(th);
  el<HTMLTextAreaElement>(form, 'textarea').focus();
}

function clearErrors(form: HTMLFormElement) {
  for (const name of FIELDS) {
    const input = el(form, `[name=${name}]`);
    input.removeAttribute('aria-invalid');
    input.removeAttribute('aria-describedby');
    const err = el<HTMLElement>(form, `#f-${name}-err`);
    err.hidden = true;
    err.textContent = '';
  }
  el(form, '#f-msg').textContent = '';
}

function fieldError(form: HTMLFormElement, name: Field, message: string) {
  const input = el(form, `[name=${name}]`);
  const err = el<HTMLElement>(form, `#f-${name}-err`);
  err.textContent = message;
  err.hidden = false;
  input.setAttribute('aria-invalid', 'true');
  input.setAttribute('aria-describedby', err.id);
}

/** A refusal shown next to what caused it; the general ones under the form. */
async function refusal(th: Thread, r: Response | null): Promise<string> {
  const t = th.t;
  if (!r || r.status >= 500) return t.failed;
  const p = (await r.json().catch(() => ({}))) as Problem;
  if (r.status === 429) return t.wait(Number(r.headers.get('Retry-After')) || 15);
  if (r.status === 403)
    return p.code === 'origin_not_allowed' ? t.origin : p.code === 'comments_closed' ? t.closed : t.failed;
  if (r.status === 409 && p.code === 'duplicate_comment') return t.duplicate;
  if (r.status === 422 && p.errors) {
    let other = '';
    for (const [name, message] of Object.entries(p.errors)) {
      if ((FIELDS as readonly string[]).includes(name)) fieldError(th.form, name as Field, message);
      else other = message;
    }
    const first = th.form.querySelector<HTMLElement>('[aria-invalid=true]');
    first?.focus();
    return other || t.invalid;
  }
  return t.failed;
}

async function send(th: Thread) {
  const form = th.form;
  const submit = el<HTMLButtonElement>(form, '[type=submit]');
  if (submit.disabled) return;
  clearErrors(form);
  const value = (name: string) => el(form, `[name=${name}]`).value;
  const data: Record<string, string> = {};
  for (const name of FIELDS) if (value(name).trim()) data[name] = value(name);
  if (th.parent) data.parentId = th.parent;
  submit.disabled = true;
  let r: Response | null = null;
  try {
    const { token, honeypot } = await formToken(th);
    data.token = token;
    data[honeypot] = value('hp');
    if (el(form, '#f-notify').checked) data.notify = 'true';
    r = await api(`articles/${enc(th.article)}/comments`, th.lang, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(data),
    });
  } catch {
    r = null;
  } finally {
    submit.disabled = false;
  }
  if (!th.alive) return;
  if (r?.status !== 201) {
    // 409 form_token_used: the token went with a comment sent at the same time; take another.
    if (r?.status === 409) void formToken(th, true);
    const message = await refusal(th, r);
    el(form, '#f-msg').textContent = message;
    return;
  }
  const posted = (await r.json()) as { comment: Comment; editToken: string; editableUntil: string };
  const own = ownTokens();
  const pending = posted.comment.status !== 'approved';
  own[posted.comment.id] = {
    token: posted.editToken,
    until: Date.parse(posted.editableUntil),
    ...(pending ? { held: { ...posted.comment, replies: [] }, article: th.article } : {}),
  };
  store(OWN, own);
  store(
    ME,
    el(form, '#f-remember').checked
      ? { author: value('author'), email: value('email'), website: value('website') }
      : null,
  );
  const node = place(th, { ...posted.comment, replies: [] }, pending);
  el<HTMLTextAreaElement>(form, 'textarea').value = '';
  el(form, '#f-notify').checked = false;
  moveForm(th, null, null);
  void formToken(th, true); // a token serves one comment
  if (!pending) setTotal(th, th.total + 1);
  th.live.textContent = pending ? th.t.pending : th.t.published;
  node.focus();
}

// ---- Own comments: edit and delete in place ------------------------------------------------------

function startEdit(th: Thread, article: HTMLElement, id: string) {
  const body = article.querySelector(':scope > .body') as HTMLElement;
  if (article.querySelector(':scope > .editor')) return;
  const current = article.getAttribute('data-content') ?? body.textContent ?? '';
  const area = h('textarea', { rows: '4', 'aria-label': th.t.content, maxlength: '5000' });
  area.value = current;
  const msg = h('p', { class: 'msg', role: 'alert' });
  const save = h('button', { type: 'submit' }, th.t.save);
  const cancel = h('button', { type: 'button' }, th.t.cancel);
  const editor = h('form', { class: 'editor' }, area, msg, h('p', {}, save, ' ', cancel));
  body.hidden = true;
  body.after(editor);
  area.focus();
  const close = () => {
    editor.remove();
    body.hidden = false;
  };
  cancel.addEventListener('click', close);
  editor.addEventListener('submit', async (e) => {
    e.preventDefault();
    const own = ownTokens()[id];
    if (!own) return close();
    save.disabled = true;
    let r: Response | null = null;
    try {
      r = await api(`comments/${enc(id)}`, th.lang, {
        method: 'PATCH',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${own.token}` },
        body: JSON.stringify({ content: area.value }),
      });
    } catch {}
    save.disabled = false;
    if (!r?.ok) {
      const p = r && r.status < 500 ? ((await r.json().catch(() => ({}))) as Problem) : {};
      msg.textContent =
        p.errors?.content ||
        (r && r.status === 429 ? th.t.wait(Number(r.headers.get('Retry-After')) || 5) : th.t.failed);
      return;
    }
    const { comment } = (await r.json()) as { comment: Comment };
    body.innerHTML = comment.html;
    article.setAttribute('data-content', comment.content);
    const all = ownTokens();
    if (all[id]?.held) {
      all[id]!.held = { ...all[id]!.held!, html: comment.html, content: comment.content };
      store(OWN, all);
    }
    close();
    if (comment.status && comment.status !== 'approved') {
      if (!article.querySelector(':scope > .note'))
        article.querySelector(':scope > header')!.after(h('p', { class: 'note' }, th.t.pending));
      th.live.textContent = th.t.pending;
    }
    article.focus();
  });
}

async function remove(th: Thread, article: HTMLElement, id: string) {
  const own = ownTokens()[id];
  if (!own || !confirm(th.t.confirmDelete)) return;
  let r: Response | null = null;
  try {
    r = await api(`comments/${enc(id)}`, th.lang, {
      method: 'DELETE',
      headers: { Authorization: `Bearer ${own.token}` },
    });
  } catch {}
  if (!r || (r.status !== 204 && r.status !== 404)) {
    th.live.textContent = th.t.failed;
    return;
  }
  const all = ownTokens();
  delete all[id];
  store(OWN, all);
  // Its replies move up to its parent: keep them where they were shown.
  const replies = [...article.querySelector(':scope > .replies')!.children];
  article.replaceWith(...replies);
  if (!article.classList.contains('pending')) setTotal(th, th.total - 1);
  th.live.textContent = th.t.deleted;
}

// ---- Counts ------------------------------------------------------------------------------------

async function counts() {
  const els = [...document.querySelectorAll<HTMLElement>('[data-tamis-count][data-article]')];
  const ids = [...new Set(els.map((e) => e.getAttribute('data-article')!))];
  for (let i = 0; i < ids.length; i += 100) {
    const chunk = ids.slice(i, i + 100);
    try {
      const r = await api(
        `counts?${chunk.map((a) => `article=${enc(a)}`).join('&')}`,
        langOf(document.documentElement),
      );
      if (!r.ok) continue;
      const { counts } = (await r.json()) as { counts: Record<string, number> };
      for (const e of els) {
        const n = counts[e.getAttribute('data-article')!];
        if (n !== undefined) e.textContent = STRINGS[langOf(e)].count(n);
      }
    } catch {}
  }
}

function start() {
  for (const e of document.querySelectorAll('[data-tamis-thread]')) mount(e);
  void counts();
}

declare global {
  interface Window {
    Tamis?: { mount: typeof mount; unmount: typeof unmount; counts: typeof counts };
  }
}
if (!window.Tamis) {
  window.Tamis = { mount, unmount, counts };
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
}
