import { and, desc, eq } from 'drizzle-orm';
import type { Db } from '../deps';
import { listEntries } from './schema';

export type ListEntryRow = typeof listEntries.$inferSelect;
export type ListName = ListEntryRow['list'];
export type ListKind = ListEntryRow['kind'];

/** Newest first, optionally one list or one kind. */
export function listListEntries(db: Db, filter: { list?: ListName | undefined; kind?: ListKind | undefined }) {
  return db
    .select()
    .from(listEntries)
    .where(and(filter.list ? eq(listEntries.list, filter.list) : undefined, filter.kind ? eq(listEntries.kind, filter.kind) : undefined))
    .orderBy(desc(listEntries.createdAt), desc(listEntries.id))
    .all();
}

export function getListEntry(db: Db, id: string) {
  return db.select().from(listEntries).where(eq(listEntries.id, id)).get();
}
