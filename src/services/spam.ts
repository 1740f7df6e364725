import { and, eq, inArray, sql } from 'drizzle-orm';
import { DAY, type Db, type Deps } from '../deps';
import { fromBase64Url, randomBytes, toBase64Url, type Keys } from '../crypto';
import { formTokenUsed, type FormTokenUse } from '../db/form-tokens';
import { runBatch, type Statement } from '../db/batch';
import { chunk, MAX_PARAMS, type CommentRow } from '../db/comments';
import type { ArticleRow } from '../db/articles';
import { readCache } from '../db/read-cache';
import { learnerTokens as learnerTable, listEntries, spamMemory } from '../db/schema';
import { loadSettings, type SiteSettings } from '../settings';
import { normalizeEmail } from '../text';
import { learnerTokens, pruneCount, runChecks, verdict } from '../spam';
import { memoryHost } from '../spam/analyze';
import { MAX_TOKENS } from '../spam/learner';
import type { Assessment as CheckAssessment, CheckContext, Features, Label, LearnerInput, LearnerTotals, TokenCounts } from '../spam/types';

const enc = new TextEncoder();
const dec = new TextDecoder();

export interface Assessment extends CheckAssessment {
  /** The form token to use up when the comment is stored (useFormToken in db/form-tokens.ts), when it is fresh and unused. */
  formTokenUse?: FormTokenUse;
}

/**
 * A form token carries the article, the time it was issued and a nonce (two readers of one page get
 * two tokens), signed with the server secret. It serves one comment: see readFormToken.
 */
export async function issueFormToken(deps: Deps, articleId: string) {
  return deps.keys.sign(`form.${toBase64Url(enc.encode(articleId))}.${deps.clock.now()}.${toBase64Url(randomBytes(9))}`);
}

/**
 * Verifies a form token. A token a stored comment was sent with is `used`; a fresh one (not past
 * `formTokenMaxAgeSeconds`) comes back with the use the comment's insert writes (useFormToken, in
 * the same batch). An expired token is never used up: its row may be gone, so it weighs as expired
 * whether or not it served before (checkFormToken).
 */
async function readFormToken(
  deps: Deps,
  token: string | undefined | null,
  articleId: string,
  now: number,
  maxAgeSeconds: number,
): Promise<{ state: CheckContext['formToken']; use?: FormTokenUse }> {
  if (token === null) return { state: { state: 'skipped' } };
  if (!token) return { state: { state: 'missing' } };
  const payload = await deps.keys.verify(token);
  // Tokens issued before the nonce have three parts; they serve once too (the signature is the id).
  const [kind, article, issued, ...rest] = payload?.split('.') ?? [];
  const articleBytes = fromBase64Url(article ?? '');
  if (kind !== 'form' || !articleBytes || dec.decode(articleBytes) !== articleId || !/^\d+$/.test(issued ?? '') || rest.length > 1) {
    return { state: { state: 'invalid' } };
  }
  const ageMs = now - Number(issued);
  const expiresAt = Number(issued) + maxAgeSeconds * 1000;
  if (expiresAt < now) return { state: { state: 'ok', ageMs } };
  const id = token.slice(token.lastIndexOf('.') + 1, token.lastIndexOf('.') + 23);
  if (await formTokenUsed(deps.db, id)) return { state: { state: 'used', ageMs } };
  return { state: { state: 'ok', ageMs }, use: { id, expiresAt } };
}

/** The keyed hash of an email, as every look-up by email takes it (duplicates, memory, export, erasure, search). */
export const emailHash = (keys: Keys, email: string) => keys.hash(normalizeEmail(email));

/** The keyed hash of a website's host, as local memory keys it, or null. */
function hostHash(keys: Keys, website: string | null) {
  const host = memoryHost(website);
  return host ? keys.hash(`host:${host}`) : null;
}

/** Keyed hashes of what local memory remembers about a submitter. */
export async function memoryKeys(deps: Pick<Deps, 'keys'>, f: Pick<Features, 'email' | 'ip' | 'website'>) {
  const [email, ip, host] = await Promise.all([
    emailHash(deps.keys, f.email),
    f.ip ? deps.keys.hash(f.ip) : null,
    hostHash(deps.keys, f.website),
  ]);
  return { email, ip, host };
}

