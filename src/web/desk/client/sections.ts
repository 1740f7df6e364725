/** The desk's other sections: settings, lists, tokens, articles, the audit log, statistics. */
import { api, ApiProblem, qs } from './api';
import { clear, h, svg, uid } from './dom';
import { fill } from './i18n';
import type { Desk } from './main';

type Settings = Record<string, unknown> & { spam: Record<string, number> };

/** A labelled input with its error line (aria-describedby), keyed by the API's field path. */
function field(
  label: string,
  input: HTMLInputElement | HTMLSelectElement,
  errors: Map<string, HTMLElement>,
  path: string,
) {
  const id = input.id || uid('f');
  input.id = id;
  const error = h('p', { id: `${id}-error`, class: 'error' });
  input.setAttribute('aria-describedby', `${id}-error`);
  errors.set(path, error);
  return h('div', { class: 'field' }, h('label', { for: id }, label), input, error);
}

function showErrors(errors: Map<string, HTMLElement>, problem: unknown) {
  const fields = problem instanceof ApiProblem ? (problem.problem.errors ?? {}) : {};
  for (const [path, element] of errors) {
    const message = fields[path];
    clear(element, message ?? '');
    const input = element.parentElement?.querySelector('input, select');
    if (message) input?.setAttribute('aria-invalid', 'true');
    else input?.removeAttribute('aria-invalid');
  }
  return Object.keys(fields).length > 0;
}

/**
 * A row's button that DELETEs `path` (after `confirm`, when given), says `done`, and reloads the
 * section; a refusal is shown in the section's summary.
 */
function deleteButton(
  desk: Desk,
  summary: HTMLElement,
  load: () => Promise<void>,
  o: { label: string; name: string; path: string; done: string; confirm?: string },
) {
  return h(
    'button',
    {
      type: 'button',
      'aria-label': `${o.label} ${o.name}`,
      onclick: async () => {
        if (o.confirm !== undefined && !confirm(o.confirm)) return;
        try {
          await api('DELETE', o.path);
          desk.notify(o.done);
          await load();
        } catch (err) {
          desk.fail(err, summary);
        }
      },
    },
    o.label,
  );
}

const WEIGHTS = [
  'weightLink',
  'weightManyLinks',
  'weightPromotion',
  'weightSpamTopic',
  'weightLanguageMismatch',
  'weightDisposableEmail',
  'weightUserAgentLibrary',
  'weightSpamByEmail',
  'learnerWeight',
];

export async function settingsView(main: HTMLElement, desk: Desk) {
  const t = desk.t;
  clear(main, h('h2', {}, t.settings), h('p', {}, t.loading));
  let settings: Settings;
  try {
    settings = (await api<{ settings: Settings }>('GET', '/settings')).settings;
  } catch (e) {
    return desk.fail(e);
  }
  const errors = new Map<string, HTMLElement>();
  const summary = h('p', { class: 'error', role: 'alert' });
  const moderation = h(
    'select',
    { id: 'set-moderation' },
    ['auto', 'all', 'none'].map((m) =>
      h('option', { value: m, selected: settings.moderation === m }, t.moderationModes[m] ?? m),
    ),
  );
  const number = (id: string, value: unknown, step = '1') =>
    h('input', {
      id: `set-${id}`,
      type: 'number',
      step,
      value: value === null || value === undefined ? '' : String(value),
    });
  const top = {
    editWindowMinutes: number('editWindowMinutes', settings.editWindowMinutes),
    maxDepth: number('maxDepth', settings.maxDepth),
    closeAfterDays: number('closeAfterDays', settings.closeAfterDays),
  };
  const spam: Record<string, HTMLInputElement> = {};
  for (const key of ['holdThreshold', 'spamThreshold', ...WEIGHTS])
    spam[key] = number(`spam-${key}`, settings.spam[key], 'any');
  const form = h(
    'form',
    {
      class: 'settings',
      novalidate: true,
      onsubmit: async (event: Event) => {
        event.preventDefault();
        const change: Record<string, unknown> = {};
        if (moderation.value !== settings.moderation) change.moderation = moderation.value;
        for (const [key, input] of Object.entries(top)) {
          const value = input.value.trim() === '' ? null : Number(input.value);
          if (value !== settings[key]) change[key] = value;
        }
        const spamChange: Record<string, unknown> = {};
        for (const [key, input] of Object.entries(spam)) {
          const value = input.value.trim() === '' ? null : Number(input.value);
          if (value !== settings.spam[key]) spamChange[key] = value;
        }
        if (Object.keys(spamChange).length) change.spam = spamChange;
        try {
          settings = (await api<{ settings: Settings }>('PATCH', '/settings', change)).settings;
          showErrors(errors, null);
          clear(summary);
          desk.notify(t.saved);
        } catch (e) {
          if (showErrors(errors, e)) clear(summary, t.settingsInvalid);
          else desk.fail(e, summary);
        }
      },
    },
    h(
      'fieldset',
      {},
      h('legend', {}, t.moderation),
      field(t.moderation, moderation, errors, 'moderation'),
      field(t.editWindowMinutes, top.editWindowMinutes, errors, 'editWindowMinutes'),
      field(t.maxDepth, top.maxDepth, errors, 'maxDepth'),
      field(t.closeAfterDays, top.closeAfterDays, errors, 'closeAfterDays'),
    ),
    h(
      'fieldset',
      {},
      h('legend', {}, t.spamSection),
      field(t.holdThreshold, spam.holdThreshold!, errors, 'spam.holdThreshold'),
      field(t.spamThreshold, spam.spamThreshold!, errors, 'spam.spamThreshold'),
    ),
    h(
      'fieldset',
      {},
      h('legend', {}, t.weightsSection),
      WEIGHTS.map((key) => field(`${t.weights[key] ?? key} (${key})`, spam[key]!, errors, `spam.${key}`)),
    ),
    summary,
    h('button', { type: 'submit' }, t.save),
  );
  clear(main, h('h2', {}, t.settings), form);
}

