import { openDatabase } from '../../src/entry/node-db';
import { harnessOn, type AppHarness } from './app';

export type NodeHarness = AppHarness;

/** A fresh app on its own fresh, migrated in-memory libSQL database (or a file, as the Node entry opens it). */
export async function setup(env: Record<string, string> = {}, url = ':memory:'): Promise<NodeHarness> {
  const { db, scrubStorage } = await openDatabase(url);
  return harnessOn(db, env, { scrubStorage });
}
