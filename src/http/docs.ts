import type { OpenApiDocument } from './openapi';

/**
 * The API reference page at /docs: the OpenAPI document rendered as HTML on the server, every
 * operation with its parameters, bodies and answers. No script, nothing from another host: the
 * page's policy allows its one inline style sheet (by hash) and nothing else.
 */

type Schema = Record<string, unknown>;
type Operation = {
  summary?: string;
  description?: string;
  security?: Record<string, unknown>[];
  parameters?: { name: string; in: string; required?: boolean; description?: string; schema?: Schema }[];
  requestBody?: { required?: boolean; content?: Record<string, { schema?: Schema }> };
  responses?: Record<string, { description?: string; content?: Record<string, { schema?: Schema }> }>;
};
type Document = {
  info: { title: string; version: string; description?: string };
  paths?: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, Schema> };
};

const STYLE = `body{font:16px/1.5 system-ui,sans-serif;max-width:60rem;margin:0 auto;padding:1rem 1.5rem;color:#1b1b1b;background:#fff}
h1{margin-bottom:0}h2{margin-top:2.5rem;border-bottom:1px solid #ccc}h3{margin:2rem 0 .25rem;font-size:1.1rem}
code{font:.9em ui-monospace,monospace;background:#f2f2f2;padding:0 .2em;border-radius:3px}
.m{display:inline-block;min-width:4.2em;font:bold .8em ui-monospace,monospace;text-transform:uppercase;padding:.1em .4em;border-radius:3px;background:#dde;text-align:center}
.get{background:#d7ecff}.post{background:#d9f2dc}.put,.patch{background:#fdf0cc}.delete{background:#fbd9d9}
ul.p{list-style:none;padding-left:1.2rem;border-left:2px solid #eee;margin:.25rem 0}.t{color:#555}.r{color:#a33;font-size:.85em}
dl{margin:.25rem 0}dt{font-weight:600;margin-top:.5rem}dd{margin-left:1.2rem}nav ul{columns:2;padding-left:1.2rem}
@media (prefers-color-scheme:dark){body{background:#161616;color:#e4e4e4}code{background:#2a2a2a}.m{background:#334;color:#e4e4e4}.get{background:#1d3a55}.post{background:#1f4426}.put,.patch{background:#4d3f12}.delete{background:#552222}.t{color:#aaa}ul.p{border-color:#333}a{color:#8cf}}`;

