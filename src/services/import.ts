import { DAY, type Deps } from '../deps';
import { randomId } from '../crypto';
import { WriteConflict } from '../db/batch';
import type { NewComment } from '../db/comments';
import { isUniqueViolation } from '../db/errors';
import {
  findImported,
  importListEntries,
  writeImportBatch,
  type ImportBatch,
  type ImportedArticle,
  type Placed,
} from '../db/import';
import { CountDeltas } from '../db/learner';
import type { CommentStatus } from '../db/schema';
import { writeOverrides } from '../db/settings';
import { runBatch } from '../db/batch';
import { readCache } from '../db/read-cache';
import {
  detached,
  READERS,
  type ArticleIdFrom,
  type ArticleRecord,
  type ByteSource,
  type CommentRecord,
  type ImportSource,
  type SiteRecord,
} from '../import';
import { isHttpUrl } from '../links';
import { renderHtml } from '../render';
import { LENGTH_CAPS, loadOverrides, loadSettings, settingsFrom, SiteSettingsSchema } from '../settings';
import { learnerTokens } from '../spam';
import { isPrintable, normalizeLine, normalizeMultiline } from '../text';
import { audit, type Actor } from './audit';
import { contentHash } from './comments';
import { emailHash, hostHash } from './keys';
import { pruneLearner } from './lessons';

/**
 * Imports a file of comments (WordPress WXR, Disqus XML, Tamis's own export) as it streams in: the
 * reader (src/import/) hands on records, which are checked and normalized like the API's input,
 * encrypted and hashed like a new comment's, and written in batches (db/import.ts). Each comment
 * remembers its source and source id: a comment imported already is skipped, so the same file
 * imported twice changes nothing the second time, and an import stopped half way is finished by
 * running it again. No webhook fires and no notification is sent: nothing goes through the
 * posting service. Imported spam and approved comments teach the learner and local memory, as a
 * moderator's decision does (the label goes in `trained`, so a later reversal takes it back).
 */

/** Comments per batch: one read, then one all-or-nothing write of about nine statements. */
export const IMPORT_BATCH = 500;
/** Errors listed in the summary (all are counted). */
const MAX_LISTED_ERRORS = 1000;
const SOURCE_NAMES: Record<ImportSource, string> = {
  wordpress: 'WordPress',
  disqus: 'Disqus',
  tamis: 'a Tamis export',
};

export interface ImportOptions {
  from: ImportSource;
  /** How article ids are chosen (WordPress and Disqus); the permalink's path by default. */
  articleId?: ArticleIdFrom | undefined;
  /** Parse and check everything, write nothing. */
  dryRun?: boolean | undefined;
  /** The file's name, for the audit log. */
  fileName?: string | null | undefined;
  /** Who runs it, for the audit log (the command line has no token, so no id). */
  actor: Actor | { id: null; name: string };
  /** Called after each batch and at the end. */
  onProgress?: ((progress: { comments: number; bytes: number }) => void) | undefined;
  /**
   * At most this many write statements (an HTTP request on D1 has a budget of statements): the
   * import stops after the batch that reaches it, with `complete: false`; sending the same file
   * again goes on where it stopped.
   */
  statementBudget?: number | undefined;
  batchSize?: number | undefined;
}

export interface ImportSummary {
  from: ImportSource;
  dryRun: boolean;
  /** False when the statement budget stopped it: the same file sent again goes on. */
  complete: boolean;
  file: string | null;
  articles: number;
  comments: { total: number; pending: number; approved: number; spam: number; trash: number; replies: number };
  /** Replies whose parent is not in the file (or not on the same article): imported as top-level comments. */
  orphans: number;
  skipped: Record<string, number>;
  /** IPs (and user agents) older than the retention period, dropped at import. */
  ipsDropped: number;
  lessons: { spam: number; ham: number };
  statements: number;
  errors: { count: number; list: { line: number; message: string }[] };
}

