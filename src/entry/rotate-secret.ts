/**
 * Rotates SECRET: every stored email and IP is decrypted with the old secret and encrypted again
 * with the new one, and every keyed hash (comments, local spam memory, audit log subjects) is
 * computed again — in one batch, so the database is either all old or all new. See
 * docs/reliability.md ("Key rotation") for what else a rotation invalidates.
 *
 * Stop the server first (it holds the old keys in memory and would keep writing with them), run
 * this, then start the server with the new secret.
 *
 *   OLD_SECRET=… NEW_SECRET=… DATABASE_URL=file:./data/tamis.db tamis rotate-secret [--dry-run]
 *
 * Without OLD_SECRET, the secret the server generated (when SECRET was never set) is the old one:
 * its key file (SECRET_FILE, default `secret.key` beside the database file), or the database's
 * `meta` table where an earlier release kept it. Then the new secret (NEW_SECRET, or generated) goes
 * to the key file: written first to `<key file>.new`, renamed over the key file once the batch is
 * committed. A run stopped in between is finished by running it again (the server refuses to start
 * until then). When SECRET comes from the environment, NEW_SECRET is required and printed back for SECRET.
 */
import type { Config } from '../config';
import { randomToken, type Keys } from '../crypto';
import { runBatch, type Statement } from '../db/batch';
import {
  auditSubjects,
  deleteStoredSecret,
  memoryHashes,
  rekeyAuditSubject,
  rekeyMemory,
  resealComment,
  sealedComments,
  sealedSample,
  storedSecret,
  type SealedPatch,
} from '../db/secret';
import type { Db } from '../deps';
import { memoryKeys } from '../services/keys';
import { CommandError } from './command-error';
import { deriveNodeKeys } from './node-crypto';
import { openDatabase } from './node-db';
import { createSecretFile, pendingSecretFile, readSecretFile, replaceSecretFile, secretFilePath } from './node-secret';

export interface RotationReport {
  comments: number;
  emails: number;
  ips: number;
  /** Rows already under the new secret (a server that ran with it before the rotation). */
  alreadyNew: number;
  memory: { rekeyed: number; dropped: number };
  audit: { rekeyed: number; cleared: number };
  /** The old secret, kept in the database by an earlier release, was deleted from it in the same batch. */
  droppedStoredSecret: boolean;
  dryRun: boolean;
}

export class RotationError extends CommandError {}

/** Old hash → new hash, for each kind of value local memory and the audit log refer to. */
interface HashMaps {
  email: Map<string, string>;
  ip: Map<string, string>;
  host: Map<string, string>;
}

/** Decrypts with the old keys; a value the new keys already open is left as it is. */
async function reseal(
  sealed: string,
  from: Keys,
  to: Keys,
): Promise<{ plain: string; sealed: string; already: boolean } | null> {
  const plain = await from.decrypt(sealed);
  if (plain !== null) return { plain, sealed: await to.encrypt(plain), already: false };
  const current = await to.decrypt(sealed);
  return current !== null ? { plain: current, sealed, already: true } : null;
}

