import type { Keys } from '../crypto';
import { iso } from '../deps';
import type { ThreadRow } from '../db/comments';
import type { CommentStatus } from '../db/schema';
import { normalizeEmail } from '../text';

/** A comment as the public thread shows it: never an email, an IP, a user agent or a score. */
export interface PublicCommentShape {
  id: string;
  parentId: string | null;
  author: { name: string; website: string | null; avatar: string | null; staff: boolean };
  content: string;
  html: string;
  createdAt: string;
  editedAt: string | null;
  replies: PublicCommentShape[];
}

/**
 * Gravatar is an explicit opt-in (AVATARS=gravatar): its URL carries an unsalted SHA-256 of the
 * address, which anyone can test guesses against. Otherwise no avatar and no hash leave the server.
 */
async function gravatar(keys: Keys, emailEnc: string): Promise<string | null> {
  const email = await keys.decrypt(emailEnc);
  if (!email) return null;
  return `https://www.gravatar.com/avatar/${await keys.fingerprint(normalizeEmail(email))}?d=identicon&s=80`;
}

/** The public face of a comment: never an email, an IP, a user agent or a score. */
export async function toPublic(
  row: ThreadRow,
  opts: { avatars: 'none' | 'gravatar'; keys: Keys },
): Promise<PublicCommentShape> {
  return {
    id: row.id,
    parentId: row.parentId,
    author: {
      name: row.author,
      website: row.website,
      avatar: opts.avatars === 'gravatar' ? await gravatar(opts.keys, row.emailEnc) : null,
      staff: row.staff,
    },
    content: row.content,
    html: row.html,
    createdAt: iso(row.createdAt)!,
    editedAt: iso(row.editedAt),
    replies: [],
  };
}

/**
 * The comment as its author gets it back after posting or editing: the public face plus its
 * status, where spam looks exactly like a comment waiting for a moderator.
 */
export async function toOwnComment(
  row: ThreadRow & { status: CommentStatus },
  opts: { avatars: 'none' | 'gravatar'; keys: Keys },
) {
  return { ...(await toPublic(row, opts)), status: visibleStatus(row) };
}

/** The status its author sees: spam looks exactly like a comment waiting for a moderator. */
export const visibleStatus = (row: { status: CommentStatus }) =>
  row.status === 'approved' ? ('approved' as const) : ('pending' as const);

/**
 * Nests replies under their top-level comments. A reply deeper than `maxDepth` is shown at
 * `maxDepth`, beside its parent (its `parentId` still names the comment it answers). A reply whose
 * parent is not visible (held or removed by a moderator) is shown under the nearest visible
 * comment it can be placed under: its top-level comment. Nothing is dropped.
 */
export function nest(
  tops: PublicCommentShape[],
  replies: { node: PublicCommentShape; rootId: string }[],
  maxDepth: number,
) {
  const placed = new Map<string, { node: PublicCommentShape; depth: number; container: PublicCommentShape | null }>();
  for (const top of tops) placed.set(top.id, { node: top, depth: 1, container: null });
  for (const { node, rootId } of replies) {
    const parent = placed.get(node.parentId ?? '') ?? placed.get(rootId);
    if (!parent) continue; // its top-level comment is on another page
    const under = parent.depth < maxDepth ? parent : placed.get(parent.container!.id)!;
    under.node.replies.push(node);
    placed.set(node.id, { node, depth: under.depth + 1, container: under.node });
  }
  return tops;
}
