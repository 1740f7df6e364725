import { and, eq, or, sql } from 'drizzle-orm';
import type { Deps } from '../deps';
import { fromBase64Url, toBase64Url } from '../crypto';
import { countCrossPosts } from '../db/comments';
import type { ArticleRow } from '../db/articles';
import { comments, listEntries, spamMemory } from '../db/schema';
import type { SiteSettings } from '../settings';
import { runChecks, verdict } from '../spam';
import type { Context, Features, Signal, Verdict } from '../spam/types';

const enc = new TextEncoder();
const dec = new TextDecoder();

export interface Assessment {
  verdict: Verdict;
  score: number;
  reasons: Signal[];
}

/** A form token carries the article and the time it was issued, signed with the server secret. */
export async function issueFormToken(deps: Deps, articleId: string) {
  return deps.keys.sign(`form.${toBase64Url(enc.encode(articleId))}.${deps.clock.now()}`);
}

async function readFormToken(deps: Deps, token: string | undefined | null, articleId: string, now: number): Promise<Context['formToken']> {
  if (token === null) return { state: 'skipped' };
  if (!token) return { state: 'missing' };
  const payload = await deps.keys.verify(token);
  const [kind, article, issued] = payload?.split('.') ?? [];
  const articleBytes = fromBase64Url(article ?? '');
  if (kind !== 'form' || !articleBytes || dec.decode(articleBytes) !== articleId || !/^\d+$/.test(issued ?? '')) {
    return { state: 'invalid' };
  }
  return { state: 'ok', ageMs: now - Number(issued) };
}

export function hostOf(website: string | null): string | null {
  if (!website) return null;
  try {
    return new URL(website).hostname.toLowerCase().replace(/^www\./, '');
  } catch {
    return null;
  }
}

/** Keyed hashes of what local memory remembers about a submitter. */
export async function memoryKeys(deps: Deps, f: Pick<Features, 'email' | 'ip' | 'website'>) {
  const host = hostOf(f.website);
  const [email, ip, hostHash] = await Promise.all([
    deps.keys.hash(f.email.toLowerCase()),
    f.ip ? deps.keys.hash(f.ip) : null,
    host ? deps.keys.hash(`host:${host}`) : null,
  ]);
  return { email, ip, host: hostHash };
}

async function gatherMemory(deps: Deps, keys: Awaited<ReturnType<typeof memoryKeys>>, excludeId?: string) {
  const wanted = [
    and(eq(spamMemory.kind, 'email'), eq(spamMemory.hash, keys.email)),
    keys.ip ? and(eq(spamMemory.kind, 'ip'), eq(spamMemory.hash, keys.ip)) : undefined,
    keys.host ? and(eq(spamMemory.kind, 'host'), eq(spamMemory.hash, keys.host)) : undefined,
  ];
  const [rows, approved] = await Promise.all([
    deps.db.select().from(spamMemory).where(or(...wanted)).all(),
    deps.db
      .select({ n: sql<number>`count(*)` })
      .from(comments)
      .where(
        and(
          eq(comments.emailHash, keys.email),
          eq(comments.status, 'approved'),
          excludeId ? sql`${comments.id} <> ${excludeId}` : undefined,
        ),
      )
      .get(),
  ]);
  const spamOf = (kind: string) => rows.find((r) => r.kind === kind)?.spam ?? 0;
  return {
    spamByIp: spamOf('ip'),
    spamByEmail: spamOf('email'),
    spamByWebsiteHost: spamOf('host'),
    approvedByEmail: approved?.n ?? 0,
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
}

/** Gathers the context (history, lists, learner counts), runs the pure checks, returns the verdict. */
export async function assess(deps: Deps, settings: SiteSettings, input: AssessInput): Promise<Assessment> {
  const { features, now } = input;
  const keys = await memoryKeys(deps, features);
  const [formToken, memory, crossPosts, lists] = await Promise.all([
    readFormToken(deps, input.formToken, features.articleId, now),
    gatherMemory(deps, keys, input.excludeId),
    countCrossPosts(deps.db, input.contentHash, features.articleId, now - 86_400_000),
    deps.db.select({ list: listEntries.list, kind: listEntries.kind, value: listEntries.value }).from(listEntries).all(),
  ]);
  const context: Context = {
    formToken,
    articleLanguage: input.article?.language ?? null,
    memory,
    crossPosts,
    lists,
  };
  const signals = runChecks(features, context, settings.spam);
  return verdict(signals, settings.spam);
}
