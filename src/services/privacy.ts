import type { Keys } from '../crypto';
import { scrubDeleted, type Deps } from '../deps';
import { auditEntriesAbout, rewriteAuditEntry, type AuditRow } from '../db/audit';
import { runBatch, type Statement } from '../db/batch';
import type { CommentRow } from '../db/comments';
import { deleteEmailEntries, emailEntries } from '../db/lists';
import { forgetEvents, forgetSubscriber } from '../db/outbox';
import { commentsByEmailHash, commentsMentioning, updateComments, writeToThreads } from '../db/moderation';
import { readCache } from '../db/read-cache';
import { forgetSubmitter } from '../db/spam-memory';
import { renderHtml } from '../render';
import { normalizeEmail } from '../text';
import { loadSettings } from '../settings';
import { audit, type Actor } from './audit';
import { contentHash } from './comments';
import { adminViews } from './moderation';
import { emailHash } from './keys';
import { lessonRevision, revisionStatements, type Revision } from './lessons';
import { outboxStatements, wakeOutbox } from './outbox';
import { erasedEvent, webhookRows } from './webhooks';

/**
 * Privacy requests. Export: every comment written with an address. Erasure: the person's data goes,
 * their words stay (threads remain readable), signed by "Anonyme" / "Anonymous".
 */

const ERASED = '[erased]';

/** The name erased comments are shown under, in the site's language. */
const anonymousName = (siteLanguage: string) => (siteLanguage === 'fr' ? 'Anonyme' : 'Anonymous');

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Replaces whole occurrences of the values ('ann@x.fr' does not touch 'joann@x.fr'), any case. */
function scrubber(values: string[]) {
  const wanted = values.filter(Boolean).map(escapeRegExp);
  if (wanted.length === 0) return (text: string) => text;
  const pattern = new RegExp(`(?<![\\w.+:-])(?:${wanted.join('|')})(?![\\w:-]|\\.[\\w-])`, 'giu');
  return (text: string) => text.replace(pattern, ERASED);
}

export async function exportByEmail(deps: Deps, actor: Actor, email: string) {
  const rows = await commentsByEmailHash(deps.db, await emailHash(deps.keys, email));
  // The address is not written to the log: only that an export happened, and its size.
  await runBatch(
    deps.db,
    audit(deps, actor, [{ action: 'privacy.export', target: 'privacy', after: { comments: rows.length } }]),
  );
  return adminViews(deps, rows);
}

/** Text and reasons of a comment with the values scrubbed, or null when nothing changed. */
async function scrubComment(keys: Keys, row: Pick<CommentRow, 'content' | 'reasons'>, scrub: (s: string) => string) {
  const content = scrub(row.content);
  const reasons = row.reasons.map((r) => ({ ...r, detail: scrub(r.detail) }));
  const changed = content !== row.content || reasons.some((r, i) => r.detail !== row.reasons[i]!.detail);
  if (!changed) return null;
  return {
    reasons,
    ...(content !== row.content
      ? { content, html: renderHtml(content), contentHash: await contentHash(keys, content) }
      : {}),
  };
}

/**
 * The statements one erasure request writes at most: D1 runs 1,000 a request on the Paid plan; the
 * reads and the outbox's first run after the answer (waitUntil) take the rest. A person with more
 * than fits is erased over several requests (`complete: false`: send the same request again); each
 * request is one batch, all or nothing, and finds only what is left (an erased comment no longer
 * carries the address's hash, a scrubbed text no longer quotes it, a rewritten audit entry has no
 * subject).
 */
export const ERASE_STATEMENTS = 700;

/**
 * Erases a person, found by the keyed hash of their address. On each of their comments: the
 * address, IP, user agent and website are removed and the author becomes "Anonyme"/"Anonymous";
 * the text stays, except the address and their IPs wherever quoted. Elsewhere: the address is
 * scrubbed from other comments and from the audit log (where their name and website are replaced
 * too), removed from the email lists, and local memory forgets the address and their IPs (not the
 * host of their website, which others may link to). The learner's lessons from these comments are
 * revised to what the comments now say (lessonRevision). One batch per request, all or nothing,
 * within ERASE_STATEMENTS: what does not fit is left to the next request (`complete: false`). Then
 * the storage is scrubbed of the old copies (Deps.scrubStorage), and the webhook receiver gets a
 * `comment.erased` event for each comment changed, so that it replaces its copies.
 */
export async function erase(deps: Deps, actor: Actor, rawEmail: string) {
  const { db, keys } = deps;
  const email = normalizeEmail(rawEmail);
  const [hash, settings] = await Promise.all([emailHash(keys, email), loadSettings(deps)]);
  const found = await Promise.all([
    commentsByEmailHash(db, hash),
    commentsMentioning(db, email, hash),
    auditEntriesAbout(db, hash, email),
    emailEntries(db, email),
  ]);
  // Their IPs, from all their comments still found (not only those this request erases), to scrub wherever quoted.
  const ips = (await Promise.all(found[0].map((r) => (r.ipEnc ? keys.decrypt(r.ipEnc) : null)))).filter(
    (ip): ip is string => !!ip,
  );
  const person: Person = { email, hash, ips, anonymous: anonymousName(settings.spam.siteLanguage) };
  // All of it when it fits; else the same share of each kind, halved until it fits.
  let share = 1;
  let plan = await erasePlan(deps, actor, person, sliced(found, share));
  while (plan.statements.length > ERASE_STATEMENTS && share > 1 / 4096) {
    share /= 2;
    plan = await erasePlan(deps, actor, person, sliced(found, share));
  }
  const complete = share === 1;
  await writeToThreads(db, plan.threads, plan.statements);
  readCache(db).forgetLists();
  // SQL no longer finds them; the old page images in the -wal and the file would (deps.scrubStorage).
  await scrubDeleted(deps, 'privacy.erase');
  if (plan.outboxed) wakeOutbox(deps);
  return { ...plan.counts, complete };
}

