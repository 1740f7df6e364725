import type { Db } from '../deps';

/**
 * Serialized thread pages, kept per database handle and keyed by article and ETag. The ETag holds
 * the article's version, which changes with every change to its public thread, so an entry is
 * never stale, only unused: the least recently used go first beyond MAX_BYTES. A cache, not state:
 * a process or isolate without it answers the same, only slower.
 */
const MAX_BYTES = 8 * 1024 * 1024;

class PageCache {
  private readonly pages = new Map<string, string>();
  private bytes = 0;

  get(key: string): string | undefined {
    const page = this.pages.get(key);
    if (page !== undefined) {
      this.pages.delete(key);
      this.pages.set(key, page);
    }
    return page;
  }

  set(key: string, page: string) {
    if (page.length * 2 > MAX_BYTES) return;
    this.pages.set(key, page);
    this.bytes += page.length * 2;
    for (const [oldest, old] of this.pages) {
      if (this.bytes <= MAX_BYTES) break;
      this.pages.delete(oldest);
      this.bytes -= old.length * 2;
    }
  }
}

const caches = new WeakMap<Db, PageCache>();

export function pageCache(db: Db): PageCache {
  let cache = caches.get(db);
  if (!cache) caches.set(db, (cache = new PageCache()));
  return cache;
}