/** A new submission's side of the history: the duplicate check and flood control's windows. */
interface SubmissionWindows {
  /** Flood control: comments from the same IP since then count. */
  floodSince: number;
  /** Comments from the same IP since then count against `maxPerHour`. */
  hourSince: number;
  maxPerHour: number;
}

/** What the database knows of a submitter and a text, read in one statement. */
export interface History {
  memory: CheckContext['memory'];
  crossPosts: number;
  /** The learner's counts of the document's tokens, with its totals. */
  learner: LearnerInput;
  /** Set for a new submission (`SubmissionWindows`), null otherwise. */
  submission: {
    /**
     * The same text, from the same email and the same IP, is already on this article: the same
     * client sending it again. (By email alone it would tell anyone whether an address wrote it.)
     */
    duplicate: boolean;
    /** The same text is already on this article, whoever wrote it. */
    copy: boolean;
    /** Newest comment from this IP since `floodSince`. */
    lastByIp: number | null;
    /** The `maxPerHour`-th newest comment from this IP since `hourSince`: null while under the limit. */
    limitByIp: number | null;
  } | null;
}

/** Beyond this many approved comments, trust grows no more (the bonus is capped well before). */
const TRUST_COUNT_CAP = 1000;

/**
 * Local memory, cross-posting, the learner's counts of the document's `tokens` and, for a new
 * submission, the duplicate check and flood control, as scalar subqueries of one statement: every
 * one of them an indexed lookup (one round trip on D1).
 */
export async function readHistory(
  db: Db,
  q: { keys: MemoryKeys; tokens: string[]; articleId: string; contentHash: string; now: number; excludeId?: string; submission?: SubmissionWindows },
): Promise<History> {
  const { keys, articleId, contentHash } = q;
  const spamFor = (kind: 'email' | 'ip' | 'host', hash: string | null) =>
    hash === null ? sql`0` : sql`(SELECT coalesce(max(spam), 0) FROM spam_memory WHERE kind = ${kind} AND hash = ${hash})`;
  const w = q.submission;
  const ip = keys.ip;
  const submission = w
    ? sql`,
      EXISTS (SELECT 1 FROM comments WHERE email_hash = ${keys.email} AND article_id = ${articleId} AND content_hash = ${contentHash} AND ip_hash IS ${ip}) AS duplicate,
      EXISTS (SELECT 1 FROM comments WHERE content_hash = ${contentHash} AND article_id = ${articleId}) AS copy,
      ${ip === null ? sql`NULL` : sql`(SELECT max(created_at) FROM comments WHERE ip_hash = ${ip} AND created_at >= ${w.floodSince})`} AS lastByIp,
      ${ip === null ? sql`NULL` : sql`(SELECT created_at FROM comments WHERE ip_hash = ${ip} AND created_at >= ${w.hourSince} ORDER BY created_at DESC LIMIT 1 OFFSET ${w.maxPerHour - 1})`} AS limitByIp`
    : sql``;
  // The token list goes as one JSON parameter (D1 binds at most 100), the counts come back as one JSON value.
  const learner = sql`(SELECT json_group_array(json_array(token, spam, ham)) FROM learner_tokens
      WHERE token IN (SELECT value FROM json_each(${JSON.stringify([TOTALS, TOKEN_TOTALS, ...q.tokens])})))`;
  const [row] = await db.all<Record<string, number | string | null>>(sql`
    SELECT ${spamFor('ip', keys.ip)} AS ip, ${spamFor('email', keys.email)} AS email, ${spamFor('host', keys.host)} AS host, ${learner} AS learner,
      (SELECT count(*) FROM (SELECT 1 FROM comments WHERE email_hash = ${keys.email} AND status = 'approved' AND id <> ${q.excludeId ?? ''} LIMIT ${TRUST_COUNT_CAP})) AS approved,
      (SELECT count(DISTINCT article_id) FROM comments WHERE content_hash = ${contentHash} AND created_at >= ${q.now - DAY} AND article_id <> ${articleId}) AS crossPosts
      ${submission}`);
  const n = (key: string) => Number(row?.[key] ?? 0);
  const time = (key: string) => (row?.[key] === null || row?.[key] === undefined ? null : Number(row[key]));
  return {
    memory: { spamByIp: n('ip'), spamByEmail: n('email'), spamByWebsiteHost: n('host'), approvedByEmail: n('approved') },
    crossPosts: n('crossPosts'),
    learner: learnerInput(q.tokens, JSON.parse(String(row?.learner ?? '[]')) as [string, number, number][]),
    submission: w ? { duplicate: n('duplicate') === 1, copy: n('copy') === 1, lastByIp: time('lastByIp'), limitByIp: time('limitByIp') } : null,
  };
}