export async function rotateSecret(
  db: Db,
  oldSecret: string,
  newSecret: string,
  options: { dryRun?: boolean; dropStoredSecret?: boolean } = {},
): Promise<RotationReport> {
  if (oldSecret === newSecret) throw new RotationError('The new secret is the old one.');
  const [from, to] = await Promise.all([deriveNodeKeys(oldSecret), deriveNodeKeys(newSecret)]);
  const report: RotationReport = {
    comments: 0,
    emails: 0,
    ips: 0,
    alreadyNew: 0,
    memory: { rekeyed: 0, dropped: 0 },
    audit: { rekeyed: 0, cleared: 0 },
    droppedStoredSecret: false,
    dryRun: options.dryRun ?? false,
  };
  const maps: HashMaps = { email: new Map(), ip: new Map(), host: new Map() };
  const fresh = { email: new Set<string>(), ip: new Set<string>(), host: new Set<string>() };
  const statements: Statement[] = [];
  const unreadable: string[] = [];

  for (const row of await sealedComments(db)) {
    const patch: SealedPatch = {};
    // An erased comment (or a moderator's reply) has an empty address and hash: nothing to do.
    const email = row.emailEnc ? await reseal(row.emailEnc, from, to) : null;
    if (row.emailEnc && !email) unreadable.push(row.id);
    const ip = row.ipEnc ? await reseal(row.ipEnc, from, to) : null;
    if (row.ipEnc && !ip) unreadable.push(row.id);
    const input = { email: email?.plain ?? '', ip: ip?.plain ?? null, website: row.website };
    const now = await memoryKeys({ keys: to }, input);
    if (email?.already || ip?.already) {
      // Written by a server that already ran with the new secret: its hashes are new ones too.
      for (const kind of ['email', 'ip', 'host'] as const) if (now[kind]) fresh[kind].add(now[kind]);
      report.alreadyNew++;
      continue;
    }
    const was = await memoryKeys({ keys: from }, input);
    if (email?.plain) {
      patch.emailEnc = email.sealed;
      report.emails++;
      if (row.emailHash) {
        if (row.emailHash !== was.email) unreadable.push(row.id);
        patch.emailHash = now.email;
        maps.email.set(row.emailHash, now.email);
      }
    }
    if (ip) {
      patch.ipEnc = ip.sealed;
      report.ips++;
      if (row.ipHash && now.ip) {
        if (row.ipHash !== was.ip) unreadable.push(row.id);
        patch.ipHash = now.ip;
        maps.ip.set(row.ipHash, now.ip);
      }
    } else if (row.ipHash) {
      // A keyed hash without its IP cannot be computed again: it goes (it could only match the old key).
      patch.ipHash = null;
    }
    if (was.host && now.host) maps.host.set(was.host, now.host);
    if (Object.keys(patch).length) {
      statements.push(resealComment(db, row.id, patch));
      report.comments++;
    }
  }
  if (unreadable.length) {
    throw new RotationError(
      `${new Set(unreadable).size} comment(s) could not be read with the old secret (e.g. ${unreadable[0]}): is OLD_SECRET the secret the server used? Nothing was changed.`,
    );
  }

  // Local spam memory: re-keyed where the value is known from a comment, dropped otherwise.
  const rekeyed = {
    email: new Set([...maps.email.values(), ...fresh.email]),
    ip: new Set([...maps.ip.values(), ...fresh.ip]),
    host: new Set([...maps.host.values(), ...fresh.host]),
  };
  for (const m of await memoryHashes(db)) {
    if (rekeyed[m.kind].has(m.hash)) continue; // already under the new secret
    const next = maps[m.kind].get(m.hash) ?? null;
    statements.push(rekeyMemory(db, m.kind, m.hash, next));
    if (next) report.memory.rekeyed++;
    else report.memory.dropped++;
  }

  // Audit log subjects (the keyed hash of the author's address). One whose comment is gone cannot
  // be computed again: it is cleared (it could only ever match the old key).
  for (const { hash, rows } of await auditSubjects(db)) {
    if (rekeyed.email.has(hash!)) continue;
    const next = maps.email.get(hash!) ?? null;
    statements.push(rekeyAuditSubject(db, hash!, next));
    if (next) report.audit.rekeyed += rows;
    else report.audit.cleared += rows;
  }

  if (options.dropStoredSecret) {
    statements.push(deleteStoredSecret(db, oldSecret));
    report.droppedStoredSecret = true;
  }
  if (!report.dryRun) await runBatch(db, statements);

  // Check the result: every address opens with the new keys, none with the old.
  if (!report.dryRun) {
    for (const s of await sealedSample(db, 50)) {
      if (s.emailEnc && (await to.decrypt(s.emailEnc)) === null)
        throw new RotationError('Check failed: an address does not open with the new secret.');
      if (s.ipEnc && (await to.decrypt(s.ipEnc)) === null)
        throw new RotationError('Check failed: an IP does not open with the new secret.');
    }
  }
  return report;
}

