import { Hono } from 'hono';
import type { AppEnv } from '../../deps';

/** The spam defence's admin endpoints: dry run, feedback, statistics. */
export const adminSpam = new Hono<AppEnv>();
