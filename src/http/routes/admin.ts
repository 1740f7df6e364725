import { Hono } from 'hono';
import type { AppEnv } from '../../deps';
import { adminSpam } from './admin-spam';
import { adminArticles } from './admin/articles';
import { adminAudit } from './admin/audit';
import { adminComments } from './admin/comments';
import { adminLists } from './admin/lists';
import { adminPrivacy } from './admin/privacy';
import { adminSettings } from './admin/settings';
import { adminStats } from './admin/stats';
import { adminTokensRouter } from './admin/tokens';

/** Moderators' routes, all behind `requireAdmin` (mounted in app.ts); one router per resource. */
export const admin = new Hono<AppEnv>();

// Admin answers hold emails and IPs: no cache keeps them.
admin.use(async (c, next) => {
  await next();
  c.header('Cache-Control', 'no-store');
});

admin.route('/tokens', adminTokensRouter);
admin.route('/comments', adminComments);
admin.route('/articles', adminArticles);
admin.route('/settings', adminSettings);
admin.route('/lists', adminLists);
admin.route('/privacy', adminPrivacy);
admin.route('/audit', adminAudit);
admin.route('/stats', adminStats);
admin.route('/spam', adminSpam);