interface Entry {
  id: string;
  list: string;
  kind: string;
  value: string;
  createdAt: string;
}

export async function listsView(main: HTMLElement, desk: Desk) {
  const t = desk.t;
  const errors = new Map<string, HTMLElement>();
  const listSelect = h(
    'select',
    { id: 'list-list' },
    ['disallowed', 'moderation'].map((l) => h('option', { value: l }, t.lists_[l] ?? l)),
  );
  const kind = h(
    'select',
    { id: 'list-kind' },
    ['word', 'ip', 'cidr', 'email', 'domain'].map((k) => h('option', { value: k }, k)),
  );
  const value = h('input', { id: 'list-value', type: 'text', required: true });
  const summary = h('p', { class: 'error', role: 'alert' });
  const table = h('div', {});
  const load = async () => {
    try {
      const { entries } = await api<{ entries: Entry[] }>('GET', '/lists');
      clear(
        table,
        entries.length === 0
          ? h('p', {}, t.empty)
          : h(
              'table',
              {},
              h(
                'thead',
                {},
                h(
                  'tr',
                  {},
                  [t.list, t.kind, t.value, t.created, ''].map((x) => h('th', { scope: 'col' }, x)),
                ),
              ),
              h(
                'tbody',
                {},
                entries.map((e) =>
                  h(
                    'tr',
                    {},
                    h('td', {}, t.lists_[e.list] ?? e.list),
                    h('td', {}, e.kind),
                    h('td', {}, h('code', {}, e.value)),
                    h('td', {}, desk.date(e.createdAt)),
                    h(
                      'td',
                      {},
                      deleteButton(desk, summary, load, {
                        label: t.remove,
                        name: e.value,
                        path: `/lists/${encodeURIComponent(e.id)}`,
                        done: t.removed,
                      }),
                    ),
                  ),
                ),
              ),
            ),
      );
    } catch (e) {
      desk.fail(e);
    }
  };
  const form = h(
    'form',
    {
      class: 'inline',
      onsubmit: async (event: Event) => {
        event.preventDefault();
        try {
          await api('POST', '/lists', { list: listSelect.value, kind: kind.value, value: value.value });
          showErrors(errors, null);
          clear(summary);
          value.value = '';
          desk.notify(t.added);
          await load();
        } catch (e) {
          if (!showErrors(errors, e)) desk.fail(e, summary);
        }
      },
    },
    field(t.list, listSelect, errors, 'list'),
    field(t.kind, kind, errors, 'kind'),
    field(t.value, value, errors, 'value'),
    h('button', { type: 'submit' }, t.add),
  );
  clear(main, h('h2', {}, t.lists), form, summary, table);
  await load();
}

interface TokenInfo {
  id: string;
  name: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
  current: boolean;
}

