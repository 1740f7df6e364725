import { and, desc, eq } from 'drizzle-orm';
import type { Db } from '../deps';
import type { ListEntry } from '../spam/types';
import type { Statement } from './batch';
import { listEntries } from './schema';

export type ListEntryRow = typeof listEntries.$inferSelect;
export type ListName = ListEntryRow['list'];
export type ListKind = ListEntryRow['kind'];

/** Newest first, optionally one list or one kind. */
export function listListEntries(db: Db, filter: { list?: ListName | undefined; kind?: ListKind | undefined }) {
  return db
    .select()
    .from(listEntries)
    .where(
      and(
        filter.list ? eq(listEntries.list, filter.list) : undefined,
        filter.kind ? eq(listEntries.kind, filter.kind) : undefined,
      ),
    )
    .orderBy(desc(listEntries.createdAt), desc(listEntries.id))
    .all();
}

export function getListEntry(db: Db, id: string) {
  return db.select().from(listEntries).where(eq(listEntries.id, id)).get();
}

/** The statement adding an entry; the unique index refuses one that is in the list already. */
export function insertListEntry(db: Db, row: ListEntryRow): Statement {
  return db.insert(listEntries).values(row);
}

export function deleteListEntry(db: Db, id: string): Statement {
  return db.delete(listEntries).where(eq(listEntries.id, id));
}

/** Every entry of both lists, as the checks match them (the read cache keeps them for a second). */
export function listEntriesForChecks(db: Db): Promise<ListEntry[]> {
  return db
    .select({ list: listEntries.list, kind: listEntries.kind, value: listEntries.value })
    .from(listEntries)
    .all();
}

/** The email list entries (either list) of this address. */
export function emailEntries(db: Db, email: string) {
  return db
    .select({ id: listEntries.id })
    .from(listEntries)
    .where(and(eq(listEntries.kind, 'email'), eq(listEntries.value, email)))
    .all();
}

/** The statement deleting them. */
export function deleteEmailEntries(db: Db, email: string): Statement {
  return db.delete(listEntries).where(and(eq(listEntries.kind, 'email'), eq(listEntries.value, email)));
}
