import { htmlToText } from './html-text';
import { articleIds, detached, parseDate, type ArticleRecord, type ByteSource, type ImportRecord } from './records';
import { readXml, type XmlReader } from './xml';

/**
 * Disqus's XML export: <thread dsq:id> elements (link, title, id), then <post dsq:id> elements
 * naming their thread and parent by dsq:id. A thread becomes an article when its first post comes
 * (threads nobody commented are left out); deleted posts go to the trash, spam to spam, the rest
 * is approved. The threads are kept in memory (a few fields each), the posts are not.
 */

const THREAD_FIELDS = new Set(['id', 'link', 'title']);
const POST_FIELDS = new Set(['message', 'createdAt', 'isDeleted', 'isSpam', 'ipAddress']);
const AUTHOR_FIELDS = new Set(['email', 'name', 'username']);

export function readDisqus(source: ByteSource, onBytes?: (n: number) => void): AsyncGenerator<ImportRecord> {
  const threads = new Map<string, ArticleRecord | null>();
  let thread: { id: string; fields: Record<string, string>; line: number } | null = null;
  let post: { id: string; fields: Record<string, string>; line: number } | null = null;
  const reader: XmlReader = {
    wants: (name, path) =>
      (path.length === 2 && path[1] === 'thread' && THREAD_FIELDS.has(name)) ||
      (path.length === 2 && path[1] === 'post' && POST_FIELDS.has(name)) ||
      (path.length === 3 && path[1] === 'post' && path[2] === 'author' && AUTHOR_FIELDS.has(name)),
    open({ name, attributes, path, line }) {
      if (path.length !== 1) {
        if (post && path.length === 2 && (name === 'thread' || name === 'parent'))
          post.fields[name] = attributes['dsq:id'] ?? '';
        return undefined;
      }
      if (name === 'thread') thread = { id: attributes['dsq:id'] ?? '', fields: {}, line };
      else if (name === 'post') post = { id: attributes['dsq:id'] ?? '', fields: {}, line };
      return undefined;
    },
    close({ name, path, text }) {
      if (path.length === 2 && path[1] === 'thread' && thread) thread.fields[name] = text;
      else if (path.length === 2 && path[1] === 'post' && post && POST_FIELDS.has(name)) post.fields[name] = text;
      else if (path.length === 3 && post && path[2] === 'author') post.fields[`author.${name}`] = text;
      else if (path.length === 1 && name === 'thread' && thread) {
        const { id, fields, line } = thread;
        thread = null;
        if (!id) return [{ kind: 'error', line, message: 'a thread without dsq:id' }];
        const link = fields.link?.trim() || null;
        const pathname = link ? safePath(link) : null;
        threads.set(
          id,
          detached({
            kind: 'article',
            key: `thread:${id}`,
            ids: { ...articleIds(link, pathname?.split('/').filter(Boolean).at(-1) ?? null, fields.id?.trim() || id) },
            title: fields.title?.trim() || null,
            url: link,
            line,
          }),
        );
      } else if (path.length === 1 && name === 'post' && post) {
        const done = post;
        post = null;
        return postRecords(done, threads);
      }
      return undefined;
    },
  };
  return readXml(source, reader, onBytes);
}

function safePath(link: string): string | null {
  try {
    return new URL(link).pathname;
  } catch {
    return null;
  }
}

const yes = (value: string | undefined) => value?.trim() === 'true';

function postRecords(
  post: { id: string; fields: Record<string, string>; line: number },
  threads: Map<string, ArticleRecord | null>,
): ImportRecord[] {
  const { id, fields: f, line } = post;
  if (!id) return [{ kind: 'error', line, message: 'a post without dsq:id' }];
  const threadId = f.thread ?? '';
  const article = threads.get(threadId);
  if (article === undefined)
    return [{ kind: 'error', line, message: `post ${id}: its thread ${threadId || '(none)'} is not in the file` }];
  const out: ImportRecord[] = [];
  if (article) {
    out.push(article);
    threads.set(threadId, null); // handed on once; the key stays known
  }
  const nonEmpty = (key: string) => f[key]?.trim() || null;
  out.push({
    kind: 'comment',
    sourceId: id,
    articleKey: `thread:${threadId}`,
    parentSourceId: f.parent || null,
    author: f['author.name']?.trim() || f['author.username'] || '',
    email: nonEmpty('author.email'),
    website: null,
    ip: nonEmpty('ipAddress'),
    userAgent: null,
    content: htmlToText(f.message ?? ''),
    status: yes(f.isDeleted) ? 'trash' : yes(f.isSpam) ? 'spam' : 'approved',
    createdAt: parseDate(f.createdAt),
    line,
  });
  return out;
}