export async function tokensView(main: HTMLElement, desk: Desk) {
  const t = desk.t;
  const errors = new Map<string, HTMLElement>();
  const name = h('input', { id: 'token-name', type: 'text', required: true, autocomplete: 'off' });
  const summary = h('p', { class: 'error', role: 'alert' });
  const secret = h('div', { class: 'secret', role: 'status' });
  const table = h('div', {});
  const load = async () => {
    try {
      const { tokens } = await api<{ tokens: TokenInfo[] }>('GET', '/tokens');
      clear(
        table,
        h(
          'table',
          {},
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              [t.name, t.created, t.lastUsed, t.revoked, ''].map((x) => h('th', { scope: 'col' }, x)),
            ),
          ),
          h(
            'tbody',
            {},
            tokens.map((k) =>
              h(
                'tr',
                { 'data-token': k.name },
                h('td', {}, k.name, k.current && h('span', { class: 'badge' }, t.current)),
                h('td', {}, desk.date(k.createdAt)),
                h('td', {}, k.lastUsedAt ? desk.date(k.lastUsedAt) : t.never),
                h('td', {}, k.revokedAt ? desk.date(k.revokedAt) : '—'),
                h(
                  'td',
                  {},
                  !k.revokedAt &&
                    deleteButton(desk, summary, load, {
                      label: t.revoke,
                      name: k.name,
                      path: `/tokens/${encodeURIComponent(k.id)}`,
                      done: t.tokenRevoked,
                      confirm: fill(t.confirmRevoke, { name: k.name }),
                    }),
                ),
              ),
            ),
          ),
        ),
      );
    } catch (e) {
      desk.fail(e);
    }
  };
  const form = h(
    'form',
    {
      class: 'inline',
      onsubmit: async (event: Event) => {
        event.preventDefault();
        try {
          const created = await api<{ secret: string }>('POST', '/tokens', { name: name.value });
          showErrors(errors, null);
          clear(summary);
          name.value = '';
          clear(secret, h('p', {}, t.secretOnce), h('code', { id: 'new-secret' }, created.secret));
          await load();
        } catch (e) {
          if (!showErrors(errors, e)) desk.fail(e, summary);
        }
      },
    },
    field(t.name, name, errors, 'name'),
    h('button', { type: 'submit' }, t.createToken),
  );
  clear(main, h('h2', {}, t.tokens), form, summary, secret, table);
  await load();
}

interface ArticleInfo {
  id: string;
  closed: boolean;
  open: boolean;
  language: string | null;
  moderation: string | null;
  comments: Record<string, number>;
}

export function articlesView(main: HTMLElement, desk: Desk) {
  const t = desk.t;
  const id = h('input', { id: 'article-id', type: 'text', required: true });
  const summary = h('p', { class: 'error', role: 'alert' });
  const detail = h('div', {});
  const render = (article: ArticleInfo) => {
    const errors = new Map<string, HTMLElement>();
    const closed = h('input', { id: 'article-closed', type: 'checkbox', checked: article.closed });
    const language = h('input', { id: 'article-language', type: 'text', value: article.language ?? '' });
    const moderation = h(
      'select',
      { id: 'article-moderation' },
      h('option', { value: '', selected: article.moderation === null }, t.siteSetting),
      ['auto', 'all', 'none'].map((m) =>
        h('option', { value: m, selected: article.moderation === m }, t.moderationModes[m] ?? m),
      ),
    );
    clear(
      detail,
      h('h3', {}, article.id),
      h(
        'p',
        {},
        `${t.comments}: `,
        (['pending', 'approved', 'spam', 'trash'] as const)
          .map((s) => `${t[s]} ${article.comments[s] ?? 0}`)
          .join(' · '),
      ),
      h(
        'form',
        {
          onsubmit: async (event: Event) => {
            event.preventDefault();
            try {
              const body = {
                closed: closed.checked,
                language: language.value.trim() || null,
                moderation: moderation.value || null,
              };
              const { article: next } = await api<{ article: ArticleInfo }>(
                'PUT',
                `/articles/${encodeURIComponent(article.id)}`,
                body,
              );
              render(next);
              desk.notify(t.saved);
            } catch (e) {
              if (!showErrors(errors, e)) desk.fail(e, summary);
            }
          },
        },
        h('div', { class: 'check' }, closed, h('label', { for: 'article-closed' }, t.closed)),
        field(t.articleLanguage, language, errors, 'language'),
        field(t.articleModeration, moderation, errors, 'moderation'),
        h('button', { type: 'submit' }, t.save),
      ),
    );
  };
  const form = h(
    'form',
    {
      class: 'inline',
      onsubmit: async (event: Event) => {
        event.preventDefault();
        clear(summary);
        const articleId = id.value.trim();
        try {
          render((await api<{ article: ArticleInfo }>('GET', `/articles/${encodeURIComponent(articleId)}`)).article);
        } catch (e) {
          if (e instanceof ApiProblem && e.problem.status === 404)
            render({ id: articleId, closed: false, open: true, language: null, moderation: null, comments: {} });
          else desk.fail(e, summary);
        }
      },
    },
    h('div', { class: 'field' }, h('label', { for: 'article-id' }, t.articleId), id),
    h('button', { type: 'submit' }, t.open),
  );
  clear(main, h('h2', {}, t.articles), form, summary, detail);
}

interface AuditEntry {
  id: number;
  at: string;
  actor: { name: string };
  action: string;
  target: { type: string; id: string | null };
  before: unknown;
  after: unknown;
}

