import { fromBase64Url, randomBytes, toBase64Url } from '../crypto';
import { formTokenUsed, type FormTokenUse } from '../db/form-tokens';
import type { Deps } from '../deps';
import type { CheckContext } from '../spam/types';

const enc = new TextEncoder();
const dec = new TextDecoder();

/**
 * A form token carries the article, the time it was issued and a nonce (two readers of one page get
 * two tokens), signed with the server secret. It serves one comment: see readFormToken.
 */
export async function issueFormToken(deps: Deps, articleId: string) {
  return deps.keys.sign(
    `form.${toBase64Url(enc.encode(articleId))}.${deps.clock.now()}.${toBase64Url(randomBytes(9))}`,
  );
}

/** How long the shared token of a form without JavaScript stays the same (GET …/thread.html). */
export const PAGE_TOKEN_BUCKET_MS = 10 * 60_000;

/**
 * The token of a form served without JavaScript in a cached, shared fragment (GET …/thread.html):
 * one per article every PAGE_TOKEN_BUCKET_MS, signed, its time the start of that period (so a form
 * sent sooner than minSeconds after it is still caught, and never a reader's). It is not used up by
 * a comment: the spam checks weigh it a little (weightFormTokenShared) instead.
 */
export async function issuePageToken(deps: Deps, articleId: string, bucketStart: number) {
  return deps.keys.sign(`page.${toBase64Url(enc.encode(articleId))}.${bucketStart}`);
}

/** A form token's id: the first 16 bytes of its signature (base64url), unique per token. */
export const formTokenId = (token: string) => token.slice(token.lastIndexOf('.') + 1, token.lastIndexOf('.') + 23);

/**
 * Verifies a form token. A token a stored comment was sent with is `used`; a fresh one (not past
 * `formTokenMaxAgeSeconds`) comes back with the use the comment's insert writes (useFormToken, in
 * the same batch). An expired token is never used up: its row may be gone, so it weighs as expired
 * whether or not it served before (checkFormToken).
 */
export async function readFormToken(
  deps: Deps,
  token: string | undefined | null,
  articleId: string,
  now: number,
  maxAgeSeconds: number,
  /** Whether the token served already, when the caller read it (History's formTokenUsed). */
  used?: boolean,
): Promise<{ state: CheckContext['formToken']; use?: FormTokenUse }> {
  if (token === null) return { state: { state: 'skipped' } };
  if (!token) return { state: { state: 'missing' } };
  const payload = await deps.keys.verify(token);
  // Tokens issued before the nonce have three parts; they serve once too (the signature is the id).
  const [kind, article, issued, ...rest] = payload?.split('.') ?? [];
  const articleBytes = fromBase64Url(article ?? '');
  if (
    kind === 'page' &&
    rest.length === 0 &&
    articleBytes &&
    dec.decode(articleBytes) === articleId &&
    /^\d+$/.test(issued ?? '')
  ) {
    return { state: { state: 'shared', ageMs: now - Number(issued) } };
  }
  if (
    kind !== 'form' ||
    !articleBytes ||
    dec.decode(articleBytes) !== articleId ||
    !/^\d+$/.test(issued ?? '') ||
    rest.length > 1
  ) {
    return { state: { state: 'invalid' } };
  }
  const ageMs = now - Number(issued);
  const expiresAt = Number(issued) + maxAgeSeconds * 1000;
  if (expiresAt < now) return { state: { state: 'ok', ageMs } };
  const id = formTokenId(token);
  if (used ?? (await formTokenUsed(deps.db, id))) return { state: { state: 'used', ageMs } };
  return { state: { state: 'ok', ageMs }, use: { id, expiresAt } };
}
