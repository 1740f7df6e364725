import type { Deps } from '../deps';
import { ping } from '../db/meta';

/** Whether the database answers; a failure is logged. */
export async function checkDatabase(deps: Deps): Promise<boolean> {
  try {
    await ping(deps.db);
    return true;
  } catch (error) {
    deps.logger.error('health.db_failed', { error: String(error) });
    return false;
  }
}