export async function auditView(main: HTMLElement, desk: Desk) {
  const t = desk.t;
  const body = h('tbody', {});
  const more = h('div', { class: 'more' });
  const snapshot = (value: unknown) =>
    value === null || value === undefined ? '—' : h('pre', {}, JSON.stringify(value, null, 1));
  const load = async (cursor?: string) => {
    try {
      const page = await api<{ entries: AuditEntry[]; nextCursor: string | null }>(
        'GET',
        `/audit${qs({ limit: 50, cursor })}`,
      );
      for (const e of page.entries) {
        body.append(
          h(
            'tr',
            {},
            h('td', {}, h('time', { datetime: e.at }, desk.date(e.at))),
            h('td', {}, e.actor.name),
            h('td', {}, h('code', {}, e.action)),
            h('td', {}, `${e.target.type}${e.target.id ? ` ${e.target.id}` : ''}`),
            h('td', {}, snapshot(e.before)),
            h('td', {}, snapshot(e.after)),
          ),
        );
      }
      clear(
        more,
        page.nextCursor && h('button', { type: 'button', onclick: () => load(page.nextCursor!) }, t.loadMore),
      );
    } catch (e) {
      desk.fail(e);
    }
  };
  clear(
    main,
    h('h2', {}, t.audit),
    h(
      'div',
      { class: 'scroll' },
      h(
        'table',
        { class: 'audit' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            [t.when, t.who, t.action, t.target, t.before, t.after].map((x) => h('th', { scope: 'col' }, x)),
          ),
        ),
        body,
      ),
    ),
    more,
  );
  await load();
}

interface Stats {
  days: { day: string; pending: number; approved: number; spam: number; trash: number; total: number }[];
  rules: { rule: string; spam: number; hold: number }[];
}

export async function statsView(main: HTMLElement, desk: Desk) {
  const t = desk.t;
  clear(main, h('h2', {}, t.stats), h('p', {}, t.loading));
  let stats: Stats;
  let learner: { vocabulary: number; trained: { spam: number; ham: number } } | undefined;
  try {
    stats = await api<Stats>('GET', '/stats?days=30');
    learner = (await api<{ learner: typeof learner }>('GET', '/spam/stats')).learner;
  } catch (e) {
    return desk.fail(e);
  }
  const statuses = ['approved', 'pending', 'spam', 'trash'] as const;
  const width = 640;
  const height = 200;
  const max = Math.max(1, ...stats.days.map((d) => d.total));
  const bar = width / Math.max(1, stats.days.length);
  const chart = svg(
    'svg',
    { viewBox: `0 0 ${width} ${height + 20}`, role: 'img', 'aria-labelledby': 'chart-title', class: 'chart' },
    svg('title', { id: 'chart-title' }, t.perDay),
    ...stats.days.flatMap((d, i) => {
      let y = height;
      return statuses.map((s) => {
        const hgt = (d[s] / max) * height;
        y -= hgt;
        return svg(
          'rect',
          { x: i * bar + 1, y, width: Math.max(1, bar - 2), height: hgt, class: `bar ${s}` },
          svg('title', {}, `${d.day} · ${t[s]} ${d[s]}`),
        );
      });
    }),
    svg('text', { x: 0, y: 12, class: 'axis' }, String(max)),
    svg('text', { x: 0, y: height + 16, class: 'axis' }, stats.days[0]?.day ?? ''),
    svg('text', { x: width, y: height + 16, class: 'axis', 'text-anchor': 'end' }, stats.days.at(-1)?.day ?? ''),
  );
  const legend = h(
    'ul',
    { class: 'legend' },
    statuses.map((s) => h('li', {}, h('span', { class: `swatch ${s}` }), t[s])),
  );
  const rules = h(
    'table',
    {},
    h('caption', {}, t.perRule),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        [t.rule, t.spam, t.held].map((x) => h('th', { scope: 'col' }, x)),
      ),
    ),
    h(
      'tbody',
      {},
      stats.rules.map((r) => h('tr', {}, h('td', {}, h('code', {}, r.rule)), h('td', {}, r.spam), h('td', {}, r.hold))),
    ),
  );
  clear(
    main,
    h('h2', {}, t.stats),
    h('figure', {}, chart, h('figcaption', {}, t.perDay), legend),
    rules,
    learner &&
      h(
        'section',
        {},
        h('h3', {}, t.learner),
        h(
          'dl',
          { class: 'meta' },
          h('dt', {}, t.vocabulary),
          h('dd', {}, learner.vocabulary),
          h('dt', {}, t.trainedSpam),
          h('dd', {}, learner.trained.spam),
          h('dt', {}, t.trainedHam),
          h('dd', {}, learner.trained.ham),
        ),
      ),
  );
}