interface Person {
  email: string;
  hash: string;
  ips: string[];
  anonymous: string;
}

type Found = [CommentRow[], CommentRow[], AuditRow[], Awaited<ReturnType<typeof emailEntries>>];

/** The first `share` of each kind of what an erasure found (at least one of each that has any). */
const sliced = ([own, mentions, auditRows, listed]: Found, share: number): Found => {
  const first = <T>(list: T[]) => (share === 1 ? list : list.slice(0, Math.ceil(list.length * share)));
  return [first(own), first(mentions), first(auditRows), listed];
};

/** The batch that erases what `found` holds of a person. */
async function erasePlan(deps: Deps, actor: Actor, { email, hash, ips, anonymous }: Person, found: Found) {
  const { db } = deps;
  const now = deps.clock.now();
  const [own, mentions, auditRows, listed] = found;
  const ipHashes = [...new Set(own.flatMap((r) => (r.ipHash ? [r.ipHash] : [])))];
  const scrubOwn = scrubber([email, ...ips]);
  const scrubOthers = scrubber([email]);

  const statements: Statement[] = [];
  const revisions: Promise<Revision | null>[] = [];
  /** The comments as they are after the erasure, for the webhook receiver's copies. */
  const erased: { row: CommentRow; part: 'author' | 'mention' }[] = [];
  for (const row of own) {
    const text = await scrubComment(deps.keys, row, scrubOwn);
    const patch = {
      author: anonymous,
      emailEnc: '',
      emailHash: '',
      website: null,
      ipEnc: null,
      ipHash: null,
      userAgent: null,
      ...text,
      updatedAt: now,
    };
    statements.push(...updateComments(db, [row.id], patch));
    erased.push({ row: { ...row, ...patch }, part: 'author' });
    // The learner forgets the words of their name, address and website that the lesson held.
    revisions.push(
      lessonRevision(deps, row, {
        author: anonymous,
        email: '',
        website: null,
        userAgent: undefined,
        content: text?.content ?? row.content,
      }),
    );
  }
  const mentioned: string[] = [];
  for (const row of mentions) {
    const text = await scrubComment(deps.keys, row, scrubOthers);
    if (!text) continue; // a longer address that merely contains this one
    mentioned.push(row.articleId);
    statements.push(...updateComments(db, [row.id], { ...text, updatedAt: now }));
    if (text.content !== undefined) {
      revisions.push(lessonRevision(deps, row, { content: text.content }));
      erased.push({ row: { ...row, ...text, updatedAt: now }, part: 'mention' }); // reasons are not sent: only a changed text counts
    }
  }
  statements.push(...revisionStatements(deps, await Promise.all(revisions)));
  const scrubSnapshot = (snapshot: AuditRow['before'], subject: boolean) => {
    if (!snapshot) return snapshot;
    const out = JSON.parse(scrubOthers(JSON.stringify(snapshot))) as Record<string, unknown>;
    if (subject && 'author' in out) out.author = anonymous;
    if (subject && 'website' in out) out.website = null;
    return out;
  };
  for (const row of auditRows) {
    const subject = row.subjectHash === hash;
    statements.push(
      rewriteAuditEntry(db, row.id, {
        before: scrubSnapshot(row.before, subject),
        after: scrubSnapshot(row.after, subject),
      }),
    );
  }
  const counts = {
    comments: own.length,
    mentions: mentioned.length,
    auditEntries: auditRows.length,
    listEntries: listed.length,
  };
  // Copies sent to the webhook receiver are replaced too (one event per comment changed).
  const by = { type: 'moderator' as const, name: actor.name };
  const outboxed = outboxStatements(
    deps,
    webhookRows(
      deps,
      erased.map(({ row, part }) => erasedEvent(deps, row, part, by)),
    ),
  );
  return {
    threads: [...own.map((r) => r.articleId), ...mentioned],
    counts,
    outboxed: outboxed.length > 0,
    statements: [
      ...statements,
      // Their subscriptions go, with every email for them still in the outbox, and the events that
      // carried what is erased (the comment.erased events below replace them).
      ...forgetSubscriber(db, hash),
      ...forgetEvents(db, [...own.map((r) => r.id), ...erased.map(({ row }) => row.id)]),
      ...outboxed,
      deleteEmailEntries(db, email),
      ...forgetSubmitter(db, hash, ipHashes),
      // Recorded without the address (nor its hash): only how much was erased (by this request).
      ...audit(deps, actor, [{ action: 'privacy.erase', target: 'privacy', after: counts }], now),
    ],
  };
}
