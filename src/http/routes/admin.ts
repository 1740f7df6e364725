import { adminSpam } from './admin-spam';
import { adminArticles } from './admin/articles';
import { adminAudit } from './admin/audit';
import { adminComments } from './admin/comments';
import { adminLists } from './admin/lists';
import { adminOutbox } from './admin/outbox';
import { adminPrivacy } from './admin/privacy';
import { adminSettings } from './admin/settings';
import { adminStats } from './admin/stats';
import { adminTokens } from './admin/tokens';
import { adminTransfer } from './admin/transfer';
import { noStore } from '../middleware/admin-auth';
import { router } from '../openapi';

/** Moderators' routes, all behind `requireAdmin` (mounted in app.ts); one router per resource. */
export const admin = router();

admin.use(noStore);
admin.route('/tokens', adminTokens);
admin.route('/comments', adminComments);
admin.route('/articles', adminArticles);
admin.route('/settings', adminSettings);
admin.route('/lists', adminLists);
admin.route('/privacy', adminPrivacy);
admin.route('/audit', adminAudit);
admin.route('/stats', adminStats);
admin.route('/outbox', adminOutbox);
admin.route('/spam', adminSpam);
admin.route('/', adminTransfer);
