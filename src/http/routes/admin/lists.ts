import { Hono } from 'hono';
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { AppEnv } from '../../../deps';
import { randomId } from '../../../crypto';
import { runBatch } from '../../../db/batch';
import { getListEntry, listListEntries, type ListEntryRow } from '../../../db/lists';
import { readCache } from '../../../db/read-cache';
import { listEntries } from '../../../db/schema';
import { audit } from '../../../services/audit';
import { normalizeListValue } from '../../../services/lists';
import { readBody } from '../../body';
import { ApiError, isUniqueViolation, parseOrThrow } from '../../errors';
import { bodyOf, json, problems, registerAdminPath } from '../../openapi';
import { actorOf, optionalQuery } from './common';
import { IdParam, idParam } from '../../params';
import { iso } from '../../../deps';
import { ListEntry } from './schemas';

/** The moderators' lists: "disallowed" (spam) and "moderation" (held), as in WordPress. */
export const adminLists = new Hono<AppEnv>();

const ListName = z.enum(['disallowed', 'moderation']);
const Kind = z.enum(['word', 'ip', 'cidr', 'email', 'domain']);

const NewEntry = z
  .object({
    list: ListName,
    kind: Kind,
    value: z.string().min(1).max(254).describe('word: a word or phrase (whole words); ip: IPv4 or IPv6; cidr: a network (v4 or v6); email: an address; domain: a domain and its subdomains.'),
  })
  .strict()
  .transform((entry, ctx) => {
    const value = normalizeListValue[entry.kind](entry.value);
    if (value === null) {
      ctx.addIssue({ code: 'custom', path: ['value'], params: { key: `invalid_${entry.kind}` } });
      return z.NEVER;
    }
    return { ...entry, value };
  });

const ListQuery = z.object({ list: optionalQuery(ListName), kind: optionalQuery(Kind) });

const view = (row: ListEntryRow) => ({ id: row.id, list: row.list, kind: row.kind, value: row.value, createdAt: iso(row.createdAt)! });
const snapshot = (row: ListEntryRow) => ({ id: row.id, list: row.list, kind: row.kind, value: row.value });

adminLists.get('/', async (c) => {
  const filter = parseOrThrow(ListQuery, c.req.query());
  return c.json({ entries: (await listListEntries(c.var.deps.db, filter)).map(view) });
});

adminLists.post('/', async (c) => {
  const entry = parseOrThrow(NewEntry, await readBody(c));
  const { deps } = c.var;
  const now = deps.clock.now();
  const row: ListEntryRow = { id: randomId(), ...entry, createdAt: now };
  // The unique index refuses an entry that is there already (two identical requests at once too).
  await runBatch(deps.db, [
    deps.db.insert(listEntries).values(row),
    ...audit(deps, actorOf(c), [{ action: 'list.add', target: 'list', targetId: row.id, after: snapshot(row) }], now),
  ]).catch((error: unknown) => {
    throw isUniqueViolation(error) ? new ApiError(409, 'duplicate_entry', { detail: 'This entry is in the list already.' }) : error;
  });
  readCache(deps.db).forgetLists();
  return c.json({ entry: view(row) }, 201);
});

adminLists.delete('/:id', async (c) => {
  const { deps } = c.var;
  const row = await getListEntry(deps.db, idParam(c));
  if (!row) throw new ApiError(404, 'entry_not_found');
  await runBatch(deps.db, [
    deps.db.delete(listEntries).where(eq(listEntries.id, row.id)),
    ...audit(deps, actorOf(c), [{ action: 'list.remove', target: 'list', targetId: row.id, before: snapshot(row) }]),
  ]);
  readCache(deps.db).forgetLists();
  return c.body(null, 204);
});

const tags = ['Lists'];
registerAdminPath({
  method: 'get',
  path: '/api/v1/admin/lists',
  tags,
  summary: 'Entries of the disallowed and moderation lists, newest first',
  request: { query: ListQuery },
  responses: { 200: json(z.object({ entries: z.array(ListEntry) })), 422: problems[422] },
});
registerAdminPath({
  method: 'post',
  path: '/api/v1/admin/lists',
  tags,
  summary: 'Add an entry',
  description:
    'The value is checked and written one way per kind: IPs in their canonical form, networks as their first address (10.1.2.3/8 → 10.0.0.0/8), emails and domains in lower case ("*.example.com" → "example.com"). 409 `duplicate_entry`.',
  request: { body: bodyOf(z.object({ list: ListName, kind: Kind, value: z.string() })) },
  responses: { 201: json(z.object({ entry: ListEntry }), 'Created'), 409: problems[409], 422: problems[422] },
});
registerAdminPath({
  method: 'delete',
  path: '/api/v1/admin/lists/{id}',
  tags,
  summary: 'Remove an entry',
  request: { params: IdParam },
  responses: { 204: { description: 'Removed' }, 404: problems[404], 422: problems[422] },
});
