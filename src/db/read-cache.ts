import type { ArticleRow } from './articles';
import type { Db } from '../deps';
import type { Config } from '../config';
import type { SiteSettings } from '../settings/site';
import type { ListEntry } from '../spam/types';

/**
 * Caches of the thread read path, kept per database handle. A cache, not state: a process or
 * isolate without them answers the same, only slower.
 *
 * - Pages: serialized thread pages (UTF-8 bytes, ready to send) keyed by article and ETag. The ETag holds the article's version,
 *   which changes with every change to its public thread, so a page is never stale, only unused:
 *   the least recently used go first beyond MAX_PAGE_BYTES.
 * - Lists and settings: the moderators' block and moderation lists, which every submission is
 *   checked against, and the site settings, which nearly every request reads, for TTL_MS too;
 *   forgotten (lists) or replaced (settings) at once when this process changes them.
 * - Articles: the article rows (their versions, whether they take comments) that thread reads and
 *   submissions look up, for TTL_MS. This
 *   process forgets an article as soon as it writes a change to it (or keeps the row the write
 *   returned, when it has it); a change written by another
 *   process or isolate shows within TTL_MS, well inside the max-age the thread advertises.
 *
 * Time comes from the caller (`now`, from the deps' clock), never from the platform: a test that
 * moves its clock a second on sees the cached rows expire.
 */
const MAX_PAGE_BYTES = 4 * 1024 * 1024;
const TTL_MS = 1000;

/** Was a value kept at `at` still fresh at `now`? (A clock set back counts as stale.) */
const fresh = (at: number, now: number) => now >= at && now - at < TTL_MS;

/** One value loaded at most once per TTL_MS, the pending load shared by the requests that wait for it. */
class Held<T> {
  /** The load and when it started; `loaded` once it resolved, for `peek`. */
  private held: { at: number; value: Promise<T>; loaded?: { value: T } } | null = null;

  get(now: number, load: () => Promise<T>): Promise<T> {
    if (!this.held || !fresh(this.held.at, now)) {
      const value = load();
      const held: NonNullable<typeof this.held> = { at: now, value };
      this.held = held;
      value.then(
        (loaded) => {
          held.loaded = { value: loaded };
        },
        () => {
          if (this.held === held) this.held = null;
        },
      );
    }
    return this.held.value;
  }

  /** The value, when it is loaded and still fresh: what `get` would give, without waiting. */
  peek(now: number): { value: T } | undefined {
    return this.held && fresh(this.held.at, now) ? this.held.loaded : undefined;
  }

  keep(value: T, now: number) {
    this.held = { at: now, value: Promise.resolve(value), loaded: { value } };
  }

  forget() {
    this.held = null;
  }
}

class ReadCache {
  private readonly pages = new Map<string, Uint8Array>();
  private bytes = 0;
  private readonly articles = new Map<string, { at: number; row: ArticleRow | undefined }>();

  page(key: string): Uint8Array | undefined {
    const page = this.pages.get(key);
    if (page !== undefined) {
      this.pages.delete(key);
      this.pages.set(key, page);
    }
    return page;
  }

  /** Keeps a page and gives it back. */
  keepPage(key: string, page: Uint8Array): Uint8Array {
    if (page.byteLength > MAX_PAGE_BYTES) return page;
    this.pages.set(key, page);
    this.bytes += page.byteLength;
    for (const [oldest, old] of this.pages) {
      if (this.bytes <= MAX_PAGE_BYTES) break;
      this.pages.delete(oldest);
      this.bytes -= old.byteLength;
    }
    return page;
  }

  async article(id: string, now: number, load: () => Promise<ArticleRow | undefined>): Promise<ArticleRow | undefined> {
    const hit = this.peekArticle(id, now);
    if (hit) return hit.row;
    const row = await load();
    this.remember(id, row, now);
    return row;
  }

  /** The article's row, when a fresh one is kept: what `article` would give, without waiting. */
  peekArticle(id: string, now: number): { row: ArticleRow | undefined } | undefined {
    const hit = this.articles.get(id);
    return hit && fresh(hit.at, now) ? hit : undefined;
  }

  private remember(id: string, row: ArticleRow | undefined, now: number) {
    if (this.articles.size > 10_000) this.articles.clear();
    this.articles.set(id, { at: now, row });
  }

  private readonly listed = new Held<ListEntry[]>();

  lists(now: number, load: () => Promise<ListEntry[]>): Promise<ListEntry[]> {
    return this.listed.get(now, load);
  }

  forgetLists() {
    this.listed.forget();
  }

  private readonly settingsHeld = new Held<SiteSettings>();
  private settingsConfig: Config | null = null;

  /** The settings in force under this config (its AVATARS is part of them). */
  settings(config: Config, now: number, load: () => Promise<SiteSettings>): Promise<SiteSettings> {
    if (this.settingsConfig !== config) {
      this.settingsConfig = config;
      this.settingsHeld.forget();
    }
    return this.settingsHeld.get(now, load);
  }

  /** The settings in force, when fresh ones are loaded: what `settings` would give, without waiting. */
  peekSettings(config: Config, now: number): { value: SiteSettings } | undefined {
    return this.settingsConfig === config ? this.settingsHeld.peek(now) : undefined;
  }

  /** The settings this process just wrote, as they are now in force. */
  keepSettings(config: Config, settings: SiteSettings, now: number) {
    this.settingsConfig = config;
    this.settingsHeld.keep(settings, now);
  }

  /**
   * Told the articles whose public thread this process just wrote to (the Worker entry forgets their
   * entries in the Cache API: src/entry/worker-cache.ts).
   */
  onWrite: ((articleIds: string[]) => void) | null = null;

  /** An article row just written by this process, as the write returned it. */
  keepArticle(row: ArticleRow, now: number) {
    this.remember(row.id, row, now);
    this.onWrite?.([row.id]);
  }

  forget(articleIds: Iterable<string>) {
    const ids = [...articleIds];
    for (const id of ids) this.articles.delete(id);
    this.onWrite?.(ids);
  }
}

const caches = new WeakMap<Db, ReadCache>();

export function readCache(db: Db): ReadCache {
  let cache = caches.get(db);
  if (!cache) {
    cache = new ReadCache();
    caches.set(db, cache);
  }
  return cache;
}