export interface AssessInput {
  features: Features;
  /** The submitted form token; null skips the check (author edits, the admin dry run). */
  formToken: string | undefined | null;
  article: ArticleRow | undefined;
  contentHash: string;
  now: number;
  excludeId?: string;
  /** The history, when the caller has read it already (a new submission reads it for flood control). */
  history?: History;
}

/** Gathers the context (history with the learner's counts, lists), runs the pure checks, returns the verdict. */
export async function assess(deps: Deps, settings: SiteSettings, input: AssessInput): Promise<Assessment> {
  const { features, now } = input;
  const [token, { memory, crossPosts, learner }, lists] = await Promise.all([
    readFormToken(deps, input.formToken, features.articleId, now, settings.spam.formTokenMaxAgeSeconds),
    input.history ??
      memoryKeys(deps, features).then((keys) =>
        readHistory(deps.db, { keys, tokens: learnerTokens(features), articleId: features.articleId, contentHash: input.contentHash, now, excludeId: input.excludeId }),
      ),
    readCache(deps.db).lists(() => deps.db.select({ list: listEntries.list, kind: listEntries.kind, value: listEntries.value }).from(listEntries).all()),
  ]);
  const context: CheckContext = {
    formToken: token.state,
    articleLanguage: input.article?.language ?? null,
    memory,
    crossPosts,
    lists,
  };
  const signals = runChecks(features, context, settings.spam, learner);
  const assessment: Assessment = verdict(signals, settings.spam);
  if (token.use) assessment.formTokenUse = token.use;
  return assessment;
}

// The learner's table ----------------------------------------------------------------------------

/**
 * Two rows hold the totals: trained documents per class, and the tokens those documents held.
 * Real tokens always carry a "x:" prefix, so "#…" names never collide with them.
 */
const TOTALS = '#total';
const TOKEN_TOTALS = '#tokens';

/** The learner's input from the rows read for a document's tokens ([token, spam, ham], totals included). */
function learnerInput(tokens: string[], rows: [string, number, number][]): LearnerInput {
  const stats = new Map<string, TokenCounts>();
  for (const [token, spam, ham] of rows) stats.set(token, { spam, ham });
  const documents = stats.get(TOTALS) ?? { spam: 0, ham: 0 };
  const tokenTotals = stats.get(TOKEN_TOTALS) ?? { spam: 0, ham: 0 };
  stats.delete(TOTALS);
  stats.delete(TOKEN_TOTALS);
  const totals: LearnerTotals = { ...documents, spamTokens: tokenTotals.spam, hamTokens: tokenTotals.ham };
  return { tokens, stats, totals };
}

/** How many tokens the learner holds, and how many documents of each class it was trained with. */
export async function learnerSize(db: Db) {
  const row = await db
    .select({
      vocabulary: sql<number>`sum(${learnerTable.token} NOT IN (${TOTALS}, ${TOKEN_TOTALS}))`,
      spam: sql<number>`coalesce(max(case when ${learnerTable.token} = ${TOTALS} then ${learnerTable.spam} end), 0)`,
      ham: sql<number>`coalesce(max(case when ${learnerTable.token} = ${TOTALS} then ${learnerTable.ham} end), 0)`,
    })
    .from(learnerTable)
    .get();
  return { vocabulary: row?.vocabulary ?? 0, spam: row?.spam ?? 0, ham: row?.ham ?? 0 };
}

export type { Label } from '../spam/types';

/** What training needs to know of a submitter: keyed hashes, never the values. */
export interface MemoryKeys {
  email: string;
  ip: string | null;
  host: string | null;
}

/**
 * Statements that add `delta` (positive or negative) to the label's count of each token, counts
 * never going below zero; a token no lesson counts any more is deleted, not kept at zero (an erased
 * name leaves no row). Increments are upserts of 20 rows; decrements one UPDATE per amount and slice.
 */
