/**
 * The moderation desk: sign in with an admin token, then the queue and the other sections, all
 * through the admin API (api.ts). Rendered with DOM calls (dom.ts), never innerHTML.
 */
import { api, ApiProblem, qs, setApiLanguage, token, whenUnauthorized } from './api';
import { append, clear, h, uid } from './dom';
import { fill, MESSAGES, type Lang, type Messages } from './i18n';
import { auditView, articlesView, listsView, settingsView, statsView, tokensView } from './sections';

export interface Comment {
  id: string;
  articleId: string;
  parentId: string | null;
  status: Status;
  author: { name: string; email: string | null; website: string | null };
  ip: string | null;
  userAgent: string | null;
  content: string;
  verdict: 'approve' | 'hold' | 'spam';
  score: number;
  reasons: { rule: string; score: number; detail: string }[];
  staff: boolean;
  createdAt: string;
  editedAt: string | null;
  parent: { id: string; author: string; status: Status; excerpt: string } | null;
}
type Status = 'pending' | 'approved' | 'spam' | 'trash';
const STATUSES: Status[] = ['pending', 'spam', 'approved', 'trash'];

const root = document.getElementById('desk')!;
const LANG_KEY = 'tamis.desk.lang';
let lang: Lang = (sessionStorage.getItem(LANG_KEY) as Lang | null) ?? (root.dataset.lang === 'fr' ? 'fr' : 'en');
export let t: Messages = MESSAGES[lang];

export interface Desk {
  t: Messages;
  lang: Lang;
  notify(message: string, action?: { label: string; run: () => void }): void;
  fail(error: unknown, where?: Element): void;
  date(iso: string): string;
}

const SECTIONS = ['queue', 'settings', 'lists', 'tokens', 'articles', 'audit', 'stats'] as const;
type Section = (typeof SECTIONS)[number];

let live: HTMLElement;
let alertBox: HTMLElement;
let undoTimer: ReturnType<typeof setTimeout> | undefined;
/** What the "Undo" of the last notice does, while it is shown (also the `u` key). */
let pendingUndo: (() => void) | undefined;

const desk: Desk = {
  get t() {
    return t;
  },
  get lang() {
    return lang;
  },
  notify(message, action) {
    clearTimeout(undoTimer);
    pendingUndo = action
      ? () => {
          clear(live);
          pendingUndo = undefined;
          action.run();
        }
      : undefined;
    clear(
      live,
      h('span', {}, message),
      pendingUndo && h('button', { type: 'button', class: 'link undo', onclick: pendingUndo }, action!.label),
    );
    undoTimer = setTimeout(
      () => {
        clear(live);
        pendingUndo = undefined;
      },
      action ? 8000 : 4000,
    );
  },
  fail(error, where = alertBox) {
    const message = error instanceof ApiProblem ? error.message : String(error);
    clear(where, message);
  },
  date: (iso) =>
    new Date(iso).toLocaleString(lang === 'fr' ? 'fr-FR' : 'en-GB', { dateStyle: 'medium', timeStyle: 'short' }),
};

function setLanguage(next: Lang) {
  lang = next;
  t = MESSAGES[lang];
  sessionStorage.setItem(LANG_KEY, lang);
  document.documentElement.lang = lang;
  setApiLanguage(lang);
  document.title = `Tamis · ${t.title}`;
}

/* ---------- sign in ---------- */

function signInView(message?: string) {
  const input = h('input', {
    id: 'token',
    type: 'password',
    name: 'token',
    autocomplete: 'current-password',
    required: true,
    'aria-describedby': 'token-hint token-error',
  });
  const error = h('p', { id: 'token-error', class: 'error', role: 'alert' }, message ?? '');
  const form = h(
    'form',
    {
      class: 'signin',
      onsubmit: async (event: Event) => {
        event.preventDefault();
        const value = input.value.trim();
        try {
          await api('GET', '/tokens', undefined, value);
          token.set(value);
          shell();
          main.focus();
        } catch (e) {
          input.setAttribute('aria-invalid', 'true');
          clear(error, e instanceof ApiProblem && e.problem.status === 401 ? t.tokenRefused : (e as Error).message);
          input.focus();
        }
      },
    },
    h('label', { for: 'token' }, t.tokenLabel),
    input,
    h('p', { id: 'token-hint', class: 'hint' }, t.tokenHint),
    error,
    h('button', { type: 'submit' }, t.signIn),
  );
  clear(
    root,
    h(
      'header',
      { class: 'top' },
      h('h1', {}, t.title),
      languageButton(() => signInView()),
    ),
    h('main', { id: 'main' }, h('h2', {}, t.signInTitle), form),
  );
  input.focus();
}

