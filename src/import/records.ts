import type { CommentStatus } from '../db/schema';

/**
 * What the readers of import files (WordPress WXR, Disqus XML, Tamis NDJSON) hand the importer
 * (services/import.ts), one record at a time, in the order of the file: an article before its
 * comments. Texts are as the file has them (HTML already made text); the importer normalizes and
 * validates them like the API does.
 */

export type ImportSource = 'wordpress' | 'disqus' | 'tamis';
export const IMPORT_SOURCES = ['wordpress', 'disqus', 'tamis'] as const satisfies readonly ImportSource[];

/** How an article's id is chosen from what the file says of it (`--article-id`). */
export type ArticleIdFrom = 'path' | 'slug' | 'id' | 'url';
export const ARTICLE_ID_FROM = ['path', 'slug', 'id', 'url'] as const satisfies readonly ArticleIdFrom[];

export interface ArticleRecord {
  kind: 'article';
  /** The article's key in the file (post id, thread id), which its comments name. */
  key: string;
  /** What each ArticleIdFrom gives for this article (null when the file has nothing for it). */
  ids: Record<ArticleIdFrom, string | null>;
  title: string | null;
  url: string | null;
  line: number;
  /** From a Tamis export: the article's own settings, as they were. */
  settings?: {
    closed: boolean;
    language: string | null;
    moderation: 'auto' | 'all' | 'none' | null;
    createdAt: number;
    firstCommentAt: number | null;
  };
}

export interface CommentRecord {
  kind: 'comment';
  /** The comment's id in the source, unique there: a second import of it is skipped. */
  sourceId: string;
  articleKey: string;
  parentSourceId: string | null;
  author: string;
  email: string | null;
  website: string | null;
  ip: string | null;
  userAgent: string | null;
  content: string;
  status: CommentStatus;
  /** Unix milliseconds, or null when the file's date cannot be read. */
  createdAt: number | null;
  line: number;
  /** From a Tamis export: everything else the comment had, kept as it was. */
  tamis?: {
    id: string;
    rootId: string;
    depth: number;
    verdict: 'approve' | 'hold' | 'spam';
    score: number;
    reasons: { rule: string; score: number; detail: string }[];
    trained: 'spam' | 'ham' | null;
    staff: boolean;
    updatedAt: number;
    editedAt: number | null;
    source: string | null;
    sourceId: string | null;
  };
}

/** Something the file holds that is not imported, and why (a pingback, a trackback). */
export interface SkipRecord {
  kind: 'skip';
  reason: string;
  line: number;
}

/** A part of the file that cannot be read: reported with its line, never silently dropped. */
export interface ErrorRecord {
  kind: 'error';
  line: number;
  message: string;
}

/** From a Tamis export: the site's settings and lists. */
export interface SiteRecord {
  kind: 'site';
  settings: Record<string, unknown> | null;
  lists: {
    list: 'disallowed' | 'moderation';
    kind: 'word' | 'ip' | 'cidr' | 'email' | 'domain';
    value: string;
    createdAt: number;
  }[];
  line: number;
}

export type ImportRecord = ArticleRecord | CommentRecord | SkipRecord | ErrorRecord | SiteRecord;

/** A file's bytes as they arrive (a file read by the command, a request body on Workers). */
export type ByteSource = AsyncIterable<Uint8Array> | ReadableStream<Uint8Array>;

/** The chunks of a ByteSource, whatever its kind (a web stream is read with its reader: not every runtime's is async-iterable). */
export async function* chunksOf(source: ByteSource): AsyncGenerator<Uint8Array> {
  if (!('getReader' in source)) {
    yield* source;
    return;
  }
  const reader = source.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    reader.releaseLock();
  }
}

/** The text of a ByteSource, decoded as UTF-8 chunk by chunk (a character split between chunks is kept whole). */
export async function* textOf(source: ByteSource, onBytes?: (n: number) => void): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8');
  for await (const chunk of chunksOf(source)) {
    onBytes?.(chunk.byteLength);
    const text = decoder.decode(chunk, { stream: true });
    if (text) yield text;
  }
  const rest = decoder.decode();
  if (rest) yield rest;
}

/**
 * A copy of a value whose strings share no memory with the file's text. A parser's strings are
 * often slices of the chunk they were read from, and keep the whole chunk alive (64 KiB or more)
 * for as long as they live: what is kept for the whole import (articles, errors) is copied.
 */
export const detached = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

/** Dates as files write them: ISO 8601, or WordPress's "YYYY-MM-DD HH:MM:SS" (UTC when `utc`). Null when unreadable. */
export function parseDate(text: string | undefined | null): number | null {
  const value = (text ?? '').trim();
  if (value === '' || value.startsWith('0000-00-00')) return null;
  const wordpress = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})$/.exec(value);
  const ms = wordpress
    ? Date.UTC(+wordpress[1]!, +wordpress[2]! - 1, +wordpress[3]!, +wordpress[4]!, +wordpress[5]!, +wordpress[6]!)
    : Date.parse(value);
  return Number.isFinite(ms) ? ms : null;
}

/** What each ArticleIdFrom gives for an article with this permalink, slug and id. */
export function articleIds(
  link: string | null,
  slug: string | null,
  id: string | null,
): Record<ArticleIdFrom, string | null> {
  let path: string | null = null;
  if (link) {
    try {
      const url = new URL(link);
      path = url.pathname + url.search;
    } catch {
      path = null;
    }
  }
  return { path, slug: slug || null, id: id || null, url: link || null };
}