function countStatements(deps: Deps, label: Label, deltas: ReadonlyMap<string, number>): Statement[] {
  const now = deps.clock.now();
  const { db } = deps;
  const column = label === 'spam' ? learnerTable.spam : learnerTable.ham;
  const up = [...deltas].filter(([, n]) => n > 0);
  const down = new Map<number, string[]>();
  for (const [token, n] of deltas) {
    if (n >= 0) continue;
    const same = down.get(-n);
    if (same) same.push(token);
    else down.set(-n, [token]);
  }
  const gone = [...down.values()].flat().filter((token) => !token.startsWith('#'));
  return [
    ...chunk(up, 20).map((slice) =>
      db
        .insert(learnerTable)
        .values(slice.map(([token, n]) => ({ token, spam: 0, ham: 0, [label]: n, updatedAt: now })))
        .onConflictDoUpdate({ target: learnerTable.token, set: { [label]: sql`${column} + excluded.${sql.raw(label)}`, updatedAt: now } }),
    ),
    ...[...down].flatMap(([n, tokens]) =>
      chunk(tokens, MAX_PARAMS).map((slice) =>
        db.update(learnerTable).set({ [label]: sql`max(0, ${column} - ${n})`, updatedAt: now }).where(inArray(learnerTable.token, slice)),
      ),
    ),
    ...chunk(gone, MAX_PARAMS).map((slice) =>
      db.delete(learnerTable).where(and(inArray(learnerTable.token, slice), eq(learnerTable.spam, 0), eq(learnerTable.ham, 0))),
    ),
  ];
}

/** The counts a change of lessons makes, per label: each token, the tokens total and (for whole comments) the documents total. */
type Deltas = Record<Label, Map<string, number>>;
const noDeltas = (): Deltas => ({ spam: new Map(), ham: new Map() });

function addLesson(deltas: Deltas, label: Label, tokens: readonly string[], delta: number, document: boolean) {
  const of = deltas[label];
  const add = (token: string, n: number) => of.set(token, (of.get(token) ?? 0) + n);
  if (document) add(TOTALS, delta);
  add(TOKEN_TOTALS, delta * tokens.length);
  for (const token of tokens) add(token, delta);
}

const deltaStatements = (deps: Deps, deltas: Deltas) => (['spam', 'ham'] as const).flatMap((label) => countStatements(deps, label, deltas[label]));

/**
 * The statements that train the learner and the local memory with one decision (delta +1), or
 * take one back (delta −1, when a moderator reverses it); counts never go below zero. They are
 * written in the same batch as the decision they come from. `tokens`: the comment's learnerTokens.
 */
function lessonStatements(deps: Deps, tokens: string[], keys: MemoryKeys, label: Label, delta: 1 | -1): Statement[] {
  const now = deps.clock.now();
  const { db } = deps;
  const memoryColumn = label === 'spam' ? spamMemory.spam : spamMemory.ham;
  const memory = (['email', 'ip', 'host'] as const)
    .filter((kind) => keys[kind])
    .map((kind) =>
      db
        .insert(spamMemory)
        .values({ kind, hash: keys[kind]!, spam: 0, ham: 0, [label]: Math.max(0, delta), updatedAt: now })
        .onConflictDoUpdate({ target: [spamMemory.kind, spamMemory.hash], set: { [label]: sql`max(0, ${memoryColumn} + ${delta})`, updatedAt: now } }),
    );
  const deltas = noDeltas();
  addLesson(deltas, label, tokens, delta, true);
  return [...deltaStatements(deps, deltas), ...memory];
}

/** Trains the learner and the local memory with a labelled comment (the feedback endpoint). */
export async function learn(deps: Deps, features: Features, keys: MemoryKeys, label: Label) {
  await runBatch(deps.db, lessonStatements(deps, learnerTokens(features), keys, label, 1));
  deps.defer(() => pruneLearner(deps));
}

/** Keeps the vocabulary under its cap: the rarest, oldest tokens go first. */
export async function pruneLearner(deps: Deps) {
  const { db } = deps;
  const [size] = await db.select({ n: sql<number>`count(*)` }).from(learnerTable).all();
  const settings = await loadSettings(db, deps.config);
  const excess = pruneCount(size?.n ?? 0, settings.spam);
  if (excess === 0) return;
  await db.run(
    sql`DELETE FROM learner_tokens WHERE token IN (SELECT token FROM learner_tokens WHERE token NOT LIKE '#%' ORDER BY spam + ham, updated_at LIMIT ${excess})`,
  );
}

/**
 * The features of a stored comment, as the learner reads them: the email decrypted in memory only
 * (for its domain); no IP, which no token is made of (local memory is keyed by the row's hashes).
 */
