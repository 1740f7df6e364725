import { z } from 'zod';

/**
 * Every threshold and weight of the spam defence (src/spam/), with its default: the `spam` key of
 * the site settings (site.ts). Pure (zod only), so that the checks, which import nothing of the
 * database, can take it. The moderation API exposes these as settings: the schema is strict (unknown keys are rejected) and flat, so that a partial
 * update is a shallow merge of overrides over the defaults.
 *
 * Scores add up; `verdict()` compares the sum with `holdThreshold` and `spamThreshold`. The rules
 * that decide on their own ("→ spam": honeypot, form sent too fast, link markup, disallowed list,
 * cross-posting; "→ hold": too many links, moderation list) impose their verdict whatever the sum
 * (DECISIVE_RULES in spam/verdict.ts); their weight only adds to the score, and 0 turns such a rule off.
 */

const weight = (value: number) => z.number().min(0).max(100).default(value);

export const SpamSettingsSchema = z
  .object({
    /** Total score from which a comment waits for a moderator. */
    holdThreshold: z.number().min(0).max(100).default(5),
    /** Total score from which a comment is spam. */
    spamThreshold: z.number().min(0).max(100).default(10),

    /** Name of the hidden form field that people leave empty. */
    honeypotField: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_-]{0,63}$/)
      .default('hp'),
    weightHoneypot: weight(10),

    /** A form sent sooner than this after the page was served is a bot's. */
    minSeconds: z.number().min(0).max(600).default(3),
    /**
     * A form token older than this is stale (a page left open for a day, or a replayed token). A token
     * serves one comment until then; past it, whether it served is forgotten, so it weighs like a used one.
     */
    formTokenMaxAgeSeconds: z
      .number()
      .int()
      .min(60)
      .max(30 * 86_400)
      .default(86_400),
    weightFormTokenMissing: weight(3),
    /** A forged token, or one a stored comment was already sent with. */
    weightFormTokenInvalid: weight(4),
    weightFormTokenTooFast: weight(10),
    weightFormTokenExpired: weight(4),
    /**
     * The shared token of a form served without JavaScript (GET …/thread.html): the same for every
     * reader of the article for a few minutes, so it cannot serve one comment only. It still proves
     * the form came from Tamis for this article, and when at the earliest (minSeconds).
     */
    weightFormTokenShared: weight(2),

    /** Number of links (content and website field) from which a comment is held, as in WordPress. */
    maxLinks: z.number().int().min(1).max(100).default(2),
    weightManyLinks: weight(5),
    /** Each link below `maxLinks` (a comment with one link is often fine, yet it is how spam pays). */
    weightLink: weight(2),
    /**
     * A link (in the text or the website field) from an address with no comment approved before. Off
     * by default (0): readers who cite a source or leave their blog are published. At 3, one link
     * from a newcomer is held for a moderator, as WordPress holds a first comment: quiet link spam,
     * which reads like a reader and whose payload is its link, then waits too (README, "Spam defence").
     */
    weightNewcomerLink: weight(0),
    /** A link carrying a referral or affiliate code (?ref=, ?aff=…). */
    weightReferralLink: weight(3),
    /** A link through a URL shortener (bit.ly, adf.ly…): where it leads is hidden from readers and moderators. */
    weightShortenedLink: weight(3),
    /** BBCode [url] or HTML <a href>: written for forums and raw HTML, not for a plain-text form. */
    weightLinkMarkup: weight(10),

    weightDisallowedList: weight(10),
    weightModerationList: weight(5),

    /** Local memory: the moderators already marked spam from this IP, email or website host. */
    weightSpamByIp: weight(4),
    weightSpamByEmail: weight(6),
    weightSpamByWebsiteHost: weight(6),
    /** Bonus per previously approved comment with the same email (subtracted from the score). */
    weightTrustedPerApproved: weight(2),
    /**
     * Cap of that bonus. An email is typed by the submitter, so trust only outweighs weak signals;
     * the decisive rules (honeypot, link markup…) still decide whatever this is (see verdict.ts).
     */
    trustedCap: weight(4),

    /** Content shape. */
    weightLinkOnly: weight(4),
    weightMostlyCapitals: weight(1),
    weightCharacterRun: weight(0.5),
    weightInvisible: weight(5),
    weightMixedScript: weight(5),
    weightContactInText: weight(2),
    /** A web address spelled to dodge filters ('hxxp://', 'site . com', 'www[.]site'): holds by itself. */
    weightObfuscatedLink: weight(5),
    /** Per unexpanded spintax group ('{Super|Génial} article'), counted twice at most: one holds, two are spam. */
    weightSpintax: weight(5),
    /** Per kind of call to action (go to my channel, subscribe, click here, buy now): holds by itself. */
    weightPromotion: weight(5),
    /** Per spam topic (casino, pills, easy money): honest comments discuss these too, so it weighs less. */
    weightSpamTopic: weight(2.5),
    /** Cap of the promotion check's total (below spamThreshold: words alone never block at cold start). */
    promotionCap: weight(7.5),

    /** Language of articles without one of their own (ISO 639-1). */
    siteLanguage: z
      .string()
      .regex(/^[a-z]{2,3}$/)
      .default('fr'),
    /** Comments shorter than this (in words) are not checked for language. */
    languageMinWords: z.number().int().min(1).max(1000).default(10),
    /** Confidence of the detector (0–1) needed before a mismatch counts. */
    languageMinConfidence: z.number().min(0).max(1).default(0.3),
    /** Kept moderate: a French site legitimately receives some English comments. */
    weightLanguageMismatch: weight(2),

    weightDisposableEmail: weight(4),
    weightInvalidEmailDomain: weight(4),

    /** Same text on other articles in the last 24 hours. */
    weightCrossPost: weight(10),

    weightAuthorUrl: weight(4),
    weightAuthorSpamWords: weight(3),
    /**
     * Metadata of a campaign rather than a person: a website whose address is a string of keywords
     * ('best-essay-writing-service'), an email whose local part spells the website's keywords, a
     * website left with praise that fits any article ("Très bon article, merci pour le partage !"). Weak
     * alone (an ordinary reader is never judged by one of these), it adds to the others.
     */
    weightKeywordMetadata: weight(2),

    weightUserAgentMissing: weight(3),
    weightUserAgentLibrary: weight(6),
    /** A browser years out of date (Chrome 58, Firefox 40, Internet Explorer): what comment bots keep sending. */
    weightUserAgentOutdated: weight(2),

    /**
     * Learner: without the prior, contributes once it has seen this many examples of each class
     * (with the prior, from the first comment).
     */
    learnerMinExamples: z.number().int().min(1).max(100_000).default(10),
    /**
     * Starter knowledge shipped with Tamis (spam/prior.ts, built from the corpora in the
     * repository): the learner speaks from the first comment, and the site's own lessons weigh more
     * and more as they accumulate. false turns it off: the learner then learns from this site only.
     */
    learnerPrior: z.boolean().default(true),
    /** How many of the site's lessons the prior is worth on a new site. */
    learnerPriorDocuments: z.number().min(0).max(100_000).default(200),
    /**
     * The site's lesson count, counted as twice those of its scarcer class, at which the prior's
     * worth is halved (a third at twice as many, and so on).
     */
    learnerPriorHalfLife: z.number().min(1).max(100_000).default(100),
    /**
     * Bounds of the prior's points (its evidence times its share, added to the site learner's):
     * what other sites taught holds a comment only with a rule's help (at most 4 points), and never
     * clears one a rule holds (0 towards ham: how ham looks is each site's own).
     */
    learnerPriorWeight: weight(4),
    learnerPriorHamWeight: weight(0),
    /**
     * Points of score per nat of the learner's evidence (log-odds): alone, the learner holds from
     * 2.8 nats and judges spam from 5.6 (p(spam) 0.996). Why 1.8: docs/spam.md.
     */
    learnerScale: z.number().min(0).max(100).default(1.8),
    /** Largest positive score of the learner (reached when it is sure of spam). */
    learnerWeight: weight(12),
    /**
     * Spam lessons a site's learner needs before it may judge a comment spam on its own: below, its
     * score stops under spamThreshold, so that alone it holds. With a few dozen lessons, a word or a
     * mail provider seen in a handful of spam makes it sure of spam (docs/spam.md).
     */
    learnerBlocksFrom: z.number().int().min(0).max(1_000_000).default(100),
    /** Largest negative score of the learner (reached when it is sure of ham). */
    learnerHamWeight: weight(6),
    /** Vocabulary cap of the learner's token table; beyond it, the rarest, oldest tokens go (learner.ts pruneCount). */
    learnerVocabularyCap: z.number().int().min(1000).max(10_000_000).default(200_000),

    /** Flood control, applied by the service before any check: a comment from the same IP within this many seconds. */
    floodSeconds: z.number().int().min(0).max(3600).default(15),
    /** Flood control: more than this many comments from one IP in an hour. */
    maxPerHourPerIp: z.number().int().min(1).max(100_000).default(10),
  })
  // No cross-field refinement, so that the API can still derive `.partial()` from the schema:
  // a holdThreshold above spamThreshold simply means that nothing is held (spam is checked first).
  .strict();

export type SpamSettings = z.infer<typeof SpamSettingsSchema>;

export const defaultSpamSettings: SpamSettings = Object.freeze(SpamSettingsSchema.parse({}));
