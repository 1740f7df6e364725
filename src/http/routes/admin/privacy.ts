import { Hono } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../../../deps';
import { erase, exportByEmail } from '../../../services/privacy';
import { readBody } from '../../body';
import { parseOrThrow } from '../../errors';
import { bodyOf, json, problems, registerAdminPath } from '../../openapi';
import { asText } from '../../schemas';
import { actorOf } from './common';
import { iso } from '../../../deps';
import { AdminComment } from './schemas';

/** Requests of the people who comment: a copy of their data, or its erasure. */
export const adminPrivacy = new Hono<AppEnv>();

const Email = z.preprocess(asText((s) => s.trim()), z.email().max(254));
const ExportQuery = z.object({ email: Email });
const EraseBody = z.object({ email: Email }).strict();

adminPrivacy.get('/export', async (c) => {
  const { email } = parseOrThrow(ExportQuery, c.req.query());
  const { deps } = c.var;
  const comments = await exportByEmail(deps, actorOf(c), email);
  return c.json({ exportedAt: iso(deps.clock.now())!, comments });
});

adminPrivacy.post('/erase', async (c) => {
  const { email } = parseOrThrow(EraseBody, await readBody(c));
  return c.json({ erased: await erase(c.var.deps, actorOf(c), email) });
});

const tags = ['Privacy'];
registerAdminPath({
  method: 'get',
  path: '/api/v1/admin/privacy/export',
  tags,
  summary: 'Every comment written with an email address',
  description: 'Full records, oldest first, for a subject access request. Recorded in the audit log without the address.',
  request: { query: ExportQuery },
  responses: { 200: json(z.object({ exportedAt: z.iso.datetime(), comments: z.array(AdminComment) })), 422: problems[422] },
});
registerAdminPath({
  method: 'post',
  path: '/api/v1/admin/privacy/erase',
  tags,
  summary: "Erase a person's data",
  description:
    'Their comments stay (threads remain readable) but lose the address, IP, user agent and website, and are signed "Anonyme" (French sites) or "Anonymous". The address (and their IPs in their own comments) is replaced by "[erased]" wherever quoted: comment texts, spam reasons, the audit log, where their name and website are replaced too. Email list entries with the address are removed and local spam memory forgets it. Recorded in the audit log without the address. Erasing an address with no data answers zeros.',
  request: { body: bodyOf(EraseBody) },
  responses: {
    200: json(
      z.object({
        erased: z.object({
          comments: z.number().int().describe('Their comments, anonymized.'),
          mentions: z.number().int().describe('Other comments where the address was quoted.'),
          auditEntries: z.number().int(),
          listEntries: z.number().int(),
        }),
      }),
    ),
   
    422: problems[422],
  },
});