async function storedFeatures(deps: Deps, row: CommentRow): Promise<Features> {
  return {
    articleId: row.articleId,
    author: row.author,
    email: (await deps.keys.decrypt(row.emailEnc)) ?? '',
    website: row.website,
    content: row.content,
    ip: null,
    // A stored null is ambiguous (sent none, or forgotten by the retention purge): unknown.
    userAgent: row.userAgent ?? undefined,
  };
}

/** What changes in a trained comment's lesson when the comment changes: the tokens it no longer gives, and those it now gives. */
export interface Revision {
  label: Label;
  gone: string[];
  added: string[];
}

/**
 * When a trained comment changes (an edit, an erasure, the retention purge), what its lesson
 * taught is replaced by what the comment now teaches, in the same batch as the change: so the
 * learner keeps no word of an erased name, and a decision reversed later takes back exactly what
 * the lesson then holds. Only the tokens that differ change: the comment stays one document of its
 * class. Local memory is left to the caller (erasure forgets the address and IPs; the purge forgets
 * IPs by age). `change`: the features as storedFeatures will read them from the changed row.
 */
export async function lessonRevision(
  deps: Deps,
  row: CommentRow,
  change: Partial<Pick<Features, 'author' | 'email' | 'website' | 'content' | 'userAgent'>>,
): Promise<Revision | null> {
  if (!row.trained) return null;
  const features = await storedFeatures(deps, row);
  const before = learnerTokens(features);
  // The purge takes only the user agent, so only its token goes; except at the token cap, where the
  // freed place lets another token in and the comment is read again.
  const agentOnly = Object.keys(change).length === 1 && 'userAgent' in change && change.userAgent === undefined;
  const after = agentOnly && before.length < MAX_TOKENS ? before.filter((token) => !token.startsWith('m:ua:')) : learnerTokens({ ...features, ...change });
  const kept = new Set(after);
  const had = new Set(before);
  return { label: row.trained, gone: before.filter((token) => !kept.has(token)), added: after.filter((token) => !had.has(token)) };
}

/** The statements of revisions, their counts summed (fifty comments losing one browser: one decrement of fifty). */
export function revisionStatements(deps: Deps, revisions: ReadonlyArray<Revision | null>): Statement[] {
  const deltas = noDeltas();
  for (const revision of revisions) {
    if (!revision) continue;
    addLesson(deltas, revision.label, revision.gone, -1, false);
    addLesson(deltas, revision.label, revision.added, 1, false);
  }
  return deltaStatements(deps, deltas);
}

/**
 * A moderator's decision on a stored comment, as the learner sees it: marking spam trains spam;
 * approving a comment the checks did not approve (held or judged spam) trains ham. A reversed
 * decision first takes the earlier lesson back. Where the label stays, an edit made with the
 * decision revises what a trained comment taught (`editLesson`). Returns the label the comment now
 * holds and the statements to write with the decision (none when there is nothing to learn); the
 * caller prunes the learner afterwards (`pruneLearner`).
 */
export async function decisionLesson(
  deps: Deps,
  row: CommentRow,
  status: CommentRow['status'],
  content: string = row.content,
): Promise<{ trained: Label | null; statements: Statement[] }> {
  const label: Label | null = status === 'spam' ? 'spam' : status === 'approved' && (row.verdict !== 'approve' || row.trained === 'spam') ? 'ham' : null;
  if (!label || label === row.trained) return { trained: row.trained, statements: await editLesson(deps, row, content) };
  const [features, host] = await Promise.all([storedFeatures(deps, row), hostHash(deps.keys, row.website)]);
  const keys: MemoryKeys = { email: row.emailHash, ip: row.ipHash, host };
  const taught = learnerTokens(features);
  return {
    trained: label,
    statements: [
      ...(row.trained ? lessonStatements(deps, taught, keys, row.trained, -1) : []),
      // Taught from the comment as it will be stored, the edit made with the decision included.
      ...lessonStatements(deps, content === row.content ? taught : learnerTokens({ ...features, content }), keys, label, 1),
    ],
  };
}

/** The revision of a trained comment's lesson when its text is edited (none for an untrained one, or the same text). */
export async function editLesson(deps: Deps, row: CommentRow, content: string): Promise<Statement[]> {
  return content === row.content ? [] : revisionStatements(deps, [await lessonRevision(deps, row, { content })]);
}
