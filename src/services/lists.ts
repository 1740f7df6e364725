import ipaddr from 'ipaddr.js';
import { z } from 'zod';
import { iso, type Deps } from '../deps';
import { randomId } from '../crypto';
import { runBatch } from '../db/batch';
import { isUniqueViolation } from '../db/errors';
import {
  deleteListEntry,
  getListEntry,
  insertListEntry,
  listListEntries,
  type ListEntryRow,
  type ListKind,
  type ListName,
} from '../db/lists';
import { readCache } from '../db/read-cache';
import { DomainError } from '../errors';
import { canonicalDomain, LABEL, parseCidr, parseIp } from '../spam/net';
import { normalizeEmail, normalizeLine } from '../text';
import { audit, type Actor } from './audit';

/**
 * Values of the moderators' lists, checked and written one way per kind, so that the same entry
 * cannot be added twice under two spellings. Each returns the stored form, or null when invalid.
 */

const DOTTED_QUAD = ipaddr.IPv4.isValidFourPartDecimal;

/** An IPv4 address must be four decimal parts ('010.1.1.1' would otherwise be read as octal 8.1.1.1). */
function normalizeIp(value: string): string | null {
  const text = value.trim();
  if (!text.includes(':') && !DOTTED_QUAD(text)) return null;
  return parseIp(text)?.toString() ?? null;
}

/** 'address/bits', written as the network's first address ('10.1.2.3/8' → '10.0.0.0/8'). */
function normalizeCidr(value: string): string | null {
  const text = value.trim();
  const [address, bits, ...rest] = text.split('/');
  if (rest.length || !address || !bits || !/^\d{1,3}$/.test(bits) || (!address.includes(':') && !DOTTED_QUAD(address)))
    return null;
  const parsed = parseCidr(text);
  if (!parsed) return null;
  // parseCidr checked the prefix length: the network address can always be computed.
  const [base, prefix] = parsed;
  const network =
    base.kind() === 'ipv4'
      ? ipaddr.IPv4.networkAddressFromCIDR(`${base}/${prefix}`)
      : ipaddr.IPv6.networkAddressFromCIDR(`${base}/${prefix}`);
  return `${network.toString()}/${prefix}`;
}

/** A domain or a top-level domain ('spam.example', '*.spam.example', 'xyz'); it covers its subdomains. */
function normalizeDomain(value: string): string | null {
  const d = canonicalDomain(value);
  if (!d || d.length > 253 || parseIp(d)) return null;
  return d.split('.').every((label) => LABEL.test(label)) ? d : null;
}

function normalizeEmailEntry(value: string): string | null {
  const email = normalizeEmail(value);
  return z.email().max(254).safeParse(email).success ? email : null;
}

/** A word or a phrase, matched as whole words (see src/spam/lists.ts). */
function normalizeWord(value: string): string | null {
  const word = normalizeLine(value);
  return word.length >= 1 && word.length <= 100 && /[\p{L}\p{N}]/u.test(word) ? word : null;
}

export const normalizeListValue: Record<ListKind, (value: string) => string | null> = {
  ip: normalizeIp,
  cidr: normalizeCidr,
  domain: normalizeDomain,
  email: normalizeEmailEntry,
  word: normalizeWord,
};

/** The moderators' lists: "disallowed" (spam) and "moderation" (held), as in WordPress. */

const view = (row: ListEntryRow) => ({
  id: row.id,
  list: row.list,
  kind: row.kind,
  value: row.value,
  createdAt: iso(row.createdAt)!,
});
const snapshot = (row: ListEntryRow) => ({ id: row.id, list: row.list, kind: row.kind, value: row.value });

/** Entries, newest first, optionally of one list or one kind. */
export async function listEntriesOf(deps: Deps, filter: { list?: ListName | undefined; kind?: ListKind | undefined }) {
  return (await listListEntries(deps.db, filter)).map(view);
}

/** Adds an entry whose value normalizeListValue wrote; 409 `duplicate_entry` when it is there already. */
export async function addListEntry(deps: Deps, actor: Actor, entry: { list: ListName; kind: ListKind; value: string }) {
  const now = deps.clock.now();
  const row: ListEntryRow = { id: randomId(), ...entry, createdAt: now };
  // The unique index refuses an entry that is there already (two identical requests at once too).
  await runBatch(deps.db, [
    insertListEntry(deps.db, row),
    ...audit(deps, actor, [{ action: 'list.add', target: 'list', targetId: row.id, after: snapshot(row) }], now),
  ]).catch((error: unknown) => {
    throw isUniqueViolation(error)
      ? new DomainError('conflict', 'duplicate_entry', { detail: 'This entry is in the list already.' })
      : error;
  });
  readCache(deps.db).forgetLists();
  return view(row);
}

/** Removes an entry; 404 `entry_not_found`. */
export async function removeListEntry(deps: Deps, actor: Actor, id: string) {
  const row = await getListEntry(deps.db, id);
  if (!row) throw new DomainError('not_found', 'entry_not_found');
  await runBatch(deps.db, [
    deleteListEntry(deps.db, row.id),
    ...audit(deps, actor, [{ action: 'list.remove', target: 'list', targetId: row.id, before: snapshot(row) }]),
  ]);
  readCache(deps.db).forgetLists();
}
