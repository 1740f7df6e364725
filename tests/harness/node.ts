import { openDatabase } from '../../src/entry/node-db';
import { nodeMailer } from '../../src/entry/node-mail';
import { harnessOn, type AppHarness } from './app';

export type NodeHarness = AppHarness;

/** A fresh app on its own fresh, migrated in-memory libSQL database (or a file, as the Node entry opens it). */
export async function setup(env: Record<string, string> = {}, url = ':memory:'): Promise<NodeHarness> {
  const { db, scrubStorage } = await openDatabase(url);
  // With SMTP_URL, email goes through nodemailer as on the Node entry (to a test SMTP server).
  return harnessOn(db, env, { scrubStorage, ...(env.SMTP_URL ? { mailer: nodeMailer(env.SMTP_URL) } : {}) });
}
