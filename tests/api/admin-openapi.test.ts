import { describe, expect, it } from 'vitest';
import { setup } from '@harness';

describe('the OpenAPI document', () => {
  it('documents every moderation route, each behind the admin bearer token', async () => {
    const t = await setup();
    const doc = (await (await t.request('/openapi.json')).json()) as any;
    const expected: Record<string, string[]> = {
      '/api/v1/admin/tokens': ['get', 'post'],
      '/api/v1/admin/tokens/{id}': ['delete'],
      '/api/v1/admin/comments': ['get'],
      '/api/v1/admin/comments/{id}': ['get', 'patch', 'delete'],
      '/api/v1/admin/comments/bulk': ['post'],
      '/api/v1/admin/articles/{articleId}': ['get', 'put'],
      '/api/v1/admin/articles/{articleId}/comments': ['post'],
      '/api/v1/admin/settings': ['get', 'patch'],
      '/api/v1/admin/lists': ['get', 'post'],
      '/api/v1/admin/lists/{id}': ['delete'],
      '/api/v1/admin/privacy/export': ['get'],
      '/api/v1/admin/privacy/erase': ['post'],
      '/api/v1/admin/audit': ['get'],
      '/api/v1/admin/stats': ['get'],
    };
    for (const [path, methods] of Object.entries(expected)) {
      expect(Object.keys(doc.paths[path] ?? {}).sort(), path).toEqual([...methods].sort());
      for (const method of methods) {
        const op = doc.paths[path][method];
        expect(op.security, `${method} ${path}`).toEqual([{ adminToken: [] }]);
        expect(op.responses, `${method} ${path}`).toHaveProperty('401');
      }
    }
  });
});