export interface RotationOptions {
  /** OLD_SECRET: the secret the server ran with, when it is not its key file's (or the database's). */
  oldSecret?: string | undefined;
  /** NEW_SECRET: the secret to rotate to; generated when the key file receives it. */
  newSecret?: string | undefined;
  dryRun?: boolean;
}

/** `tamis rotate-secret`: the rotation with the secrets where the server keeps them; prints what it did. */
export async function rotateSecretCommand(
  config: Config,
  { oldSecret: givenOld, newSecret: givenNew, dryRun = false }: RotationOptions,
  print: (line: string) => void,
) {
  const { db, client } = await openDatabase(config.DATABASE_URL, config.DATABASE_AUTH_TOKEN);
  try {
    const file = secretFilePath(config);
    const pending = file && pendingSecretFile(file);
    const [stored, fileSecret, pendingSecret] = await Promise.all([
      storedSecret(db),
      file ? readSecretFile(file) : null,
      pending ? readSecretFile(pending) : null,
    ]);
    const oldSecret = givenOld || fileSecret || stored;
    if (!oldSecret) {
      throw new RotationError(
        `Set OLD_SECRET: there is no key file${file ? ` (${file})` : ''} and the database holds no generated secret, so the server ran with SECRET from its environment.`,
      );
    }
    // The secret in force when the server runs without SECRET: its key file, or the meta row it is moved from.
    const generated = file !== null && (oldSecret === fileSecret || (fileSecret === null && oldSecret === stored));
    if (pendingSecret !== null && !generated) {
      throw new RotationError(
        `${pending} holds the new secret of an unfinished rotation of the key file: run this again without OLD_SECRET to finish it.`,
      );
    }
    if (pendingSecret !== null && givenNew && givenNew !== pendingSecret) {
      throw new RotationError(
        `${pending} holds the new secret of an unfinished rotation: run this again without NEW_SECRET to finish it.`,
      );
    }
    const newSecret = pendingSecret ?? (givenNew || (generated ? randomToken() : null));
    if (!newSecret)
      throw new RotationError(
        'Set NEW_SECRET (at least 32 characters): the server takes its secret from SECRET in its environment.',
      );
    if (newSecret.length < 32) throw new RotationError('NEW_SECRET must be at least 32 characters.');

    if (generated && !dryRun) {
      // The old secret moves out of the database first, as the server would; then the new one waits
      // beside the key file until the batch is committed.
      if (fileSecret === null) await createSecretFile(file, oldSecret);
      if (pendingSecret === null && (await createSecretFile(pending!, newSecret)) !== newSecret) {
        throw new RotationError(`${pending} appeared meanwhile: is another rotation running?`);
      }
    }
    const report = await rotateSecret(db, oldSecret, newSecret, {
      dryRun,
      dropStoredSecret: stored !== null && stored === oldSecret,
    });
    if (generated && !dryRun) await replaceSecretFile(pending!, file);
    print(
      `${dryRun ? 'Dry run, nothing written. Would change' : 'Rotated.'} ${report.comments} comment(s): ${report.emails} address(es), ` +
        `${report.ips} IP(s) sealed again; local memory ${report.memory.rekeyed} re-keyed, ${report.memory.dropped} dropped ` +
        `(no stored value to re-key them from); audit subjects ${report.audit.rekeyed} re-keyed, ${report.audit.cleared} cleared; ` +
        `${report.alreadyNew} already under the new secret.`,
    );
    if (!dryRun) {
      print(
        generated
          ? `The new secret is in ${file}; start the server as before (without SECRET).`
          : `Now start the server with SECRET set to the new secret${report.droppedStoredSecret ? ' (the generated secret the database held is deleted from it)' : ''}.`,
      );
    }
  } finally {
    client.close();
  }
}