function languageButton(rerender: () => void) {
  return h(
    'button',
    {
      type: 'button',
      class: 'link',
      lang: lang === 'fr' ? 'en' : 'fr',
      'aria-label': t.languageLabel,
      onclick: () => {
        setLanguage(lang === 'fr' ? 'en' : 'fr');
        rerender();
        root.querySelector<HTMLElement>('header button[lang]')?.focus();
      },
    },
    t.language,
  );
}

/* ---------- the shell ---------- */

let main: HTMLElement;
let section: Section = 'queue';

function shell() {
  const nav = h(
    'nav',
    { 'aria-label': t.nav },
    h(
      'ul',
      {},
      SECTIONS.map((name) =>
        h(
          'li',
          {},
          h('a', { href: `#${name}`, 'aria-current': name === section ? 'page' : null, 'data-section': name }, t[name]),
        ),
      ),
    ),
  );
  main = h('main', { id: 'main', tabindex: '-1' });
  live = h('div', { class: 'toast', role: 'status', 'aria-live': 'polite' });
  alertBox = h('div', { class: 'error', role: 'alert' });
  clear(
    root,
    h(
      'header',
      { class: 'top' },
      h('h1', {}, t.title),
      nav,
      h(
        'div',
        { class: 'tools' },
        languageButton(shell),
        h('button', { type: 'button', class: 'link', onclick: signOut }, t.signOut),
      ),
    ),
    alertBox,
    main,
    live,
  );
  show(section);
}

function signOut() {
  token.forget();
  queue = undefined;
  signInView();
}

