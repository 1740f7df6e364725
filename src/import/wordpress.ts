import type { CommentStatus } from '../db/schema';
import { htmlToText } from './html-text';
import { articleIds, detached, parseDate, type ByteSource, type CommentRecord, type ImportRecord } from './records';
import { readXml, type XmlReader } from './xml';

/**
 * WordPress's export (Tools → Export, WXR 1.1 and 1.2): each <item> with comments is an article
 * (wp:post_id, link, title, wp:post_name), each <wp:comment> a comment. Pingbacks and trackbacks are
 * skipped and counted. An item's comments are handed on when the item closes, parents first, so
 * that a reply finds its parent whatever order the file lists them in.
 */

const ITEM_FIELDS = new Set(['title', 'link', 'wp:post_id', 'wp:post_name']);
const COMMENT_FIELDS = new Set([
  'wp:comment_id',
  'wp:comment_author',
  'wp:comment_author_email',
  'wp:comment_author_url',
  'wp:comment_author_IP',
  'wp:comment_date',
  'wp:comment_date_gmt',
  'wp:comment_content',
  'wp:comment_approved',
  'wp:comment_type',
  'wp:comment_parent',
  'wp:comment_agent',
]);

const STATUSES: Record<string, CommentStatus> = {
  '1': 'approved',
  approve: 'approved',
  '0': 'pending',
  hold: 'pending',
  spam: 'spam',
  trash: 'trash',
  'post-trashed': 'trash',
};

/** Parents before their replies (a reply whose parent is not in the item keeps its place). */
export function parentsFirst<T extends { sourceId: string; parentSourceId: string | null }>(comments: T[]): T[] {
  const byId = new Map(comments.map((c) => [c.sourceId, c]));
  const done = new Set<string>();
  const out: T[] = [];
  const visit = (c: T, seen: Set<string>) => {
    if (done.has(c.sourceId) || seen.has(c.sourceId)) return;
    seen.add(c.sourceId);
    const parent = c.parentSourceId ? byId.get(c.parentSourceId) : undefined;
    if (parent) visit(parent, seen);
    done.add(c.sourceId);
    out.push(c);
  };
  for (const c of comments) visit(c, new Set());
  return out;
}

export function readWordPress(source: ByteSource, onBytes?: (n: number) => void): AsyncGenerator<ImportRecord> {
  let site = '';
  let item: { fields: Record<string, string>; line: number; records: ImportRecord[] } | null = null;
  let comment: { fields: Record<string, string>; line: number } | null = null;
  const reader: XmlReader = {
    wants: (name, path) =>
      (path.at(-1) === 'item' && ITEM_FIELDS.has(name)) ||
      (path.at(-1) === 'wp:comment' && COMMENT_FIELDS.has(name)) ||
      (path.at(-1) === 'channel' && (name === 'wp:base_blog_url' || name === 'link')),
    open({ name, path, line }) {
      if (name === 'item' && path.at(-1) === 'channel') item = { fields: {}, line, records: [] };
      else if (name === 'wp:comment' && item) comment = { fields: {}, line };
      return undefined;
    },
    close({ name, path, text }) {
      const parent = path.at(-1);
      if (parent === 'channel' && (name === 'wp:base_blog_url' || (name === 'link' && !site)))
        site = detached(text.trim());
      else if (parent === 'item' && item && ITEM_FIELDS.has(name)) item.fields[name] = text;
      else if (parent === 'wp:comment' && comment) comment.fields[name] = text;
      else if (name === 'wp:comment' && comment && item) {
        item.records.push(commentRecord(comment.fields, comment.line, site));
        comment = null;
      } else if (name === 'item' && item) {
        const done = item;
        item = null;
        return itemRecords(done.fields, done.line, done.records);
      }
      return undefined;
    },
  };
  return readXml(source, reader, onBytes);
}

function itemRecords(fields: Record<string, string>, line: number, records: ImportRecord[]): ImportRecord[] {
  const comments = records.filter((r): r is CommentRecord => r.kind === 'comment');
  if (comments.length === 0) return records; // skips and errors only
  const postId = fields['wp:post_id']?.trim() || null;
  const link = fields.link?.trim() || null;
  const key = `post:${postId ?? line}`;
  for (const c of comments) c.articleKey = key;
  return [
    {
      kind: 'article',
      key,
      ids: articleIds(link, fields['wp:post_name']?.trim() || null, postId),
      title: fields.title?.trim() || null,
      url: link,
      line,
    },
    ...records.filter((r) => r.kind !== 'comment'),
    ...parentsFirst(comments),
  ];
}

function commentRecord(f: Record<string, string>, line: number, site: string): ImportRecord {
  const type = (f['wp:comment_type'] ?? '').trim();
  if (type === 'pingback' || type === 'trackback') return { kind: 'skip', reason: type, line };
  const id = (f['wp:comment_id'] ?? '').trim();
  if (!id) return { kind: 'error', line, message: 'a comment without wp:comment_id' };
  const parent = (f['wp:comment_parent'] ?? '').trim();
  const approved = (f['wp:comment_approved'] ?? '').trim();
  const nonEmpty = (key: string) => f[key]?.trim() || null;
  return {
    kind: 'comment',
    // WordPress numbers comments per site: the site's address makes the id unique across sites.
    sourceId: `${site}#${id}`,
    articleKey: '',
    parentSourceId: parent && parent !== '0' ? `${site}#${parent}` : null,
    author: f['wp:comment_author'] ?? '',
    email: nonEmpty('wp:comment_author_email'),
    website: nonEmpty('wp:comment_author_url'),
    ip: nonEmpty('wp:comment_author_IP'),
    userAgent: nonEmpty('wp:comment_agent'),
    content: htmlToText(f['wp:comment_content'] ?? ''),
    status: STATUSES[approved] ?? 'pending',
    createdAt: parseDate(f['wp:comment_date_gmt']) ?? parseDate(f['wp:comment_date']),
    line,
  };
}
