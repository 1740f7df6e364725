import { eq, lt, sql } from 'drizzle-orm';
import type { Db } from '../deps';
import { stencil, type Statement } from './batch';
import { hasMessage } from './errors';
import { comments, usedFormTokens } from './schema';

/** A form token a new comment is sent with, to be used up when the comment is stored. */
export interface FormTokenUse {
  /** The first 16 bytes of the token's signature (base64url): unique per token. */
  id: string;
  /** When the token expires anyway: its row can go then. */
  expiresAt: number;
}

/** Whether a stored comment was already sent with this token. */
export async function formTokenUsed(db: Db, id: string): Promise<boolean> {
  const row = await db.select({ id: usedFormTokens.id }).from(usedFormTokens).where(eq(usedFormTokens.id, id)).get();
  return row !== undefined;
}

/** A token's row, written only if the comment `commentId` was. */
const insertUse = stencil<{ id: string; expiresAt: number; commentId: string }>((db) =>
  db
    .insert(usedFormTokens)
    .select(
      sql`SELECT ${sql.placeholder('id')}, ${sql.placeholder('expiresAt')} WHERE EXISTS (SELECT 1 FROM ${comments} WHERE ${comments.id} = ${sql.placeholder('commentId')})`,
    ),
);

/**
 * The statements that use a token up, to go in the batch that inserts the comment `commentId`,
 * after its insert: the token's row is written only if the comment was (an insert that a guard
 * skipped uses nothing), and without ON CONFLICT, so that of two posts sent at once with one token,
 * the second fails its whole batch ("UNIQUE constraint failed: used_form_tokens.id", answered 409
 * form_token_used) instead of being stored too. Rows of expired tokens go with the hourly purge
 * (forgetExpiredFormTokens): an expired token weighs as used whether or not its row is still there.
 */
export function useFormToken(db: Db, use: FormTokenUse | undefined, commentId: string): Statement[] {
  return use ? [insertUse(db, { id: use.id, expiresAt: use.expiresAt, commentId })] : [];
}

/** Deletes the rows of tokens expired before `now` (the retention purge's turn, hourly); returns how many went. */
export async function forgetExpiredFormTokens(db: Db, now: number): Promise<number> {
  const gone = await db
    .delete(usedFormTokens)
    .where(lt(usedFormTokens.expiresAt, now))
    .returning({ id: usedFormTokens.id });
  return gone.length;
}

/** True for the error of a batch that lost the race for its form token (see useFormToken). */
export const isFormTokenReuse = (error: unknown) => hasMessage(error, /UNIQUE constraint failed: used_form_tokens\.id/);