/** A comment checked, mapped and sealed, waiting for its batch. */
interface Pending {
  record: CommentRecord;
  row: NewComment;
  /** Lessons and memory keys, computed when the row is built. */
  label: 'spam' | 'ham' | null;
  tokens: string[];
  memory: { email: string; ip: string | null; host: string | null };
}

const verdictOf: Record<CommentStatus, NewComment['verdict']> = {
  approved: 'approve',
  pending: 'hold',
  spam: 'spam',
  trash: 'hold',
};

/** An article id as the API takes it: printable, trimmed, at most 200 characters. */
const validArticleId = (id: string | null): id is string =>
  id !== null && id.length > 0 && id.length <= 200 && isPrintable(id) && id.trim() === id;

export async function importComments(deps: Deps, source: ByteSource, options: ImportOptions): Promise<ImportSummary> {
  const { db, keys } = deps;
  const from = options.from;
  const dryRun = options.dryRun === true;
  const byId = from === 'tamis';
  const batchSize = options.batchSize ?? IMPORT_BATCH;
  const settings = await loadSettings(deps);
  const now = deps.clock.now();
  let ipSince = now - settings.ipRetentionDays * DAY;
  const summary: ImportSummary = {
    from,
    dryRun,
    complete: true,
    file: options.fileName ?? null,
    articles: 0,
    comments: { total: 0, pending: 0, approved: 0, spam: 0, trash: 0, replies: 0 },
    orphans: 0,
    skipped: {},
    ipsDropped: 0,
    lessons: { spam: 0, ham: 0 },
    statements: 0,
    errors: { count: 0, list: [] },
  };
  const error = (line: number, message: string) => {
    summary.errors.count++;
    if (summary.errors.list.length < MAX_LISTED_ERRORS) summary.errors.list.push(detached({ line, message }));
  };
  const skip = (reason: string) => {
    summary.skipped[reason] = (summary.skipped[reason] ?? 0) + 1;
  };
  let bytes = 0;
  let site: SiteRecord | null = null;
  /** The articles of the file by their key: id, title and URL (a few fields each). */
  const articles = new Map<string, { id: string; title: string | null; url: string | null; record: ArticleRecord }>();
  /** Articles written (or, in a dry run, that would be). */
  const written = new Set<string>();
  /** In a dry run nothing is stored, so the keys met are remembered to place replies. */
  const seen = dryRun ? new Map<string, Placed>() : null;
  let pending: CommentRecord[] = [];
  const keyFor = (row: NewComment) => (byId ? row.id! : row.sourceId!);
  /** Per article, the last date met and how many comments had it. */
  const lastDated = new Map<string, { at: number; n: number }>();
  const budget = options.statementBudget ?? Number.POSITIVE_INFINITY;

  const articleOf = (record: ArticleRecord) => {
    const chosen = options.articleId ?? 'path';
    const candidates =
      from === 'tamis' ? [record.key] : [record.ids[chosen], record.ids.path, record.ids.url, record.ids.id];
    const id = candidates.find(validArticleId);
    if (!id) {
      error(record.line, `no usable article id for "${record.title ?? record.key}" (--article-id=${chosen})`);
      return;
    }
    const title = record.title ? normalizeLine(record.title).slice(0, 300) || null : null;
    const url = record.url && record.url.length <= 2000 && isHttpUrl(record.url) ? record.url : null;
    articles.set(record.key, detached({ id, title, url, record }));
  };

  const prepare = async (record: CommentRecord): Promise<Pending | null> => {
    const article = articles.get(record.articleKey);
    if (!article) {
      error(record.line, `comment ${record.sourceId}: its article is not in the file`);
      return null;
    }
    const content = normalizeMultiline(record.content);
    if (content === '') {
      error(record.line, `comment ${record.sourceId}: no content`);
      return null;
    }
    if (content.length > LENGTH_CAPS.maxContentLength) {
      error(record.line, `comment ${record.sourceId}: over ${LENGTH_CAPS.maxContentLength} characters`);
      return null;
    }
    if (record.createdAt === null) {
      error(record.line, `comment ${record.sourceId}: no readable date`);
      return null;
    }
    // Comments of one article dated the same second (dates are to the second) keep the file's order.
    const last = lastDated.get(article.id);
    const createdAt = last && record.createdAt === last.at ? record.createdAt + ++last.n : record.createdAt;
    if (!last || record.createdAt !== last.at) lastDated.set(article.id, { at: record.createdAt, n: 0 });
    const author = (normalizeLine(record.author) || 'Anonymous').slice(0, LENGTH_CAPS.maxAuthorLength);
    const email = record.email?.trim() || null;
    const website = record.website && record.website.length <= 200 && isHttpUrl(record.website) ? record.website : null;
    // IPs and user agents are kept for the retention period, counted from the comment's date.
    const recent = createdAt >= ipSince;
    if (!recent && (record.ip || record.userAgent)) summary.ipsDropped++;
    const ip = recent ? record.ip : null;
    const userAgent = recent ? record.userAgent?.slice(0, 500) || null : null;
    const t = record.tamis;
    const [emailEnc, hashOfEmail, ipEnc, ipHash, hashOfContent, host] = await Promise.all([
      keys.encrypt(email ?? ''),
      email ? emailHash(keys, email) : '',
      ip ? keys.encrypt(ip) : null,
      ip ? keys.hash(ip) : null,
      contentHash(keys, content),
      hostHash(keys, website),
    ]);
    const label = t ? t.trained : record.status === 'spam' ? 'spam' : record.status === 'approved' ? 'ham' : null;
    const row: NewComment = {
      id: t?.id ?? randomId(),
      articleId: article.id,
      parentId: null,
      rootId: '',
      depth: 1,
      status: record.status,
      author,
      emailEnc,
      emailHash: hashOfEmail,
      website,
      ipEnc,
      ipHash,
      userAgent,
      content,
      contentHash: hashOfContent,
      // Rendered here, never taken from the file.
      html: renderHtml(content),
      verdict: t?.verdict ?? verdictOf[record.status],
      score: t?.score ?? 0,
      reasons: t?.reasons ?? [
        { rule: 'import', score: 0, detail: `imported from ${SOURCE_NAMES[from]} (${record.sourceId})` },
      ],
      staff: t?.staff ?? false,
      trained: label,
      createdAt,
      updatedAt: t?.updatedAt ?? createdAt,
      editedAt: t?.editedAt ?? null,
      source: t ? t.source : from,
      sourceId: t ? t.sourceId : record.sourceId,
    };
    const tokens = label
      ? learnerTokens({
          articleId: article.id,
          author,
          email: email ?? '',
          website,
          content,
          ip: null,
          userAgent: userAgent ?? undefined,
        })
      : [];
    return { record, row, label, tokens, memory: { email: hashOfEmail, ip: ipHash, host } };
  };

  /** Places prepared comments in their threads (under `placed`, the comments stored or met already): the batch to write. */
  const place = (prepared: Pending[], placed: Map<string, Placed>) => {
    const batch: ImportBatch = {
      articles: [],
      comments: [],
      learner: { spam: new CountDeltas(), ham: new CountDeltas() },
      memory: new Map(),
      now,
    };
    const counted = structuredClone({ comments: summary.comments, orphans: summary.orphans, lessons: summary.lessons });
    const orphaned: { line: number; message: string }[] = [];
    const touched = new Map<string, ImportedArticle>();
    const met = new Map(placed);
    for (const { row, record, label, tokens, memory } of prepared) {
      const parent = record.parentSourceId ? met.get(record.parentSourceId) : undefined;
      if (record.tamis) {
        // As exported: its place in the thread is kept as it was.
        Object.assign(row, { parentId: record.parentSourceId, rootId: record.tamis.rootId, depth: record.tamis.depth });
      } else if (parent && parent.articleId === row.articleId) {
        Object.assign(row, { parentId: parent.id, rootId: parent.rootId, depth: parent.depth + 1 });
      } else {
        if (record.parentSourceId) {
          counted.orphans++;
          orphaned.push({
            line: record.line,
            message: `comment ${record.sourceId}: its parent ${record.parentSourceId} is not in the file (or not on the same article): imported as a top-level comment`,
          });
        }
        Object.assign(row, { parentId: null, rootId: row.id, depth: 1 });
      }
      met.set(record.sourceId, {
        id: row.id!,
        articleId: row.articleId,
        rootId: row.rootId!,
        depth: row.depth!,
        key: record.sourceId,
      });
      batch.comments.push(row);
      counted.comments.total++;
      counted.comments[row.status!]++;
      if (row.parentId) counted.comments.replies++;
      if (label) {
        counted.lessons[label]++;
        batch.learner[label].add(tokens, 1, true);
        for (const kind of ['email', 'ip', 'host'] as const) {
          const hash = memory[kind];
          if (!hash) continue;
          const entry = batch.memory.get(`${kind}:${hash}`) ?? { kind, hash, spam: 0, ham: 0 };
          entry[label]++;
          batch.memory.set(`${kind}:${hash}`, entry);
        }
      }
      const article = articles.get(record.articleKey)!;
      const entry = touched.get(article.id) ?? articleRow(article, null);
      entry.firstCommentAt = Math.min(entry.firstCommentAt ?? row.createdAt!, row.createdAt!);
      entry.visible ||= row.status === 'approved';
      touched.set(article.id, entry);
    }
    // Articles of a Tamis export are restored even without a comment (settings made before one).
    for (const article of articles.values()) {
      if (article.record.settings && !written.has(article.id) && !touched.has(article.id))
        touched.set(article.id, articleRow(article, null));
    }
    batch.articles = [...touched.values()];
    return { batch, counted, orphaned, met };
  };

  /** The comments stored (or, in a dry run, met) under these records' keys and their parents'. */
  const lookup = async (records: CommentRecord[]) => {
    const keys = records.flatMap((r) => [r.sourceId, ...(r.parentSourceId ? [r.parentSourceId] : [])]);
    const placed = new Map<string, Placed>();
    if (seen) {
      for (const key of keys) if (seen.has(key)) placed.set(key, seen.get(key)!);
      return placed;
    }
    summary.statements++;
    for (const stored of await findImported(db, from, keys, byId)) placed.set(stored.key, stored);
    return placed;
  };

  /**
   * Writes the comments waiting: those stored already (an earlier run) or met already (earlier in
   * the file) are skipped before any work; the others are checked, sealed, placed and written in one
   * batch with their articles and lessons.
   */
  const flush = async (): Promise<void> => {
    const records = pending;
    pending = [];
    const restoring = [...articles.values()].some((a) => a.record.settings && !written.has(a.id));
    if (records.length === 0 && !site && !restoring) return;
    let placed = await lookup(records);
    let already = 0;
    const fresh: CommentRecord[] = [];
    const inBatch = new Set<string>();
    for (const record of records) {
      if (placed.has(record.sourceId) || inBatch.has(record.sourceId)) already++;
      else {
        inBatch.add(record.sourceId);
        fresh.push(record);
      }
    }
    let prepared = (await Promise.all(fresh.map(prepare))).filter((p): p is Pending => p !== null);
    for (let attempt = 0; ; attempt++) {
      const outcome = place(prepared, placed);
      const { batch } = outcome;
      if (!dryRun && (batch.comments.length > 0 || batch.articles.length > 0 || site)) {
        try {
          summary.statements += await writeImportBatch(db, batch, site ? restoreSite(site) : []);
        } catch (e) {
          if (attempt > 0 || !(e instanceof WriteConflict || isUniqueViolation(e))) throw e;
          // Another import stored some of these meanwhile: read again, and skip those.
          placed = await lookup(prepared.map((p) => p.record));
          const before = prepared.length;
          prepared = prepared.filter((p) => !placed.has(p.record.sourceId));
          already += before - prepared.length;
          continue;
        }
        site = null;
      }
      Object.assign(summary, outcome.counted);
      for (const o of outcome.orphaned) error(o.line, o.message);
      for (const a of batch.articles) written.add(a.id);
      if (seen)
        for (const row of batch.comments) seen.set(detached(keyFor(row)), detached(outcome.met.get(keyFor(row))!));
      break;
    }
    if (already > 0) summary.skipped.already_imported = (summary.skipped.already_imported ?? 0) + already;
    summary.articles = written.size;
    options.onProgress?.({ comments: summary.comments.total + (summary.skipped.already_imported ?? 0), bytes });
  };

  const articleRow = (
    article: { id: string; title: string | null; url: string | null; record: ArticleRecord },
    first: number | null,
  ): ImportedArticle => {
    const s = article.record.settings;
    return {
      id: article.id,
      title: article.title,
      url: article.url,
      firstCommentAt: s?.firstCommentAt ?? first,
      visible: false,
      createdAt: s?.createdAt ?? now,
      ...(s ? { closed: s.closed, language: s.language, moderation: s.moderation } : {}),
    };
  };

  /** The site's settings and lists (Tamis's own export), restored with the first batch. */
  const restoreSite = (record: SiteRecord) => {
    const statements = importListEntries(
      db,
      record.lists.map((entry) => ({ id: randomId(), ...entry })),
    );
    if (record.settings) {
      if (SiteSettingsSchema.safeParse(record.settings).success)
        statements.push(writeOverrides(db, record.settings, now));
      else error(record.line, 'the site settings are not valid here: not restored');
    }
    return statements;
  };

  for await (const record of READERS[from](source, (n) => {
    bytes += n;
  })) {
    if (record.kind === 'site') {
      site = record;
      // The retention of the site being restored applies to its IPs.
      if (record.settings) ipSince = now - settingsFrom(record.settings, deps.config).ipRetentionDays * DAY;
    } else if (record.kind === 'article') articleOf(record);
    else if (record.kind === 'skip') skip(record.reason);
    else if (record.kind === 'error') error(record.line, record.message);
    else {
      pending.push(record);
      if (pending.length >= batchSize) {
        await flush();
        if (summary.statements >= budget) {
          summary.complete = false;
          break;
        }
      }
    }
  }
  // The last batch (and, for an export without comments, the site's settings and lists).
  if (summary.complete) await flush();
  if (site && !dryRun) {
    const statements = restoreSite(site);
    await runBatch(db, statements);
    summary.statements += statements.length;
  }
  if (!dryRun) {
    // Settings and lists as restored, at once in this process.
    readCache(db).forgetLists();
    readCache(db).keepSettings(deps.config, settingsFrom(await loadOverrides(db), deps.config), now);
  }
  options.onProgress?.({ comments: summary.comments.total + (summary.skipped.already_imported ?? 0), bytes });
  if (!dryRun) {
    summary.statements += 3;
    if (summary.lessons.spam + summary.lessons.ham > 0) await pruneLearner(deps);
    await runBatch(
      db,
      audit(deps, options.actor as Actor, [
        {
          action: 'import.run',
          target: 'import',
          targetId: null,
          after: {
            from,
            file: summary.file,
            complete: summary.complete,
            articles: summary.articles,
            comments: summary.comments,
            orphans: summary.orphans,
            skipped: summary.skipped,
            lessons: summary.lessons,
            errors: summary.errors.count,
          },
        },
      ]),
    );
  }
  return summary;
}
