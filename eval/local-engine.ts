import { memoryHost } from '../src/spam/analyze';
import { runChecks, verdict } from '../src/spam';
import { detectLanguage } from '../src/spam/language';
import { learnerTokens } from '../src/spam/learner';
import type { SpamSettings } from '../src/settings/spam';
import type { LearnerPrior } from '../src/spam/prior';
import type { CheckContext, Features, Label, LearnerTotals, TokenCounts } from '../src/spam/types';
import { isHtmlExport, textFromHtmlExport, type Engine, type EvalRow, type SiteResult } from './evaluate';
import { train } from './memory-learner';

/**
 * An in-process engine for the offline evaluation: the checks and the learner over in-memory
 * state (Maps standing in for the learner's token table and the local memory), fed by moderators'
 * decisions through `feedback`. What the service does with its database, without one.
 */

/** A browser's user agent, for corpora that have none (a missing one is itself a signal). */
const BROWSER_USER_AGENT =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36';

/**
 * Email for corpora that have none: one address per author name, on an ordinary, valid domain that
 * no rule penalizes (not a reserved name like example.org, not a disposable provider). All rows
 * share the domain, so it tells the learner nothing.
 */
export function generatedEmail(author: string): string {
  let hash = 0x811c9dc5;
  for (const char of author) {
    hash ^= char.codePointAt(0) ?? 0;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return `user${hash.toString(36)}@mail.test-site.fr`;
}

export interface LocalEngineOptions {
  settings: SpamSettings;
  /** Language of the articles of this site (null: settings.siteLanguage). */
  articleLanguage: string | null;
  /** Use the learner (false: rules only). */
  learner: boolean;
  /** The learner's prior: undefined for the one shipped with Tamis, null for none (as the `learnerPrior` setting off). */
  prior?: LearnerPrior | null;
}

export function rowToFeatures(row: EvalRow): Features {
  return {
    articleId: row.site,
    author: row.author,
    email: row.email ?? generatedEmail(row.author),
    website: row.website,
    content: isHtmlExport(row) ? textFromHtmlExport(row.content) : row.content,
    ip: row.ip,
    // A corpus's null is "not recorded" (undefined: the check abstains); '' is "sent none".
    userAgent: isHtmlExport(row) ? BROWSER_USER_AGENT : (row.userAgent ?? undefined),
  };
}

/** One line per misjudged row: the site, label → verdict (score), the text as the engine saw it, the reasons. */
export function formatMistakes(results: readonly SiteResult[]): string[] {
  return results.flatMap(({ site, mistakes }) =>
    mistakes.map(({ row, assessment }) => {
      const why = assessment.reasons.map((r) => `${r.rule} ${r.score}: ${r.detail}`).join(' | ');
      const text = JSON.stringify(rowToFeatures(row).content.slice(0, 100));
      return `  [${site}] ${row.label} → ${assessment.verdict} (${assessment.score}) ${text} — ${why}`;
    }),
  );
}

/** The language most detected in a site's training rows: the articles' language when the corpus does not say. */
export function dominantLanguage(siteRows: readonly EvalRow[], minWords = 10): string | null {
  const votes = new Map<string, number>();
  for (const row of siteRows) {
    if (row.split !== 'train') continue;
    const content = rowToFeatures(row).content;
    if (content.split(/\s+/).length < minWords) continue;
    const lang = detectLanguage(content, '')?.lang;
    if (lang) votes.set(lang, (votes.get(lang) ?? 0) + 1);
  }
  return [...votes].sort((a, b) => b[1] - a[1])[0]?.[0] ?? null;
}

interface Memory {
  spam: number;
  ham: number;
}

export interface LocalEngine extends Engine {
  readonly table: Map<string, TokenCounts>;
  readonly totals: LearnerTotals;
  /** Features, context and learner input of a row, as the service would gather them. */
  prepare(row: EvalRow): { features: Features; context: CheckContext; tokens: string[] };
}

export function createLocalEngine(options: LocalEngineOptions): LocalEngine {
  const { settings } = options;
  const table = new Map<string, TokenCounts>();
  const totals: LearnerTotals = { spam: 0, ham: 0, spamTokens: 0, hamTokens: 0 };
  const memory = new Map<string, Memory>();
  const recall = (key: string | null) => (key ? memory.get(key) : undefined) ?? { spam: 0, ham: 0 };
  // Keyed as the service keys them (services/keys.ts memoryKeys), without the hashing.
  const keysOf = (features: Features) => {
    const host = memoryHost(features.website);
    return [
      `email:${features.email.toLowerCase()}`,
      features.ip ? `ip:${features.ip}` : null,
      host ? `host:${host}` : null,
    ];
  };

  const prepare = (row: EvalRow) => {
    const features = rowToFeatures(row);
    const [email, ip, host] = keysOf(features);
    const context: CheckContext = {
      formToken: { state: 'skipped' },
      articleLanguage: row.articleLanguage ?? options.articleLanguage,
      memory: {
        spamByIp: recall(ip ?? null).spam,
        spamByEmail: recall(email ?? null).spam,
        spamByWebsiteHost: recall(host ?? null).spam,
        approvedByEmail: recall(email ?? null).ham,
      },
      crossPosts: 0,
      lists: [],
    };
    return { features, context, tokens: options.learner ? learnerTokens(features) : [] };
  };

  return {
    table,
    totals,
    prepare,
    async feedback(label: Label, row: EvalRow) {
      const features = rowToFeatures(row);
      if (options.learner) train(table, totals, learnerTokens(features), label);
      for (const key of keysOf(features)) {
        if (!key) continue;
        const entry = memory.get(key) ?? { spam: 0, ham: 0 };
        entry[label]++;
        memory.set(key, entry);
      }
    },
    async check(row: EvalRow) {
      const { features, context, tokens } = prepare(row);
      const signals = runChecks(
        features,
        context,
        settings,
        options.learner
          ? { tokens, stats: table, totals, ...(options.prior !== undefined ? { prior: options.prior } : {}) }
          : undefined,
      );
      return verdict(signals, settings);
    },
  };
}
