import { createRoute, z } from '@hono/zod-openapi';
import { iso } from '../../../deps';
import { erase, exportByEmail } from '../../../services/privacy';
import { jsonBody } from '../../middleware/body';
import { adminRoute, body, bodyProblems, json, problems, router } from '../../openapi';
import { firstValue } from '../../params';
import { asText } from '../../schemas';
import { actorOf } from './common';
import { AdminComment } from './schemas';

/** Requests of the people who comment: a copy of their data, or its erasure. */
export const adminPrivacy = router();
const tags = ['Privacy'];

const Email = z.preprocess(
  asText((s) => s.trim()),
  z.email().max(254),
);

const exportRoute = createRoute(
  adminRoute({
    method: 'get',
    path: '/export',
    tags,
    summary: 'Every comment written with an email address',
    description:
      'Full records, oldest first, for a subject access request. Recorded in the audit log without the address.',
    request: { query: z.object({ email: z.preprocess(firstValue, Email) }) },
    responses: {
      200: json(z.object({ exportedAt: z.iso.datetime(), comments: z.array(AdminComment) })),
      422: problems[422],
    },
  }),
);
adminPrivacy.openapi(exportRoute, async (c) => {
  const { deps } = c.var;
  const comments = await exportByEmail(deps, actorOf(c), c.req.valid('query').email);
  return c.json({ exportedAt: iso(deps.clock.now())!, comments }, 200);
});

const EraseBody = z
  .object({ email: Email })
  .strict()
  .openapi({ example: { email: 'camille@exemple.fr' } });

const eraseRoute = createRoute(
  adminRoute({
    method: 'post',
    path: '/erase',
    tags,
    summary: "Erase a person's data",
    description:
      'Their comments stay (threads remain readable) but lose the address, IP, user agent and website, and are signed "Anonyme" (French sites) or "Anonymous". The address (and their IPs in their own comments) is replaced by "[erased]" wherever quoted: comment texts, spam reasons, the audit log, where their name and website are replaced too. Email list entries with the address are removed and local spam memory forgets it. Recorded in the audit log without the address. Erasing an address with no data answers zeros. A person with more than one request can write (about 700 statements: some 300 comments) is erased over several: `complete: false` says to send the same request again, each request erasing what is left, all or nothing.',
    middleware: [jsonBody] as const,
    request: { body: body(EraseBody) },
    responses: {
      200: json(
        z.object({
          erased: z.object({
            comments: z.number().int().describe('Their comments, anonymized.'),
            mentions: z.number().int().describe('Other comments where the address was quoted.'),
            auditEntries: z.number().int(),
            listEntries: z.number().int(),
          }),
          complete: z
            .boolean()
            .describe(
              'false: more than one request writes (D1 runs at most 1,000 statements a request); send the same request again to go on. The figures are those of this request.',
            ),
        }),
      ),
      ...bodyProblems,
    },
  }),
);
adminPrivacy.openapi(eraseRoute, async (c) => {
  const { complete, ...erased } = await erase(c.var.deps, actorOf(c), c.req.valid('json').email);
  return c.json({ erased, complete }, 200);
});