const METHODS = ['get', 'put', 'post', 'patch', 'delete'];

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
/** Escaped text with its `code` spans, as the descriptions write them. */
const prose = (text: string | undefined) => (text ? escapeHtml(text).replace(/`([^`]+)`/g, '<code>$1</code>') : '');
const anchor = (method: string, path: string) =>
  `${method}-${path.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '')}`;

/** One line for a schema's type and constraints: `string, 1–200 characters`, `integer ≥ 1`, `"a" | "b"`. */
function typeOf(schema: Schema): string {
  const ref = typeof schema.$ref === 'string' ? schema.$ref.split('/').at(-1)! : null;
  if (ref) return `<a href="#schema-${escapeHtml(ref)}">${escapeHtml(ref)}</a>`;
  if (Array.isArray(schema.anyOf)) return (schema.anyOf as Schema[]).map(typeOf).join(' | ');
  if (Array.isArray(schema.enum))
    return (schema.enum as unknown[]).map((v) => `<code>${escapeHtml(JSON.stringify(v))}</code>`).join(' | ');
  const types = (Array.isArray(schema.type) ? schema.type : [schema.type ?? 'any']) as string[];
  let text = types
    .map((t) => (t === 'array' && schema.items ? `array of ${typeOf(schema.items as Schema)}` : escapeHtml(String(t))))
    .join(' | ');
  if (typeof schema.format === 'string') text += ` (${escapeHtml(schema.format)})`;
  const range = (min: unknown, max: unknown, unit: string) =>
    min !== undefined && max !== undefined
      ? `, ${min}–${max}${unit}`
      : min !== undefined
        ? `, ≥ ${min}${unit}`
        : max !== undefined
          ? `, ≤ ${max}${unit}`
          : '';
  text +=
    range(schema.minLength, schema.maxLength, ' characters') +
    range(schema.minimum, schema.maximum, '') +
    range(schema.minItems, schema.maxItems, ' items');
  if (typeof schema.pattern === 'string') text += `, matching <code>${escapeHtml(schema.pattern)}</code>`;
  if (schema.default !== undefined) text += `, default <code>${escapeHtml(JSON.stringify(schema.default))}</code>`;
  return text;
}

/** A schema: its type, then its properties (or its items' properties), nested. */
function schemaHtml(schema: Schema, depth = 0): string {
  const items =
    schema.type === 'array' && schema.items && !(schema.items as Schema).$ref ? (schema.items as Schema) : null;
  const inner = items ?? schema;
  const properties = (inner.properties ?? {}) as Record<string, Schema>;
  const required = new Set((inner.required ?? []) as string[]);
  const extra =
    inner.additionalProperties && typeof inner.additionalProperties === 'object'
      ? (inner.additionalProperties as Schema)
      : null;
  const rows = Object.entries(properties).map(
    ([name, property]) =>
      `<li><code>${escapeHtml(name)}</code> <span class="t">${typeOf(property)}</span>${required.has(name) ? ' <span class="r">required</span>' : ''}${property.description ? ` — ${prose(String(property.description))}` : ''}${depth < 6 ? nested(property, depth) : ''}</li>`,
  );
  if (extra)
    rows.push(
      `<li><i>any key</i> <span class="t">${typeOf(extra)}</span>${depth < 6 ? nested(extra, depth) : ''}</li>`,
    );
  return rows.length ? `<ul class="p">${rows.join('')}</ul>` : '';
}

function nested(schema: Schema, depth: number): string {
  const items =
    schema.type === 'array' || (Array.isArray(schema.type) && schema.type.includes('array'))
      ? (schema.items as Schema | undefined)
      : undefined;
  const inner = items ?? schema;
  return inner.properties || (inner.additionalProperties && typeof inner.additionalProperties === 'object')
    ? schemaHtml(inner, depth + 1)
    : '';
}

function contentHtml(content: Record<string, { schema?: Schema }> | undefined): string {
  return Object.entries(content ?? {})
    .map(
      ([type, { schema }]) =>
        `<p><code>${escapeHtml(type)}</code>${schema ? ` <span class="t">${typeOf(schema)}</span>` : ''}</p>${schema ? schemaHtml(schema) : ''}`,
    )
    .join('');
}

function operationHtml(method: string, path: string, op: Operation): string {
  const parts = [
    `<h3 id="${anchor(method, path)}"><span class="m ${method}">${method}</span> <code>${escapeHtml(path)}</code></h3>`,
  ];
  if (op.summary) parts.push(`<p><b>${prose(op.summary)}</b></p>`);
  if (op.description) parts.push(`<p>${prose(op.description)}</p>`);
  if (op.security?.length)
    parts.push(
      `<p>Authorization: <code>Bearer</code> ${op.security
        .flatMap((s) => Object.keys(s))
        .map((k) => `<code>${escapeHtml(k)}</code>`)
        .join(' or ')}</p>`,
    );
  if (op.parameters?.length) {
    const rows = op.parameters.map(
      (p) =>
        `<li><code>${escapeHtml(p.name)}</code> <span class="t">in ${escapeHtml(p.in)}, ${p.schema ? typeOf(p.schema) : 'any'}</span>${p.required ? ' <span class="r">required</span>' : ''}${p.description ? ` — ${prose(p.description)}` : ''}</li>`,
    );
    parts.push(`<dl><dt>Parameters</dt><dd><ul class="p">${rows.join('')}</ul></dd></dl>`);
  }
  if (op.requestBody)
    parts.push(
      `<dl><dt>Body${op.requestBody.required ? '' : ' (optional)'}</dt><dd>${contentHtml(op.requestBody.content)}</dd></dl>`,
    );
  const responses = Object.entries(op.responses ?? {}).map(
    ([status, r]) =>
      `<dt><code>${escapeHtml(status)}</code> ${prose(r.description)}</dt><dd>${contentHtml(r.content)}</dd>`,
  );
  if (responses.length) parts.push(`<dl><dt>Answers</dt><dd><dl>${responses.join('')}</dl></dd></dl>`);
  return `<section>${parts.join('')}</section>`;
}

/** The page's HTML and the hash of its style sheet, for the Content-Security-Policy. */
export async function docsPage(openapi: OpenApiDocument): Promise<{ html: string; styleHash: string }> {
  // The parts of our own generated document that the page reads, typed loosely enough to walk.
  const doc = openapi as unknown as Document;
  const operations = Object.entries(doc.paths ?? {}).flatMap(([path, item]) =>
    METHODS.filter((m) => item[m]).map((method) => ({ method, path, op: item[method]! })),
  );
  const groups: [string, typeof operations][] = [
    ['Public API', operations.filter((o) => o.path.startsWith('/api/v1/') && !o.path.startsWith('/api/v1/admin/'))],
    ['Moderation API', operations.filter((o) => o.path.startsWith('/api/v1/admin/'))],
    ['Service', operations.filter((o) => !o.path.startsWith('/api/v1/'))],
  ];
  const nav = groups
    .map(
      ([title, ops]) =>
        `<h2>${title}</h2><ul>${ops.map((o) => `<li><a href="#${anchor(o.method, o.path)}">${o.method.toUpperCase()} ${escapeHtml(o.path)}</a></li>`).join('')}</ul>`,
    )
    .join('');
  const body = groups
    .map(([title, ops]) => `<h2>${title}</h2>${ops.map((o) => operationHtml(o.method, o.path, o.op)).join('')}`)
    .join('');
  const schemas = Object.entries(doc.components?.schemas ?? {})
    .map(
      ([name, schema]) =>
        `<section><h3 id="schema-${escapeHtml(name)}">${escapeHtml(name)}</h3><p class="t">${typeOf(schema)}</p>${schemaHtml(schema)}</section>`,
    )
    .join('');
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${escapeHtml(doc.info.title)} API</title><style>${STYLE}</style></head><body>
<header><h1>${escapeHtml(doc.info.title)} API</h1><p>${prose(doc.info.description)}</p><p>The same reference as an OpenAPI 3.1 document: <a href="openapi.json">/openapi.json</a>.</p></header>
<nav>${nav}</nav><main>${body}<h2>Schemas</h2>${schemas}</main></body></html>`;
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(STYLE));
  const styleHash = btoa(String.fromCharCode(...new Uint8Array(digest)));
  return { html, styleHash };
}