function show(name: Section) {
  section = name;
  for (const link of root.querySelectorAll<HTMLAnchorElement>('nav a')) {
    if (link.dataset.section === name) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  clear(alertBox);
  const views: Record<Section, () => unknown> = {
    queue: () => renderQueue(),
    settings: () => settingsView(main, desk),
    lists: () => listsView(main, desk),
    tokens: () => tokensView(main, desk),
    articles: () => articlesView(main, desk),
    audit: () => auditView(main, desk),
    stats: () => statsView(main, desk),
  };
  document.title = `Tamis · ${t[name]} · ${t.title}`;
  void views[name]();
}

addEventListener('hashchange', () => {
  const name = location.hash.slice(1) as Section;
  if (token.get() && SECTIONS.includes(name)) {
    show(name);
    main.focus();
  }
});

/* ---------- the queue ---------- */

interface QueueState {
  status: Status;
  q: string;
  article: string;
  comments: Comment[];
  nextCursor: string | null;
  current: number;
  selected: Set<string>;
  counts: Partial<Record<Status, number>>;
}
let queue: QueueState | undefined;

let list: HTMLOListElement;
let tabs: HTMLElement;
let bulkBar: HTMLElement;
let more: HTMLElement;

async function loadCounts() {
  if (!queue) return;
  try {
    const stats = await api<{ statuses: Record<Status, number> }>('GET', '/stats?days=1');
    queue.counts = stats.statuses;
  } catch {}
  renderTabs();
}

/** The tabs are made once per queue view and updated in place, so that a focused tab keeps the focus. */
function renderTabs() {
  if (!queue) return;
  const q = queue;
  if (tabs.childElementCount === 0) {
    append(
      tabs,
      STATUSES.map((status) =>
        h(
          'button',
          { type: 'button', class: 'tab', 'data-status': status, onclick: () => openTab(status) },
          t[status],
          ' ',
          h('span', { class: 'count' }),
        ),
      ),
    );
  }
  for (const button of tabs.querySelectorAll<HTMLButtonElement>('button.tab')) {
    const status = button.dataset.status as Status;
    button.setAttribute('aria-pressed', String(status === q.status));
    button.querySelector('.count')!.textContent = String(q.counts[status] ?? '…');
  }
}

async function openTab(status: Status) {
  if (!queue) return;
  queue.status = status;
  queue.selected.clear();
  renderTabs();
  await loadPage(true);
}

async function loadPage(fresh: boolean) {
  if (!queue) return;
  const q = queue;
  try {
    const page = await api<{ comments: Comment[]; nextCursor: string | null }>(
      'GET',
      `/comments${qs({ status: q.status, q: q.q, article: q.article, limit: 20, cursor: fresh ? undefined : q.nextCursor })}`,
    );
    if (fresh) {
      q.comments = [];
      q.current = 0;
    }
    q.comments.push(...page.comments);
    q.nextCursor = page.nextCursor;
    renderList();
  } catch (e) {
    desk.fail(e);
  }
}

function renderQueue() {
  queue ??= {
    status: 'pending',
    q: '',
    article: '',
    comments: [],
    nextCursor: null,
    current: 0,
    selected: new Set(),
    counts: {},
  };
  const q = queue;
  tabs = h('div', { class: 'tabs', role: 'group', 'aria-label': t.statuses });
  const search = h('input', { id: 'q', type: 'search', name: 'q', value: q.q });
  const article = h('input', { id: 'article-filter', type: 'text', name: 'article', value: q.article });
  const filters = h(
    'form',
    {
      class: 'filters',
      role: 'search',
      onsubmit: (event: Event) => {
        event.preventDefault();
        q.q = search.value.trim();
        q.article = article.value.trim();
        q.selected.clear();
        void loadPage(true);
      },
    },
    h('div', {}, h('label', { for: 'q' }, t.searchLabel), search),
    h('div', {}, h('label', { for: 'article-filter' }, t.articleFilter), article),
    h('button', { type: 'submit' }, t.search),
  );
  bulkBar = h('div', { class: 'bulk', role: 'group', 'aria-label': t.bulkLabel });
  list = h('ol', { class: 'queue', 'aria-label': t.queue });
  more = h('div', { class: 'more' });
  clear(
    main,
    h('h2', { class: 'visually-hidden' }, t.queue),
    tabs,
    filters,
    bulkBar,
    list,
    more,
    h('p', { class: 'hint' }, t.keysHint),
  );
  renderTabs();
  void loadCounts();
  void loadPage(true);
}

const ACTIONS: { status: Status; label: () => string; key: string }[] = [
  { status: 'approved', label: () => t.approve, key: 'a' },
  { status: 'spam', label: () => t.markSpam, key: 's' },
  { status: 'trash', label: () => t.toTrash, key: 'd' },
];

/** The moves offered from a tab: the three decisions, or back to pending from a decided tab. */
const movesFrom = (status: Status) => [
  ...ACTIONS.filter((a) => a.status !== status),
  ...(status !== 'pending' ? [{ status: 'pending' as Status, label: () => t.toPending, key: '' }] : []),
];

function renderList() {
  if (!queue) return;
  const q = queue;
  q.current = Math.min(q.current, Math.max(0, q.comments.length - 1));
  clear(
    list,
    q.comments.length === 0 ? h('li', { class: 'empty' }, t.empty) : q.comments.map((c, i) => commentItem(c, i)),
  );
  clear(more, q.nextCursor && h('button', { type: 'button', onclick: () => loadPage(false) }, t.loadMore));
  renderBulk();
}

/** The bulk bar, made again only when the tab changes (its moves depend on it), else updated in place. */
function renderBulk() {
  if (!queue) return;
  const q = queue;
  if (bulkBar.dataset.status !== q.status) {
    bulkBar.dataset.status = q.status;
    const all = h('input', {
      id: 'select-all',
      type: 'checkbox',
      onchange: (event: Event) => {
        const on = (event.target as HTMLInputElement).checked;
        for (const c of q.comments) on ? q.selected.add(c.id) : q.selected.delete(c.id);
        for (const box of list.querySelectorAll<HTMLInputElement>('li.comment input[type=checkbox]')) box.checked = on;
        renderBulk();
      },
    });
    clear(
      bulkBar,
      h('span', { class: 'check' }, all, h('label', { for: 'select-all' }, t.selectAll)),
      h('span', { class: 'selected' }),
      movesFrom(q.status).map((a) =>
        h(
          'button',
          { type: 'button', 'data-bulk': a.status, onclick: () => decide([...q.selected], a.status) },
          a.label(),
        ),
      ),
    );
  }
  const all = bulkBar.querySelector<HTMLInputElement>('#select-all')!;
  all.checked = q.comments.length > 0 && q.comments.every((c) => q.selected.has(c.id));
  bulkBar.querySelector('.selected')!.textContent = fill(t.selected, { n: q.selected.size });
  for (const button of bulkBar.querySelectorAll<HTMLButtonElement>('button')) button.disabled = q.selected.size === 0;
}

function chip(text: string, title: string | null, kind = '') {
  return h('li', { class: `chip ${kind}`, title }, text);
}

function commentItem(c: Comment, index: number) {
  const q = queue!;
  const box = h('input', {
    type: 'checkbox',
    id: `sel-${c.id}`,
    checked: q.selected.has(c.id),
    onchange: (event: Event) => {
      (event.target as HTMLInputElement).checked ? q.selected.add(c.id) : q.selected.delete(c.id);
      renderBulk();
    },
  });
  const headingId = uid('c');
  const item = h(
    'li',
    {
      class: `comment${index === q.current ? ' current' : ''}`,
      tabindex: index === q.current ? '0' : '-1',
      'data-id': c.id,
      'aria-labelledby': headingId,
      onfocus: () => setCurrent(index, false),
    },
    h(
      'div',
      { class: 'head' },
      h(
        'span',
        { class: 'check' },
        box,
        h('label', { for: `sel-${c.id}`, class: 'visually-hidden' }, `${t.select} ${c.author.name}`),
      ),
      h('h3', { id: headingId }, c.author.name, c.staff && h('span', { class: 'badge' }, t.staff)),
      h('time', { datetime: c.createdAt }, desk.date(c.createdAt)),
    ),
    h(
      'dl',
      { class: 'meta' },
      c.author.email && [h('dt', {}, t.email), h('dd', {}, c.author.email)],
      c.ip && [h('dt', {}, t.ip), h('dd', {}, c.ip)],
      c.userAgent && [h('dt', {}, t.userAgent), h('dd', { class: 'ua' }, c.userAgent)],
      [
        h('dt', {}, t.article),
        h(
          'dd',
          {},
          h(
            'a',
            {
              href: '#queue',
              onclick: (e: Event) => {
                e.preventDefault();
                filterArticle(c.articleId);
              },
            },
            c.articleId,
          ),
        ),
      ],
      c.author.website && [h('dt', {}, 'Web'), h('dd', {}, c.author.website)],
    ),
    c.parent &&
      h(
        'blockquote',
        { class: 'parent' },
        h('p', { class: 'hint' }, fill(t.inReplyTo, { author: c.parent.author, status: t[c.parent.status] })),
        h('p', {}, c.parent.excerpt),
      ),
    h(
      'div',
      { class: 'text' },
      c.content.split(/\n+/).map((line) => h('p', {}, line)),
    ),
    h(
      'ul',
      { class: 'chips', 'aria-label': t.verdict },
      chip(
        `${t.verdicts[c.verdict] ?? c.verdict} · ${fill(t.score, { n: round(c.score) })}`,
        null,
        `verdict ${c.verdict}`,
      ),
      c.reasons.map((r) =>
        chip(
          `${r.rule} ${r.score >= 0 ? '+' : ''}${round(r.score)}${r.detail ? ` · ${r.detail}` : ''}`,
          fill(t.points, { n: round(r.score) }),
        ),
      ),
    ),
    h(
      'div',
      { class: 'actions' },
      movesFrom(c.status).map((a) =>
        h(
          'button',
          { type: 'button', 'data-action': a.status, onclick: () => decide([c.id], a.status) },
          a.label(),
          a.key && h('kbd', {}, a.key),
        ),
      ),
      h(
        'button',
        { type: 'button', 'data-action': 'edit', onclick: () => openEditor(c, item, 'edit') },
        t.edit,
        h('kbd', {}, 'e'),
      ),
      h(
        'button',
        { type: 'button', 'data-action': 'reply', onclick: () => openEditor(c, item, 'reply') },
        t.reply,
        h('kbd', {}, 'r'),
      ),
      h('button', { type: 'button', class: 'danger', 'data-action': 'delete', onclick: () => remove(c) }, t.delete),
    ),
    h('div', { class: 'editor' }),
  );
  return item;
}

const round = (n: number) => Math.round(n * 10) / 10;

function filterArticle(id: string) {
  if (!queue) return;
  queue.article = id;
  renderQueue();
}

function items() {
  return [...list.querySelectorAll<HTMLLIElement>('li.comment')];
}

function setCurrent(index: number, focus = true) {
  if (!queue || queue.comments.length === 0) return;
  queue.current = Math.max(0, Math.min(index, queue.comments.length - 1));
  items().forEach((el, i) => {
    el.classList.toggle('current', i === queue!.current);
    el.tabIndex = i === queue!.current ? 0 : -1;
  });
  if (focus) items()[queue.current]?.focus();
}

type Placed = readonly [index: number, comment: Comment];

/** Takes comments out of the tab (counts included), or puts them back in their places. */
function move(q: QueueState, placed: Placed[], from: Status, to: Status, out: boolean) {
  if (q.status === from) {
    if (out) {
      const gone = new Set(placed.map(([, c]) => c.id));
      q.comments = q.comments.filter((c) => !gone.has(c.id));
      for (const id of gone) q.selected.delete(id);
    } else {
      for (const [i, c] of [...placed].sort((a, b) => a[0] - b[0]))
        q.comments.splice(Math.min(i, q.comments.length), 0, c);
    }
  }
  const n = placed.length;
  const [a, b] = out ? [from, to] : [to, from];
  q.counts[a] = Math.max(0, (q.counts[a] ?? n) - n);
  q.counts[b] = (q.counts[b] ?? 0) + n;
  renderTabs();
  if (q.status === from) {
    renderList();
    setCurrent(placed[0]![0]);
  }
}

/**
 * One status for many comments, through as many requests as the API asks (a request writes a bounded
 * number of statements: it answers `complete: false` with a `continuation` for the rest). The ids moved.
 */
async function bulk(ids: string[], status: Status): Promise<Set<string>> {
  type Answer = { results: { id: string; ok: boolean }[]; complete: boolean; continuation: string | null };
  const moved = new Set<string>();
  let body: object = { ids, status };
  for (;;) {
    const answer = await api<Answer>('POST', '/comments/bulk', body);
    for (const r of answer.results) if (r.ok) moved.add(r.id);
    if (answer.complete || !answer.continuation) return moved;
    body = { continuation: answer.continuation };
  }
}

/**
 * A decision: the comments leave the tab at once (so that the next key acts on the next comment),
 * and come back in their places if the API refuses them. Then "Undo" for a few seconds.
 */
async function decide(ids: string[], status: Status) {
  if (!queue || ids.length === 0) return;
  const q = queue;
  const from = q.status;
  const wanted = new Set(ids);
  const placed: Placed[] = q.comments.flatMap((c, i) => (wanted.has(c.id) ? [[i, c] as const] : []));
  if (placed.length === 0) return;
  move(q, placed, from, status, true);
  let done = new Set(placed.map(([, c]) => c.id));
  try {
    if (placed.length === 1) await api('PATCH', `/comments/${encodeURIComponent(placed[0]![1].id)}`, { status });
    else {
      done = await bulk(
        placed.map(([, c]) => c.id),
        status,
      );
    }
  } catch (e) {
    move(q, placed, from, status, false);
    desk.fail(e);
    return;
  }
  const failed = placed.filter(([, c]) => !done.has(c.id));
  const moved = placed.filter(([, c]) => done.has(c.id));
  if (failed.length) {
    move(q, failed, from, status, false);
    clear(alertBox, fill(t.notMoved, { n: failed.length }));
  } else clear(alertBox);
  if (moved.length === 0) return;
  desk.notify(fill(t.moved, { n: moved.length, status: t[status] }), {
    label: t.undo,
    run: () => void undo(moved, from, status),
  });
}

/** Reverses a decision through the API (the learner forgets its lesson), and shows the comments again. */
async function undo(placed: Placed[], from: Status, to: Status) {
  if (!queue) return;
  const ids = placed.map(([, c]) => c.id);
  try {
    if (ids.length === 1) await api('PATCH', `/comments/${encodeURIComponent(ids[0]!)}`, { status: from });
    else await bulk(ids, from);
  } catch (e) {
    desk.fail(e);
    return;
  }
  move(queue, placed, from, to, false);
  desk.notify(t.undone);
}

async function remove(c: Comment) {
  if (!queue || !confirm(t.confirmDelete)) return;
  try {
    await api('DELETE', `/comments/${encodeURIComponent(c.id)}`);
  } catch (e) {
    desk.fail(e);
    return;
  }
  const q = queue;
  const index = q.comments.indexOf(c);
  q.comments = q.comments.filter((x) => x !== c);
  q.selected.delete(c.id);
  q.counts[q.status] = Math.max(0, (q.counts[q.status] ?? 1) - 1);
  renderTabs();
  renderList();
  setCurrent(index);
  desk.notify(t.deleted);
}

function openEditor(c: Comment, item: HTMLElement, mode: 'edit' | 'reply') {
  const holder = item.querySelector<HTMLElement>('.editor')!;
  const id = uid('editor');
  const area = h('textarea', { id, rows: '4', required: true, 'aria-describedby': `${id}-error` });
  if (mode === 'edit') area.value = c.content;
  const error = h('p', { id: `${id}-error`, class: 'error', role: 'alert' });
  const close = () => {
    clear(holder);
    item.focus();
  };
  const form = h(
    'form',
    {
      onsubmit: async (event: Event) => {
        event.preventDefault();
        try {
          if (mode === 'edit') {
            const { comment } = await api<{ comment: Comment }>('PATCH', `/comments/${encodeURIComponent(c.id)}`, {
              content: area.value,
            });
            Object.assign(c, comment);
            const index = queue!.comments.indexOf(c);
            renderList();
            setCurrent(index);
            desk.notify(t.saved);
          } else {
            await api('POST', `/articles/${encodeURIComponent(c.articleId)}/comments`, {
              content: area.value,
              parentId: c.id,
            });
            close();
            desk.notify(t.replied);
          }
        } catch (e) {
          area.setAttribute('aria-invalid', 'true');
          const problem = e instanceof ApiProblem ? e.problem : undefined;
          clear(error, problem?.errors?.content ?? (e as Error).message);
        }
      },
      onkeydown: (event: KeyboardEvent) => {
        if (event.key === 'Escape') close();
      },
    },
    h('label', { for: id }, mode === 'edit' ? t.editLabel : t.replyLabel),
    area,
    error,
    h('button', { type: 'submit' }, mode === 'edit' ? t.save : t.send),
    h('button', { type: 'button', onclick: close }, t.cancel),
  );
  clear(holder, form);
  area.focus();
}

function keyHelp() {
  const dialog = h(
    'dialog',
    { class: 'keys', 'aria-labelledby': 'keys-title' },
    h('h2', { id: 'keys-title' }, t.keysTitle),
    h(
      'dl',
      {},
      t.keys.map(([key, what]) => [h('dt', {}, h('kbd', {}, key!)), h('dd', {}, what!)]),
    ),
    h('form', { method: 'dialog' }, h('button', { type: 'submit' }, t.close)),
  );
  dialog.addEventListener('close', () => dialog.remove());
  document.body.append(dialog);
  dialog.showModal();
}

addEventListener('keydown', (event) => {
  if (!token.get() || section !== 'queue' || !queue) return;
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  const target = event.target as HTMLElement;
  if (target.closest('input, textarea, select, dialog, [contenteditable]')) return;
  const q = queue;
  const current = q.comments[q.current];
  const key = event.key;
  if (key === '?') {
    event.preventDefault();
    keyHelp();
    return;
  }
  if (key === 'u' && pendingUndo) {
    event.preventDefault();
    pendingUndo();
    return;
  }
  if (key === 'j' || key === 'k') {
    event.preventDefault();
    // The first press goes to the current comment; then each moves.
    const onComment = target.closest('li.comment');
    return setCurrent(onComment ? q.current + (key === 'j' ? 1 : -1) : q.current);
  }
  if (!current) return;
  const item = items()[q.current]!;
  const action = ACTIONS.find((a) => a.key === key);
  if (action) {
    event.preventDefault();
    if (action.status !== q.status) void decide([current.id], action.status);
    return;
  }
  if (key === 'e' || key === 'r') {
    event.preventDefault();
    openEditor(current, item, key === 'e' ? 'edit' : 'reply');
    return;
  }
  if (key === 'x') {
    event.preventDefault();
    q.selected.has(current.id) ? q.selected.delete(current.id) : q.selected.add(current.id);
    const box = item.querySelector<HTMLInputElement>('input[type=checkbox]');
    if (box) box.checked = q.selected.has(current.id);
    renderBulk();
  }
});

/* ---------- start ---------- */

setLanguage(lang);
whenUnauthorized(() => {
  token.forget();
  queue = undefined;
  signInView(t.sessionEnded);
});
const start = location.hash.slice(1) as Section;
if (SECTIONS.includes(start)) section = start;
if (token.get()) shell();
else signInView();
