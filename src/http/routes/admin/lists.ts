import { createRoute, z } from '@hono/zod-openapi';
import { addListEntry, listEntriesOf, normalizeListValue, removeListEntry } from '../../../services/lists';
import { jsonBody } from '../../middleware/body';
import { adminRoute, body, bodyProblems, json, problems, router } from '../../openapi';
import { IdParam, optionalQuery } from '../../params';
import { actorOf } from './common';
import { ListEntry } from './schemas';

/** The moderators' lists: "disallowed" (spam) and "moderation" (held), as in WordPress. */
export const adminLists = router();
const tags = ['Lists'];

const ListName = z.enum(['disallowed', 'moderation']);
const Kind = z.enum(['word', 'ip', 'cidr', 'email', 'domain']);

const ListQuery = z.object({ list: optionalQuery(ListName), kind: optionalQuery(Kind) });

const list = createRoute(
  adminRoute({
    method: 'get',
    path: '/',
    tags,
    summary: 'Entries of the disallowed and moderation lists, newest first',
    request: { query: ListQuery },
    responses: { 200: json(z.object({ entries: z.array(ListEntry) })), 422: problems[422] },
  }),
);
adminLists.openapi(list, async (c) => c.json({ entries: await listEntriesOf(c.var.deps, c.req.valid('query')) }, 200));

/** The value is checked and written one way per kind (services/lists.ts). */
const NewEntry = z
  .object({
    list: ListName,
    kind: Kind,
    value: z
      .string()
      .min(1)
      .max(254)
      .describe(
        'word: a word or phrase (whole words); ip: IPv4 or IPv6; cidr: a network (v4 or v6); email: an address; domain: a domain and its subdomains.',
      ),
  })
  .strict()
  .transform((entry, ctx) => {
    const value = normalizeListValue[entry.kind](entry.value);
    if (value === null) {
      ctx.addIssue({ code: 'custom', path: ['value'], params: { key: `invalid_${entry.kind}` } });
      return z.NEVER;
    }
    return { ...entry, value };
  })
  .openapi({ example: { list: 'disallowed', kind: 'domain', value: 'spam-pharma.example' } });

const add = createRoute(
  adminRoute({
    method: 'post',
    path: '/',
    tags,
    summary: 'Add an entry',
    description:
      'The value is checked and written one way per kind: IPs in their canonical form, networks as their first address (10.1.2.3/8 → 10.0.0.0/8), emails and domains in lower case ("*.example.com" → "example.com"). 409 `duplicate_entry`.',
    middleware: [jsonBody] as const,
    request: { body: body(NewEntry) },
    responses: { 201: json(z.object({ entry: ListEntry }), 'Created'), ...bodyProblems, 409: problems[409] },
  }),
);
adminLists.openapi(add, async (c) =>
  c.json({ entry: await addListEntry(c.var.deps, actorOf(c), c.req.valid('json')) }, 201),
);

const remove = createRoute(
  adminRoute({
    method: 'delete',
    path: '/{id}',
    tags,
    summary: 'Remove an entry',
    request: { params: IdParam },
    responses: { 204: { description: 'Removed' }, 404: problems[404], 422: problems[422] },
  }),
);
adminLists.openapi(remove, async (c) => {
  await removeListEntry(c.var.deps, actorOf(c), c.req.valid('param').id);
  return c.body(null, 204);
});
