import { iso, type Deps } from '../deps';
import { getArticle, updateArticleSettings, type ArticleRow } from '../db/articles';
import { countByStatus } from '../db/stats';
import { loadSettings } from '../settings';
import { audit, type Actor } from './audit';
import { acceptsComments, closesAt } from './comments';
import { findArticle } from './moderation';

/** Articles as moderators see them: title and address, closing, language, moderation mode, and their comments by status. */

export type ArticleSettings = Partial<Pick<ArticleRow, 'closed' | 'language' | 'moderation' | 'title' | 'url'>>;

async function articleView(deps: Deps, row: ArticleRow) {
  const settings = await loadSettings(deps);
  return {
    id: row.id,
    title: row.title,
    url: row.url,
    closed: row.closed,
    open: acceptsComments(row, settings, deps.clock.now()),
    closesAt: iso(closesAt(row, settings)),
    language: row.language,
    moderation: row.moderation,
    firstCommentAt: iso(row.firstCommentAt),
    comments: await countByStatus(deps.db, row.id),
  };
}

/** An article's settings, state and counts; 404 `article_not_found` when it has neither comment nor settings. */
export async function articleInfo(deps: Deps, articleId: string) {
  return articleView(deps, await findArticle(deps, articleId));
}

const settingsOf = (row: ArticleRow | undefined) =>
  row
    ? { closed: row.closed, language: row.language, moderation: row.moderation, title: row.title, url: row.url }
    : null;

/** Sets an article's own settings, creating the article when it is new (to close or configure it before its first comment). */
export async function configureArticle(deps: Deps, actor: Actor, articleId: string, patch: ArticleSettings) {
  const { db, clock } = deps;
  const now = clock.now();
  const before = await getArticle(db, articleId);
  const entry = {
    action: 'article.update',
    target: 'article',
    targetId: articleId,
    before: settingsOf(before),
    after: { ...settingsOf(before), ...patch },
  } as const;
  const row = await updateArticleSettings(db, articleId, patch, now, audit(deps, actor, [entry], now));
  return articleView(deps, row);
}
